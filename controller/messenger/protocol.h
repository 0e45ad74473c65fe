#pragma once
// The messenger's wire format: one JSON object per line, both ways.
//
//   request   {"cmd":"of.dump_flows","id":7,"dpid":1}
//   result    {"id":7,"cmd":"of.dump_flows","result":{...}}
//   error     {"id":7,"cmd":"of.dump_flows","error":"no switch 0000000000000001"}
//   channel   {"channel":"upper","from":"upper","msg":"HELLO"}
//
// "id" is optional and echoed as given (any JSON value). Pure functions, no
// state: the core (core.h) decides what a request means.

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

namespace ofkit::ctl::msg {

using nlohmann::json;

inline constexpr int kMaxDepth = 64;  // JSON nesting accepted in a request

struct Request {
  json body;  // the whole object
  std::string cmd;
  std::optional<json> id;
};

struct RequestError {
  std::string message;
  std::optional<json> id;  // when the line was an object carrying one
};

// A line to a request. Blank lines are not requests (the caller skips them).
tl::expected<Request, RequestError> parse_request(std::string_view line);
// True for a line of only white space.
bool blank(std::string_view line);
// The deepest nesting of arrays/objects in a JSON text (strings skipped);
// checked before parsing so a "[[[[..." bomb never reaches the parser.
int json_depth(std::string_view text);

json result_reply(const std::optional<json>& id, const std::string& cmd, json result);
json error_reply(const std::optional<json>& id, const std::string& cmd, const std::string& message);
json channel_message(const std::string& channel, const std::string& from, json msg);
// One line with its '\n'; invalid UTF-8 in strings is replaced, never thrown.
std::string to_line(const json& j);

}  // namespace ofkit::ctl::msg
