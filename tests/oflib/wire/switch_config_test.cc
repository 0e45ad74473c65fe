// OFPT_GET_CONFIG_REQUEST / OFPT_GET_CONFIG_REPLY / OFPT_SET_CONFIG.
#include "oflib/wire/switch_config.h"

#include <gtest/gtest.h>

#include "tests/oflib/wire/wire_test_util.h"

namespace ofkit::of {
namespace {

using test::expect_golden;
using test::hex;

TEST(SwitchConfig, Golden) {
  expect_golden(GetConfigRequest{}, 3, hex("01 07 0008 00000003"));
  expect_golden(GetConfigReply{config_flags::kFragReasm, 128}, 3, hex("01 08 000c 00000003 | 0002 | 0080"));
  expect_golden(SetConfig{config_flags::kFragNormal, 0xffff}, 4, hex("01 09 000c 00000004 | 0000 | ffff"));
  auto s = decode_set_config(hex("01 09 000c 00000004 0001 0040"));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->flags, config_flags::kFragDrop);
  EXPECT_EQ(s->miss_send_len, 64);
}

TEST(SwitchConfig, FixedLengths) {
  EXPECT_EQ(decode_set_config(hex("01 09 000d 00000004 0000 ffff 00")).error(), Ofperr::kBadRequestBadLen);
  EXPECT_EQ(decode_set_config(hex("01 09 000a 00000004 0000")).error(), Ofperr::kBadRequestBadLen);
  EXPECT_EQ(decode_get_config_request(hex("01 07 000c 00000003 00000000")).error(),
            Ofperr::kBadRequestBadLen);
  EXPECT_EQ(decode_get_config_reply(hex("01 08 000b 00000003 0002 00")).error(), Ofperr::kBadRequestBadLen);
}

}  // namespace
}  // namespace ofkit::of
