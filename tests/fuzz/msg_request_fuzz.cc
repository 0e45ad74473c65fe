// libFuzzer target: the messenger's request parser (parse_request) and its
// reply encoder (to_line). Any line must give a request or an error, never a
// crash, hang or exception. For an accepted request: the body is an object
// whose "cmd" is the non-empty string returned, the id is the body's "id",
// the nesting is within kMaxDepth; the body re-serialized by to_line is one
// line that parses back to the same command and (after one normalising
// dump) the same text; replies built for it stay one line and carry its id.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "controller/messenger/protocol.h"

using namespace ofkit::ctl::msg;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

// to_line must produce exactly one line: the framing depends on it.
void check_one_line(const std::string& s) {
  check(!s.empty() && s.back() == '\n');
  check(s.find('\n') == s.size() - 1);
}

std::string norm(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  (void)blank(line);
  auto r = parse_request(line);
  if (!r) {
    check(!r.error().message.empty());
    if (r.error().id) {
      const std::string e = to_line(error_reply(r.error().id, "", r.error().message));
      check_one_line(e);
    }
    return 0;
  }
  check(json_depth(line) <= kMaxDepth);
  check(r->body.is_object());
  check(!r->cmd.empty());
  check(r->body.at("cmd") == json(r->cmd));
  check(r->id.has_value() == r->body.contains("id"));
  if (r->id) check(*r->id == r->body.at("id"));

  // Re-serialized, it is one line and parses back to the same request.
  const std::string again = to_line(r->body);
  check_one_line(again);
  check(json_depth(again) <= kMaxDepth);
  auto r2 = parse_request(std::string_view(again).substr(0, again.size() - 1));
  check(r2.has_value());
  check(r2->cmd == json::parse(norm(json(r->cmd))).get<std::string>());
  const std::string n1 = norm(r2->body);
  auto r3 = parse_request(n1);
  check(r3.has_value());
  check(norm(r3->body) == n1);  // a fixed point after one dump

  // Replies to it are single lines carrying the id as given.
  const std::string ok = to_line(result_reply(r->id, r->cmd, r->body));
  const std::string err = to_line(error_reply(r->id, r->cmd, r->cmd));
  check_one_line(ok);
  check_one_line(err);
  const json back = json::parse(err);
  check(back.contains("id") == r->id.has_value());
  if (r->id) check(norm(back.at("id")) == norm(*r->id));
  return 0;
}
