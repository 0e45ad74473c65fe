#include "oflib/packet/addr.h"

#include <gtest/gtest.h>

#include "oflib/packet/flow_key.h"

namespace ofkit {
namespace {

TEST(MacAddr, ParsesAndPrints) {
  auto m = MacAddr::parse("00:1B:21:3a:4f:01");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->bytes[1], 0x1b);
  EXPECT_EQ(m->to_string(), "00:1b:21:3a:4f:01");
  EXPECT_EQ(MacAddr::parse("00-1b-21-3a-4f-01"), m);
  EXPECT_FALSE(MacAddr::parse("00:1b:21:3a:4f"));
  EXPECT_FALSE(MacAddr::parse("00:1b:21:3a:4f:0g"));
  EXPECT_FALSE(MacAddr::parse("00:1b-21:3a:4f:01"));
  EXPECT_TRUE(MacAddr::broadcast().is_broadcast());
  EXPECT_TRUE(MacAddr::parse("01:00:5e:00:00:01")->is_multicast());
  EXPECT_EQ(MacAddr::from_u64(0x0000000000ab).to_string(), "00:00:00:00:00:ab");
}

TEST(Ipv4Addr, ParsesAndPrints) {
  auto a = Ipv4Addr::parse("10.0.0.1");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->value, 0x0a000001u);
  EXPECT_EQ(a->to_string(), "10.0.0.1");
  EXPECT_FALSE(Ipv4Addr::parse("10.0.0"));
  EXPECT_FALSE(Ipv4Addr::parse("10.0.0.256"));
  EXPECT_FALSE(Ipv4Addr::parse("10.0.0.1 "));
  EXPECT_FALSE(Ipv4Addr::parse("010.0.0.1"));
  EXPECT_EQ(ipv4_prefix_mask(24), 0xffffff00u);
  EXPECT_EQ(ipv4_prefix_mask(0), 0u);
  EXPECT_EQ(ipv4_prefix_mask(32), 0xffffffffu);
}

TEST(FlowKey, IsFiveWordsAndComparesBytewise) {
  FlowKey a, b;
  EXPECT_EQ(a, b);
  b.tp_dst = 80;
  EXPECT_FALSE(a == b);
  EXPECT_EQ(b.words()[4] != 0, true);
}

}  // namespace
}  // namespace ofkit
