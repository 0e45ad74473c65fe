#include "datapath/eal_args.h"

#include <gtest/gtest.h>

namespace ofkit::dp {
namespace {

using V = std::vector<std::string>;

TEST(EalArgs, FullFormSplitsAtDoubleDash) {
  auto s = split_eal_args(
      {"ofdp", "-l", "0-1", "--no-huge", "--vdev=net_null0", "--", "--controller=tcp:127.0.0.1:6653"});
  EXPECT_EQ(s.eal, (V{"ofdp", "-l", "0-1", "--no-huge", "--vdev=net_null0"}));
  EXPECT_EQ(s.ofdp, (V{"--controller=tcp:127.0.0.1:6653"}));
}

TEST(EalArgs, ShortFormFillsWorkingDefaults) {
  auto s =
      split_eal_args({"ofdp", "--vdev=net_pcap0,iface=eth0", "--controller=none", "--vdev", "net_null0"});
  EXPECT_EQ(s.ofdp, (V{"--controller=none"}));
  EXPECT_EQ(s.eal, (V{"ofdp", "--vdev=net_pcap0,iface=eth0", "--vdev", "net_null0", "--no-huge", "--no-pci",
                      "-m", "512", "--no-shconf"}));
}

TEST(EalArgs, ShortFormKeepsExplicitChoices) {
  auto s = split_eal_args({"ofdp", "-a", "0000:01:00.0", "-m", "2048", "--workers=2"});
  EXPECT_EQ(s.ofdp, (V{"--workers=2"}));
  EXPECT_EQ(s.eal, (V{"ofdp", "-a", "0000:01:00.0", "-m", "2048", "--no-huge", "--no-shconf"}));
}

}  // namespace
}  // namespace ofkit::dp
