// The embedded controller: the runtime in this process, a switch attached
// through an in-process LocalChannel speaking the same bytes as over TCP.

#include "controller/embedded.h"

#include <gtest/gtest.h>

#include "tests/controller/scripted_switch.h"

namespace ofkit::ctl::testing {
namespace {

TEST(Embedded, L2LearningOverALocalChannel) {
  std::string err;
  auto ec = EmbeddedController::start(
      {"--threads=2", "--stats-interval=0", "l2_learning", "--idle-timeout=3"}, &err);
  ASSERT_TRUE(ec) << err;
  ScriptedSwitch sw;
  sw.use_local(ec->connect_switch());
  uint16_t msl = 0;
  ASSERT_TRUE(sw.handshake(0xe, 4, &msl));
  EXPECT_EQ(msl, 128);
  sw.packet_in(1, 0xa, 0xb, 1);
  auto po = sw.expect<of::PacketOut>();
  ASSERT_TRUE(po);
  EXPECT_EQ(std::get<of::ActionOutput>(po->actions.at(0)).port, of::port::kFlood);
  sw.packet_in(2, 0xb, 0xa, 2);
  auto fm = sw.expect<of::FlowMod>();
  ASSERT_TRUE(fm);
  EXPECT_EQ(fm->idle_timeout, 3);
  EXPECT_EQ(std::get<of::ActionOutput>(fm->actions.at(0)).port, 1);
  // A second switch on the same controller.
  ScriptedSwitch sw2;
  sw2.use_local(ec->connect_switch());
  ASSERT_TRUE(sw2.handshake(0xf));
  ec->stop();
  EXPECT_TRUE(sw.wait_closed());
  EXPECT_TRUE(sw2.wait_closed());
}

TEST(Embedded, BadCommandLineIsAnErrorNotAnExit) {
  std::string err;
  EXPECT_EQ(EmbeddedController::start({"no_such_app"}, &err), nullptr);
  EXPECT_NE(err.find("unknown app"), std::string::npos);
}

}  // namespace
}  // namespace ofkit::ctl::testing
