#pragma once
// How ofctl-msg turns words into a request (kept apart from the program so
// it is unit-tested).
//
//   of.add_flow dpid=1 priority=10,in_port=1,actions=output:2
//     -> {"cmd":"of.add_flow","dpid":1,"arg":"priority=10,in_port=1,actions=output:2"}
//   send channel=upper msg="hello world"   -> {"cmd":"send","channel":"upper","msg":"hello world"}
//   {"cmd":"ping","id":5}                  -> that object
//
// Words are split at white space except inside "quotes", [brackets] and
// {braces} (kept verbatim), so one shell argument may hold several words.
// A word KEY=VALUE whose VALUE has no top-level comma is a field; VALUE is
// JSON when it parses as JSON (1, true, "text", [1,2], {"a":1}), a string
// otherwise. A word starting with '{' is a JSON object merged into the
// request. Every other word is positional; positional words are joined
// with ',' into "arg" (the of service reads it as a flow).

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

namespace ofkit::ctl::msg {

tl::expected<std::vector<std::string>, std::string> split_words(std::string_view text);
// words[0] is the command (or a whole JSON request).
tl::expected<nlohmann::json, std::string> build_request(const std::vector<std::string>& words);

}  // namespace ofkit::ctl::msg
