#include "datapath/channel_target.h"

#include <charconv>

namespace ofkit::dp {
namespace {

bool parse_port(std::string_view s, uint16_t* port) {
  unsigned v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v > 65535) return false;
  *port = static_cast<uint16_t>(v);
  return true;
}

// "HOST[:PORT]" or "[V6]:PORT" -> host, port.
bool split_host_port(std::string_view s, std::string* host, uint16_t* port, std::string* why) {
  std::string_view h = s, p;
  if (!s.empty() && s.front() == '[') {
    const size_t close = s.find(']');
    if (close == std::string_view::npos) {
      *why = "missing ']'";
      return false;
    }
    h = s.substr(1, close - 1);
    std::string_view rest = s.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') {
        *why = "expected ':' after ']'";
        return false;
      }
      p = rest.substr(1);
    }
  } else if (const size_t colon = s.rfind(':'); colon != std::string_view::npos) {
    h = s.substr(0, colon);
    p = s.substr(colon + 1);
  }
  if (h.empty()) {
    *why = "missing host";
    return false;
  }
  *host = std::string(h);
  if (!p.empty() && !parse_port(p, port)) {
    *why = "bad port '" + std::string(p) + "'";
    return false;
  }
  return true;
}

}  // namespace

std::string Target::to_string() const {
  switch (kind) {
    case Kind::kTcp:
      return host.find(':') != std::string::npos ? "tcp:[" + host + "]:" + std::to_string(port)
                                                 : "tcp:" + host + ":" + std::to_string(port);
    case Kind::kUnix:
      return "unix:" + path;
    case Kind::kLocal:
      return "local";
    case Kind::kNone:
      return "none";
    case Kind::kPtcp:
      return "ptcp:" + std::to_string(port) + (host.empty() ? "" : ":" + host);
    case Kind::kPunix:
      return "punix:" + path;
  }
  return "?";
}

std::optional<Target> parse_active_target(std::string_view text, std::string* error) {
  Target t;
  std::string why;
  if (text == "local") {
    t.kind = Target::Kind::kLocal;
    return t;
  }
  if (text == "none") {
    t.kind = Target::Kind::kNone;
    return t;
  }
  if (text.rfind("tcp:", 0) == 0) {
    t.kind = Target::Kind::kTcp;
    t.port = kDefaultControllerPort;
    if (split_host_port(text.substr(4), &t.host, &t.port, &why)) return t;
  } else if (text.rfind("unix:", 0) == 0) {
    t.kind = Target::Kind::kUnix;
    t.path = std::string(text.substr(5));
    if (!t.path.empty()) return t;
    why = "missing path";
  } else {
    why = "expected tcp:HOST[:PORT], unix:PATH, local or none";
  }
  if (error) *error = "bad controller '" + std::string(text) + "': " + why;
  return std::nullopt;
}

std::optional<Target> parse_passive_target(std::string_view text, std::string* error) {
  Target t;
  std::string why;
  if (text.rfind("ptcp:", 0) == 0 || text == "ptcp") {
    t.kind = Target::Kind::kPtcp;
    t.port = kDefaultListenPort;
    std::string_view rest = text.size() > 5 ? text.substr(5) : std::string_view();
    std::string_view port_part = rest, addr_part;
    if (const size_t colon = rest.find(':'); colon != std::string_view::npos) {
      port_part = rest.substr(0, colon);
      addr_part = rest.substr(colon + 1);
      if (addr_part.size() >= 2 && addr_part.front() == '[' && addr_part.back() == ']')
        addr_part = addr_part.substr(1, addr_part.size() - 2);
    }
    bool ok = true;
    if (!port_part.empty() && !parse_port(port_part, &t.port)) {
      ok = false;
      why = "bad port '" + std::string(port_part) + "'";
    }
    t.host = std::string(addr_part);
    if (ok) return t;
  } else if (text.rfind("punix:", 0) == 0) {
    t.kind = Target::Kind::kPunix;
    t.path = std::string(text.substr(6));
    if (!t.path.empty()) return t;
    why = "missing path";
  } else {
    why = "expected ptcp:[PORT][:ADDR] or punix:PATH";
  }
  if (error) *error = "bad listen target '" + std::string(text) + "': " + why;
  return std::nullopt;
}

}  // namespace ofkit::dp
