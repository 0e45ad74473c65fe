#include "controller/apps/app_util.h"

#include <fmt/format.h>

namespace ofkit::ctl::apps {

of::Match mac_match(const MacAddr* dl_src, const MacAddr* dl_dst) {
  uint32_t exact = 0;
  of::Match m;
  if (dl_src) {
    exact |= of::wildcards::kDlSrc;
    m.key.dl_src = *dl_src;
  }
  if (dl_dst) {
    exact |= of::wildcards::kDlDst;
    m.key.dl_dst = *dl_dst;
  }
  m.wildcards = pox_wildcards_except(exact);
  return m;
}

uint16_t u16_option(const OptionValues& o, const std::string& name) {
  const int64_t v = o.get_int(name);
  return static_cast<uint16_t>(v < 0 ? 0 : v > 0xffff ? 0xffff : v);
}

std::string dpid_string(uint64_t dpid) { return fmt::format("{:016x}", dpid); }

std::vector<std::string> split_list(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ',' || c == ' ' || c == '\t' || c == '\n') {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

bool parse_mac_list(std::string_view s, std::vector<MacAddr>* out, std::string* error) {
  out->clear();
  for (const std::string& item : split_list(s)) {
    auto mac = MacAddr::parse(item);
    if (!mac) {
      if (error) *error = "bad MAC address '" + item + "'";
      return false;
    }
    out->push_back(*mac);
  }
  return true;
}

bool parse_ipv4_list(std::string_view s, std::vector<Ipv4Addr>* out, std::string* error) {
  out->clear();
  for (const std::string& item : split_list(s)) {
    auto ip = Ipv4Addr::parse(item);
    if (!ip) {
      if (error) *error = "bad IPv4 address '" + item + "'";
      return false;
    }
    out->push_back(*ip);
  }
  return true;
}

}  // namespace ofkit::ctl::apps
