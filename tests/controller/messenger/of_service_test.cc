// The of service's argument rules: datapath ids in every accepted form, and
// flows from ovs-ofctl text, JSON objects, top-level fields and ofctl-msg's
// positional text.
#include "controller/messenger/of_service.h"

#include <gtest/gtest.h>

#include "oflib/wire/match.h"

namespace ofkit::ctl::msg {
namespace {

using nlohmann::json;

TEST(OfService, DatapathIds) {
  EXPECT_EQ(*parse_dpid(json(1)), 1u);
  EXPECT_EQ(*parse_dpid(json("161")), 161u);
  EXPECT_EQ(*parse_dpid(json("0xa1")), 0xa1u);
  EXPECT_EQ(*parse_dpid(json("00000000000000a1")), 0xa1u);
  EXPECT_EQ(*parse_dpid(json("0000000000000010")), 0x10u);  // 16 digits are hex, as ovs-ofctl shows them
  EXPECT_EQ(*parse_dpid(json("00:00:00:00:00:00:00:a1")), 0xa1u);
  EXPECT_EQ(*parse_dpid(json("0xffffffffffffffff")), UINT64_MAX);
  EXPECT_EQ(parse_dpid(json()).error(), "missing \"dpid\"");
  for (const json& bad :
       {json(-1), json("0x"), json("xyz"), json("0x10000000000000000"), json(1.5), json::array()})
    EXPECT_FALSE(parse_dpid(bad)) << bad;
  EXPECT_EQ(dpid_text(0xa1), "00000000000000a1");
}

TEST(OfService, FlowFromText) {
  auto f = flow_from_request({{"flow", "priority=10,in_port=1,actions=output:2"}}, true);
  ASSERT_TRUE(f) << f.error();
  EXPECT_EQ(f->priority, 10);
  EXPECT_EQ(f->match.key.in_port, 1);
  EXPECT_EQ(text::format_actions(f->actions), "output:2");
  auto missing = flow_from_request({{"flow", "in_port=1"}}, true);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().rfind("flow: ", 0), 0u);
}

TEST(OfService, FlowFromPositionalTextAndFields) {
  // ofctl-msg of.add_flow 'dpid=1 priority=10,in_port=1,actions=output:2'
  auto a = flow_from_request({{"dpid", 1}, {"arg", "priority=10,in_port=1,actions=output:2"}}, true);
  ASSERT_TRUE(a) << a.error();
  EXPECT_EQ(text::format_flow(*a), "priority=10,in_port=1,actions=output:2");
  // ofctl-msg of.add_flow dpid=1 tcp tp_dst=80 actions=output:2
  auto b = flow_from_request({{"dpid", 1}, {"arg", "tcp"}, {"tp_dst", 80}, {"actions", "output:2"}}, true);
  ASSERT_TRUE(b) << b.error();
  EXPECT_EQ(text::format_flow(*b), "tcp,tp_dst=80,actions=output:2");
  // ofctl-msg of.delete_flows dpid=1 in_port=1: only in_port=1, not everything
  auto c = flow_from_request({{"dpid", 1}, {"in_port", 1}}, false);
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->match.key.in_port, 1);
  EXPECT_FALSE(c->match.wildcards & of::wildcards::kInPort);
  // Nothing at all: every flow (delete, dump) or an error (add).
  auto all = flow_from_request({{"dpid", 1}}, false);
  ASSERT_TRUE(all);
  EXPECT_EQ(all->match, of::Match{});
  EXPECT_FALSE(flow_from_request({{"dpid", 1}}, true));
  EXPECT_FALSE(flow_from_request({{"dpid", 1}, {"bogus_field", 3}}, false));
}

TEST(OfService, FlowFromJson) {
  json j = {{"flow",
             {{"match", {{"in_port", 1}, {"dl_type", 2048}}},
              {"actions", {{{"type", "OUTPUT"}, {"port", 2}}}},
              {"priority", 10},
              {"idle_timeout", "5"},
              {"cookie", "0x10"}}}};
  auto f = flow_from_request(j, true);
  ASSERT_TRUE(f) << f.error();
  EXPECT_EQ(text::format_flow(*f), "priority=10,ip,in_port=1,idle_timeout=5,cookie=0x10,actions=output:2");
  // The same at the top level, match and actions as text.
  auto g = flow_from_request({{"match", "in_port=1,ip"}, {"actions", "output:2"}, {"priority", 10}}, true);
  ASSERT_TRUE(g) << g.error();
  EXPECT_EQ(text::format_flow(*g), "priority=10,ip,in_port=1,actions=output:2");
  EXPECT_FALSE(flow_from_request({{"flow", {{"match", {{"in_port", 1}}}}}}, true));  // no actions
  EXPECT_FALSE(flow_from_request({{"flow", {{"actions", "output:2"}, {"priority", 70000}}}}, true));
  EXPECT_FALSE(flow_from_request({{"flow", {{"actions", "output:2"}, {"out_port", "SIDEWAYS"}}}}, true));
  EXPECT_FALSE(flow_from_request({{"flow", 5}}, true));
}

}  // namespace
}  // namespace ofkit::ctl::msg
