// ofctl-msg's word rules: the issue's examples, quoting, JSON values and
// objects, positional flow text, and the usage errors.
#include "controller/messenger/client_request.h"

#include <gtest/gtest.h>

namespace ofkit::ctl::msg {
namespace {

using nlohmann::json;
using Words = std::vector<std::string>;

json req(const Words& w) {
  auto r = build_request(w);
  EXPECT_TRUE(r) << r.error();
  return r ? *r : json();
}

TEST(ClientRequest, TheIssueExamples) {
  EXPECT_EQ(req({"of.list_switches"}), (json{{"cmd", "of.list_switches"}}));
  EXPECT_EQ(req({"of.add_flow", "dpid=1 priority=10,in_port=1,actions=output:2"}),
            (json{{"cmd", "of.add_flow"}, {"dpid", 1}, {"arg", "priority=10,in_port=1,actions=output:2"}}));
}

TEST(ClientRequest, FieldsAreJsonWhenTheyParse) {
  EXPECT_EQ(req({"x", "a=1", "b=true", "c=hello", "d=\"two words\"", "e=[1,2]", "f={\"k\": 1}",
                 "g=00:00:00:00:00:01", "h=0000000000000001", "i="}),
            (json{{"cmd", "x"},
                  {"a", 1},
                  {"b", true},
                  {"c", "hello"},
                  {"d", "two words"},
                  {"e", {1, 2}},
                  {"f", {{"k", 1}}},
                  {"g", "00:00:00:00:00:01"},
                  {"h", "0000000000000001"},
                  {"i", ""}}));
}

TEST(ClientRequest, PositionalWordsJoinIntoArg) {
  EXPECT_EQ(
      req({"of.add_flow", "dpid=1", "tcp", "tp_dst=80", "actions=output:2,output:3"}),
      (json{{"cmd", "of.add_flow"}, {"dpid", 1}, {"tp_dst", 80}, {"arg", "tcp,actions=output:2,output:3"}}));
  EXPECT_EQ(req({"of.delete_flows", "dpid=1 in_port=1"}),
            (json{{"cmd", "of.delete_flows"}, {"dpid", 1}, {"in_port", 1}}));
}

TEST(ClientRequest, JsonObjects) {
  EXPECT_EQ(req({R"({"cmd":"ping","id":5})"}), (json{{"cmd", "ping"}, {"id", 5}}));
  EXPECT_EQ(req({"{\"cmd\":", "\"ping\"}"}), (json{{"cmd", "ping"}}));  // a split object is rejoined
  EXPECT_EQ(req({"of.stats", R"({"dpid": 1, "type": "port"})", "port=2"}),
            (json{{"cmd", "of.stats"}, {"dpid", 1}, {"type", "port"}, {"port", 2}}));
  EXPECT_FALSE(build_request({R"({"id":5})"}));  // no cmd
  EXPECT_FALSE(build_request({"{nope"}));
  EXPECT_FALSE(build_request({"x", "{nope}"}));
  EXPECT_FALSE(build_request({}));
  EXPECT_FALSE(build_request({"x", "cmd=y"}));
}

TEST(ClientRequest, SplitWordsKeepsQuotesAndBrackets) {
  auto w = split_words(R"(send channel=upper msg="hello world"  match={"in_port": 1} [1, 2])");
  ASSERT_TRUE(w);
  EXPECT_EQ(*w, (Words{"send", "channel=upper", "msg=\"hello world\"", "match={\"in_port\": 1}", "[1, 2]"}));
  EXPECT_EQ(*split_words("  "), Words{});
  EXPECT_EQ(*split_words(R"(a="x\"y z")"), (Words{R"(a="x\"y z")"}));
  EXPECT_FALSE(split_words("a=\"open"));
  EXPECT_FALSE(split_words("a={"));
}

}  // namespace
}  // namespace ofkit::ctl::msg
