// libFuzzer target: ofctl-msg's word splitter and request builder
// (client_request.h), i.e. what an interactive ofctl-msg line goes through.
// Invariants: split words are non-empty, hold no white space outside
// quotes/brackets, and re-joined with one space split to the same words; a
// built request is a JSON object whose "cmd" is the first word (unless that
// word is a whole JSON request) and which, sent as one line, the messenger's
// parse_request accepts with the same command.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "controller/messenger/client_request.h"
#include "controller/messenger/protocol.h"

using namespace ofkit::ctl::msg;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

std::string norm_string(const std::string& s) {
  return json::parse(json(s).dump(-1, ' ', false, json::error_handler_t::replace)).get<std::string>();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto words = split_words(text);
  if (!words) {
    check(!words.error().empty());
    return 0;
  }
  std::string joined;
  for (const std::string& w : *words) {
    check(!w.empty());
    check(w[0] != ' ' && w[0] != '\t' && w[0] != '\n' && w[0] != '\r');
    joined += (joined.empty() ? "" : " ") + w;
  }
  auto again = split_words(joined);
  check(again.has_value() && *again == *words);
  // Each word alone is one word (how a shell argument reaches build_request).
  for (const std::string& w : *words) {
    auto one = split_words(w);
    check(one.has_value() && one->size() == 1 && (*one)[0] == w);
  }

  auto req = build_request(*words);
  if (!req) {
    check(!req.error().empty());
    return 0;
  }
  check(req->is_object());
  check(req->contains("cmd"));
  const bool whole_json = (*words)[0][0] == '{';
  if (!whole_json) check(req->at("cmd") == json((*words)[0]));
  // Sent as ofctl-msg sends it, the messenger reads the same command (a
  // nesting deeper than the messenger's bound is refused, never crashes).
  const std::string line = to_line(*req);
  check(line.find('\n') == line.size() - 1);
  auto parsed = parse_request(std::string_view(line).substr(0, line.size() - 1));
  if (json_depth(line) > kMaxDepth) {
    check(!parsed);
    return 0;
  }
  if (!whole_json) {
    check(parsed.has_value());
    check(parsed->cmd == norm_string((*words)[0]));
  } else if (parsed) {
    check(req->at("cmd").is_string());
  }
  return 0;
}
