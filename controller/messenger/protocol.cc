#include "controller/messenger/protocol.h"

namespace ofkit::ctl::msg {

bool blank(std::string_view line) {
  for (char c : line)
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
  return true;
}

int json_depth(std::string_view text) {
  int depth = 0, max_depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) max_depth = depth;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return max_depth;
}

tl::expected<Request, RequestError> parse_request(std::string_view line) {
  if (json_depth(line) > kMaxDepth)
    return tl::make_unexpected(RequestError{"bad JSON: nested deeper than " + std::to_string(kMaxDepth), {}});
  Request r;
  try {
    r.body = json::parse(line);
  } catch (const json::exception& e) {
    // parse_error, but also out_of_range for a number no double holds
    // ("1e400"): any of them is the client's bad JSON, never our crash.
    return tl::make_unexpected(RequestError{std::string("bad JSON: ") + e.what(), {}});
  }
  if (!r.body.is_object()) return tl::make_unexpected(RequestError{"a request must be a JSON object", {}});
  if (auto it = r.body.find("id"); it != r.body.end()) r.id = *it;
  auto cmd = r.body.find("cmd");
  if (cmd == r.body.end() || !cmd->is_string() || cmd->get_ref<const std::string&>().empty())
    return tl::make_unexpected(
        RequestError{"missing \"cmd\" (a string naming the command; try \"help\")", r.id});
  r.cmd = cmd->get<std::string>();
  return r;
}

json result_reply(const std::optional<json>& id, const std::string& cmd, json result) {
  json j = json::object();
  if (id) j["id"] = *id;
  if (!cmd.empty()) j["cmd"] = cmd;
  j["result"] = std::move(result);
  return j;
}

json error_reply(const std::optional<json>& id, const std::string& cmd, const std::string& message) {
  json j = json::object();
  if (id) j["id"] = *id;
  if (!cmd.empty()) j["cmd"] = cmd;
  j["error"] = message;
  return j;
}

json channel_message(const std::string& channel, const std::string& from, json msg) {
  return json{{"channel", channel}, {"from", from}, {"msg", std::move(msg)}};
}

std::string to_line(const json& j) {
  std::string s = j.dump(-1, ' ', false, json::error_handler_t::replace);
  s += '\n';
  return s;
}

}  // namespace ofkit::ctl::msg
