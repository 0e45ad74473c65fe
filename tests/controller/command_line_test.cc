#include "controller/command_line.h"

#include <gtest/gtest.h>

namespace ofkit::ctl {
namespace {

TEST(CommandLine, SplitsGlobalOptionsAndAppsLikePox) {
  CommandLine cl;
  std::string err;
  ASSERT_TRUE(split_command_line({"--threads=2", "--listen=ptcp:6653", "forwarding.l2_learning",
                                  "--idle-timeout=10", "--verbose", "hub"},
                                 &cl, &err))
      << err;
  EXPECT_EQ(cl.global_args, (std::vector<std::string>{"--threads=2", "--listen=ptcp:6653"}));
  ASSERT_EQ(cl.apps.size(), 2u);
  EXPECT_EQ(cl.apps[0].name, "l2_learning");
  EXPECT_EQ(cl.apps[0].given_name, "forwarding.l2_learning");
  ASSERT_EQ(cl.apps[0].options.size(), 2u);
  EXPECT_EQ(cl.apps[0].options[0], (std::pair<std::string, std::string>{"idle_timeout", "10"}));
  EXPECT_EQ(cl.apps[0].options[1], (std::pair<std::string, std::string>{"verbose", "true"}));
  EXPECT_EQ(cl.apps[1].name, "hub");
  EXPECT_TRUE(cl.apps[1].options.empty());
}

TEST(CommandLine, RejectsMalformedAppOptions) {
  CommandLine cl;
  std::string err;
  EXPECT_FALSE(split_command_line({"hub", "--=3"}, &cl, &err));
  EXPECT_FALSE(err.empty());
  EXPECT_FALSE(split_command_line({"hub", "-x"}, &cl, &err));
  EXPECT_FALSE(split_command_line({"forwarding."}, &cl, &err));
}

}  // namespace
}  // namespace ofkit::ctl
