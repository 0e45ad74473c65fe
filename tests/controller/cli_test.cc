#include "controller/cli.h"

#include <gtest/gtest.h>

namespace ofkit::ctl {
namespace {

class CliTest : public ::testing::Test {
 protected:
  CliTest() { register_builtin_apps(catalog_); }
  AppCatalog catalog_;
  ParsedCli cli_;
  std::string err_;
};

TEST_F(CliTest, DefaultsAndAppOptions) {
  ASSERT_TRUE(
      parse_cli({"--threads=3", "forwarding.l2_learning", "--idle-timeout=5"}, catalog_, false, &cli_, &err_))
      << err_;
  EXPECT_EQ(cli_.config.threads, 3);
  EXPECT_EQ(cli_.config.listen, (std::vector<std::string>{"ptcp:6653"}));
  ASSERT_EQ(cli_.apps.size(), 1u);
  EXPECT_EQ(cli_.apps[0].info->name, "l2_learning");
  EXPECT_EQ(cli_.apps[0].options.get_int("idle_timeout"), 5);
  EXPECT_EQ(cli_.apps[0].options.get_int("hard_timeout"), 30);
}

TEST_F(CliTest, SeveralListenersAndEmbeddedDefault) {
  ASSERT_TRUE(
      parse_cli({"--listen=ptcp:6653", "--listen=punix:/tmp/x.sock", "--listen=ptcp:6633:[::1]", "hub"},
                catalog_, false, &cli_, &err_))
      << err_;
  EXPECT_EQ(cli_.config.listen.size(), 3u);
  ASSERT_TRUE(parse_cli({"hub"}, catalog_, true, &cli_, &err_));
  EXPECT_TRUE(cli_.config.listen.empty());
}

TEST_F(CliTest, ListAppsIsCommaSeparated) {
  ASSERT_TRUE(parse_cli({"--list-apps"}, catalog_, false, &cli_, &err_));
  EXPECT_TRUE(cli_.exit_now);
  // Every catalog name, sorted, joined by commas without spaces (other
  // issues add apps, so only the form and the built-ins are fixed here).
  std::string expected;
  for (const auto& n : catalog_.names()) expected += (expected.empty() ? "" : ",") + n;
  EXPECT_EQ(cli_.output, expected + "\n");
  EXPECT_EQ(cli_.output.find(' '), std::string::npos);
  EXPECT_NE(cli_.output.find("hub"), std::string::npos);
  EXPECT_NE(cli_.output.find("l2_learning"), std::string::npos);
}

TEST_F(CliTest, AppHelpListsOptionsWithDefaults) {
  ASSERT_TRUE(parse_cli({"l2_learning", "--help"}, catalog_, false, &cli_, &err_));
  EXPECT_TRUE(cli_.exit_now);
  EXPECT_NE(cli_.output.find("--idle-timeout"), std::string::npos);
  EXPECT_NE(cli_.output.find("default: 10"), std::string::npos);
}

TEST_F(CliTest, UnknownAppOptionOrValueIsAnError) {
  EXPECT_FALSE(parse_cli({"nope"}, catalog_, false, &cli_, &err_));
  EXPECT_NE(err_.find("unknown app 'nope'"), std::string::npos);
  EXPECT_FALSE(parse_cli({"l2_learning", "--idle-timeuot=3"}, catalog_, false, &cli_, &err_));
  EXPECT_NE(err_.find("--idle-timeuot"), std::string::npos);
  EXPECT_FALSE(parse_cli({"l2_learning", "--idle-timeout=soon"}, catalog_, false, &cli_, &err_));
  EXPECT_NE(err_.find("INT"), std::string::npos);
  EXPECT_FALSE(parse_cli({"--no-such-global", "hub"}, catalog_, false, &cli_, &err_));
}

// AppInfo::validate: values of the right type that still make no sense are
// refused before anything starts (ofctl-run exits 2 with the message).
TEST_F(CliTest, AppValidationRefusesBadValues) {
  EXPECT_FALSE(
      parse_cli({"mac_blocker", "--block=00:00:00:00:00:01,nonsense"}, catalog_, false, &cli_, &err_));
  EXPECT_NE(err_.find("mac_blocker: --block:"), std::string::npos) << err_;
  EXPECT_FALSE(parse_cli({"mac_blocker", "--block=01:00:5e:00:00:01"}, catalog_, false, &cli_, &err_));
  EXPECT_NE(err_.find("multicast"), std::string::npos) << err_;
  EXPECT_FALSE(parse_cli({"l3_learning", "--fakeways=10.0.0.300"}, catalog_, false, &cli_, &err_));
  EXPECT_NE(err_.find("--fakeways"), std::string::npos) << err_;
  EXPECT_FALSE(parse_cli({"l3_learning", "--arp-for-unknowns=maybe"}, catalog_, false, &cli_, &err_));
  EXPECT_NE(err_.find("--arp-for-unknowns"), std::string::npos) << err_;
  EXPECT_FALSE(parse_cli({"messenger", "--tcp=0.0.0.0:7790"}, catalog_, false, &cli_, &err_));
  EXPECT_NE(err_.find("without --token"), std::string::npos) << err_;
  EXPECT_FALSE(parse_cli({"messenger", "--tcp=off"}, catalog_, false, &cli_, &err_));
  EXPECT_NE(err_.find("nothing to listen on"), std::string::npos) << err_;
  EXPECT_TRUE(parse_cli({"messenger", "--tcp=0.0.0.0:7790", "--token=s3cret", "mac_blocker",
                         "--block=00:00:00:00:00:01", "l3_learning", "--fakeways=10.0.0.1"},
                        catalog_, false, &cli_, &err_))
      << err_;
}

TEST_F(CliTest, LogLevels) {
  std::string err;
  EXPECT_TRUE(apply_log_levels({"info", "l2_learning:debug,conn:warn"}, &err)) << err;
  EXPECT_EQ(component_logger("l2_learning")->level(), spdlog::level::debug);
  EXPECT_EQ(component_logger("conn")->level(), spdlog::level::warn);
  EXPECT_FALSE(apply_log_levels({"l2_learning:loud"}, &err));
}

TEST(Options, TypedParsing) {
  OptionSet set;
  set.add_int("n", 1, "a number");
  set.add_bool("flag", false, "a flag");
  set.add_double("ratio", 0.5, "a ratio");
  set.add_string("name", "x", "a name");
  std::map<std::string, OptionValue> out;
  std::string err;
  ASSERT_TRUE(set.parse("app", {{"n", "-3"}, {"flag", "true"}, {"ratio", "2.5"}, {"name", "y"}}, &out, &err));
  OptionValues v(out);
  EXPECT_EQ(v.get_int("n"), -3);
  EXPECT_TRUE(v.get_bool("flag"));
  EXPECT_DOUBLE_EQ(v.get_double("ratio"), 2.5);
  EXPECT_EQ(v.get_string("name"), "y");
  EXPECT_FALSE(set.parse("app", {{"flag", "maybe"}}, &out, &err));
  EXPECT_FALSE(set.parse("app", {{"n", "1x"}}, &out, &err));
}

}  // namespace
}  // namespace ofkit::ctl
