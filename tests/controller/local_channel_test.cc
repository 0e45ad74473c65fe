#include "controller/local_channel.h"

#include <poll.h>

#include <gtest/gtest.h>

namespace ofkit::ctl {
namespace {

bool readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

TEST(LocalChannel, CarriesBytesBothWaysAndWakesTheReader) {
  auto [sw, ctl] = make_local_channel();
  const std::vector<uint8_t> hello = {0x01, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x01};
  EXPECT_FALSE(readable(ctl.event_fd()));
  ASSERT_TRUE(sw.send(hello));
  ASSERT_TRUE(sw.send(hello));
  EXPECT_TRUE(readable(ctl.event_fd()));
  std::vector<uint8_t> got;
  EXPECT_EQ(ctl.receive(&got), 16u);
  EXPECT_EQ(got.size(), 16u);
  EXPECT_TRUE(std::equal(hello.begin(), hello.end(), got.begin()));
  EXPECT_FALSE(readable(ctl.event_fd()));
  EXPECT_EQ(ctl.receive(&got), 0u);

  ASSERT_TRUE(ctl.send(hello));
  std::vector<uint8_t> back;
  EXPECT_EQ(sw.receive(&back), 8u);
  EXPECT_EQ(back, hello);
}

TEST(LocalChannel, CloseWakesPeerAfterItDrains) {
  auto [sw, ctl] = make_local_channel();
  const std::vector<uint8_t> bytes = {1, 2, 3};
  ASSERT_TRUE(sw.send(bytes));
  sw.close();
  EXPECT_FALSE(sw.send(bytes));
  EXPECT_TRUE(readable(ctl.event_fd()));
  EXPECT_FALSE(ctl.peer_closed());  // data still pending
  std::vector<uint8_t> got;
  EXPECT_EQ(ctl.receive(&got), 3u);
  EXPECT_TRUE(ctl.peer_closed());
  EXPECT_FALSE(ctl.send(bytes));
}

}  // namespace
}  // namespace ofkit::ctl
