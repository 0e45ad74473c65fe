// OFPT_PORT_STATUS and OFPT_PORT_MOD.
#include "oflib/wire/port.h"

#include <gtest/gtest.h>

#include "tests/oflib/wire/wire_test_util.h"

namespace ofkit::of {
namespace {

using test::expect_golden;
using test::hex;

TEST(PortStatus, Golden) {
  PortStatus s;
  s.reason = PortReason::kModify;
  s.desc.port_no = 3;
  s.desc.hw_addr = MacAddr::from_u64(0x0a0000000003);
  s.desc.name = "veth3";
  s.desc.config = port_config::kPortDown;
  s.desc.state = port_state::kLinkDown | port_state::kStpBlock;
  s.desc.curr = port_features::k10GbFd;
  expect_golden(s, 0,
                hex("01 0c 0040 00000000 | 02 | 00000000000000 |"
                    "0003 0a0000000003 7665746833 0000000000000000000000 |"
                    "00000001 00000301 00000040 00000000 00000000 00000000"));
  for (uint8_t reason = 0; reason <= 2; ++reason) {
    auto b = encode_message(s, 0);
    b[8] = reason;
    EXPECT_EQ(static_cast<uint8_t>(decode_port_status(b)->reason), reason);
  }
}

TEST(PortMod, Golden) {
  PortMod m{3, MacAddr::from_u64(0x0a0000000003), port_config::kNoFlood, port_config::kNoFlood, 0};
  expect_golden(m, 0x21,
                hex("01 0f 0020 00000021 | 0003 | 0a0000000003 | 00000010 | 00000010 | 00000000 | 00000000"));
}

TEST(PortMod, BadPort) {
  auto b = hex("01 0f 0020 00000021 0000 0a0000000003 00000010 00000010 00000000 00000000");
  EXPECT_EQ(decode_port_mod(b).error(), Ofperr::kPortModFailedBadPort);
  b[8] = 0xff, b[9] = 0x01;
  EXPECT_EQ(decode_port_mod(b).error(), Ofperr::kPortModFailedBadPort);
  b[8] = 0xff, b[9] = 0xfb;  // OFPP_FLOOD
  EXPECT_EQ(decode_port_mod(b).error(), Ofperr::kPortModFailedBadPort);
  b[8] = 0xff, b[9] = 0xfe;  // OFPP_LOCAL is a real port
  EXPECT_TRUE(decode_port_mod(b));
}

}  // namespace
}  // namespace ofkit::of
