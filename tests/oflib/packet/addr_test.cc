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

TEST(Ipv6Addr, ParsesEveryForm) {
  auto a = Ipv6Addr::parse("2001:0db8:0000:0000:0000:ff00:0042:8329");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->bytes[0], 0x20);
  EXPECT_EQ(a->bytes[1], 0x01);
  EXPECT_EQ(a->bytes[15], 0x29);
  EXPECT_EQ(Ipv6Addr::parse("2001:db8::ff00:42:8329"), a);
  EXPECT_EQ(Ipv6Addr::parse("2001:DB8::FF00:42:8329"), a);
  EXPECT_TRUE(Ipv6Addr::parse("::")->is_zero());
  EXPECT_EQ(Ipv6Addr::parse("::1")->bytes[15], 1);
  EXPECT_EQ(Ipv6Addr::parse("1::")->bytes[1], 1);
  auto m = Ipv6Addr::parse("::ffff:192.0.2.1");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->bytes[10], 0xff);
  EXPECT_EQ(m->bytes[12], 192);
  EXPECT_EQ(m->bytes[15], 1);
  EXPECT_TRUE(Ipv6Addr::parse("64:ff9b::192.0.2.33"));
  for (const char* bad : {"", ":", ":::", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1::2::3",
                          "12345::", "g::", ":1::", "1::2:", "1:2:3:4:5:6:7:8::", "::1.2.3",
                          "1.2.3.4::", "::ffff:1.2.3.4:5", "1:2:3:4:5:6:7:1.2.3.4"}) {
    EXPECT_FALSE(Ipv6Addr::parse(bad)) << bad;
  }
}

TEST(Ipv6Addr, PrintsRfc5952) {
  auto p = [](const char* s) { return Ipv6Addr::parse(s)->to_string(); };
  EXPECT_EQ(p("2001:0DB8:0000:0000:0000:0000:0000:0001"), "2001:db8::1");  // 4.1, 4.3, 4.2.1
  EXPECT_EQ(p("2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1");               // 4.2.3: first of equal runs
  EXPECT_EQ(p("2001:db8:0:1:1:1:1:1"), "2001:db8:0:1:1:1:1:1");            // 4.2.2: no :: for one group
  EXPECT_EQ(p("2001:0:0:1:0:0:0:1"), "2001:0:0:1::1");                     // 4.2.3: longest run
  EXPECT_EQ(p("0:0:0:0:0:0:0:0"), "::");
  EXPECT_EQ(p("0:0:0:0:0:0:0:1"), "::1");
  EXPECT_EQ(p("1:0:0:0:0:0:0:0"), "1::");
  EXPECT_EQ(p("fe80::0202:b3ff:fe1e:8329"), "fe80::202:b3ff:fe1e:8329");
  EXPECT_EQ(p("::ffff:c000:0201"), "::ffff:192.0.2.1");  // section 5
  EXPECT_TRUE(Ipv6Addr::parse("ff02::1")->is_multicast());
}

TEST(Ipv4Prefix, CidrAndDottedMasks) {
  auto a = Ipv4Prefix::parse("10.0.0.0/8");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->len, 8);
  EXPECT_EQ(a->addr.value, 0x0a000000u);
  EXPECT_EQ(a->netmask(), 0xff000000u);
  EXPECT_EQ(a->netmask_addr().to_string(), "255.0.0.0");
  EXPECT_EQ(a->to_string(), "10.0.0.0/8");
  EXPECT_EQ(Ipv4Prefix::parse("10.0.0.0/255.0.0.0"), a);
  EXPECT_EQ(Ipv4Prefix::parse("10.1.2.3/8"), a);  // host bits cleared
  EXPECT_TRUE(a->contains(*Ipv4Addr::parse("10.255.0.1")));
  EXPECT_FALSE(a->contains(*Ipv4Addr::parse("11.0.0.1")));
  EXPECT_TRUE(a->contains(*Ipv4Prefix::parse("10.1.0.0/16")));
  EXPECT_FALSE(Ipv4Prefix::parse("10.1.0.0/16")->contains(*a));
  auto h = Ipv4Prefix::parse("192.168.1.7");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->len, 32);
  EXPECT_EQ(h->to_string(), "192.168.1.7");
  auto all = Ipv4Prefix::parse("0.0.0.0/0");
  ASSERT_TRUE(all);
  EXPECT_TRUE(all->contains(*Ipv4Addr::parse("1.2.3.4")));
  EXPECT_EQ(all->to_string(), "0.0.0.0/0");
  EXPECT_EQ(Ipv4Prefix::parse("10.0.0.0/255.255.255.252")->len, 30);
  for (const char* bad : {"10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/08", "10.0.0.0/255.0.255.0",
                          "10.0.0/8", "10.0.0.0/8/8", "10.0.0.0/x"}) {
    EXPECT_FALSE(Ipv4Prefix::parse(bad)) << bad;
  }
  EXPECT_EQ(ipv4_mask_prefix_len(0xffffff00), 24);
  EXPECT_EQ(ipv4_mask_prefix_len(0), 0);
  EXPECT_EQ(ipv4_mask_prefix_len(0xff00ff00), -1);
}

TEST(Ipv6Prefix, ParsePrintContains) {
  auto p = Ipv6Prefix::parse("2001:db8::/32");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->len, 32);
  EXPECT_EQ(p->to_string(), "2001:db8::/32");
  EXPECT_EQ(p->netmask().to_string(), "ffff:ffff::");
  EXPECT_TRUE(p->contains(*Ipv6Addr::parse("2001:db8:1::5")));
  EXPECT_FALSE(p->contains(*Ipv6Addr::parse("2001:db9::5")));
  EXPECT_EQ(Ipv6Prefix::parse("2001:db8:ffff::1/33")->to_string(), "2001:db8:8000::/33");
  EXPECT_EQ(Ipv6Prefix::parse("fe80::1/10")->netmask().to_string(), "ffc0::");
  EXPECT_EQ(Ipv6Prefix::parse("::1")->len, 128);
  EXPECT_EQ(Ipv6Prefix::parse("::1")->to_string(), "::1");
  EXPECT_TRUE(Ipv6Prefix::parse("::/0")->contains(*Ipv6Addr::parse("ff02::1")));
  EXPECT_FALSE(Ipv6Prefix::parse("::/129"));
  EXPECT_FALSE(Ipv6Prefix::parse("2001:db8::/"));
}

}  // namespace
}  // namespace ofkit
