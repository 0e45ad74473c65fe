// OFPT_FEATURES_REQUEST / OFPT_FEATURES_REPLY and struct ofp_phy_port.
#include "oflib/wire/features.h"

#include <gtest/gtest.h>

#include "tests/oflib/wire/wire_test_util.h"

namespace ofkit::of {
namespace {

using test::expect_golden;
using test::hex;

const char* kPortHex =
    "0001 | 001122334455 | 65746831 00000000 00000000 00000000"         // port_no, hw_addr, name "eth1"
    "00000000 | 00000001 | 000000a0 | 00000200 | 000002af | 00000000";  // config state curr adv supp peer

PhyPort eth1() {
  PhyPort p;
  p.port_no = 1;
  p.hw_addr = MacAddr::from_u64(0x001122334455);
  p.name = "eth1";
  p.state = port_state::kLinkDown;
  p.curr = port_features::k1GbFd | port_features::kCopper;
  p.advertised = port_features::kAutoneg;
  p.supported = 0x2af;
  return p;
}

TEST(Features, RequestGolden) {
  expect_golden(FeaturesRequest{}, 2, hex("01 05 0008 00000002"));
  EXPECT_EQ(decode_features_request(hex("01 05 000c 00000002 00000000")).error(), Ofperr::kBadRequestBadLen);
}

TEST(Features, PhyPortGolden) {
  const auto want = hex(kPortHex);
  ASSERT_EQ(want.size(), kPhyPortLen);
  uint8_t buf[kPhyPortLen];
  encode_phy_port(eth1(), buf);
  EXPECT_EQ(test::to_hex(buf), test::to_hex(want));
  const PhyPort p = decode_phy_port(want.data());
  EXPECT_EQ(p.port_no, 1);
  EXPECT_EQ(p.name, "eth1");
  EXPECT_EQ(p.state, port_state::kLinkDown);
  EXPECT_EQ(p.curr, 0xa0u);
  EXPECT_TRUE(p == eth1());
}

TEST(Features, PortNameIsCutToFifteenCharacters) {
  PhyPort p = eth1();
  p.name = "a-very-long-port-name";
  uint8_t buf[kPhyPortLen];
  encode_phy_port(p, buf);
  EXPECT_EQ(buf[8 + 15], 0);
  EXPECT_EQ(decode_phy_port(buf).name, "a-very-long-por");
}

TEST(Features, ReplyGolden) {
  FeaturesReply r;
  r.datapath_id = 0x0000aabbccddeeff;
  r.n_buffers = 256;
  r.n_tables = 1;
  r.capabilities =
      capability::kFlowStats | capability::kTableStats | capability::kPortStats | capability::kArpMatchIp;
  r.actions = 0xfff;
  r.ports = {eth1()};
  const auto want =
      hex(std::string("01 06 0050 00000002 | 0000aabbccddeeff | 00000100 | 01 000000 | 00000087 |"
                      "00000fff |") +
          kPortHex);
  expect_golden(r, 2, want);
  auto d = decode_features_reply(want);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->datapath_id, 0x0000aabbccddeeffu);
  EXPECT_EQ(d->n_buffers, 256u);
  EXPECT_EQ(d->n_tables, 1);
  EXPECT_EQ(d->capabilities, 0x87u);
  ASSERT_EQ(d->ports.size(), 1u);
  EXPECT_EQ(d->ports[0].name, "eth1");

  // No ports is fine; a partial port is BAD_LEN.
  r.ports.clear();
  expect_golden(r, 2, hex("01 06 0020 00000002 0000aabbccddeeff 00000100 01000000 00000087 00000fff"));
  auto partial = want;
  partial.resize(want.size() - 8);
  partial[3] = static_cast<uint8_t>(partial.size());
  EXPECT_EQ(decode_features_reply(partial).error(), Ofperr::kBadRequestBadLen);
}

}  // namespace
}  // namespace ofkit::of
