// Controller and listener names (tcp:, unix:, local, none, ptcp:, punix:).
#include <gtest/gtest.h>

#include "datapath/channel_target.h"

namespace ofkit::dp {
namespace {

TEST(Target, ActiveForms) {
  std::string err;
  auto t = parse_active_target("tcp:127.0.0.1:6653", &err);
  ASSERT_TRUE(t) << err;
  EXPECT_EQ(t->kind, Target::Kind::kTcp);
  EXPECT_EQ(t->host, "127.0.0.1");
  EXPECT_EQ(t->port, 6653);
  t = parse_active_target("tcp:ctl.example", &err);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->port, kDefaultControllerPort);
  t = parse_active_target("tcp:[::1]:7000", &err);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->host, "::1");
  EXPECT_EQ(t->port, 7000);
  EXPECT_EQ(t->to_string(), "tcp:[::1]:7000");
  t = parse_active_target("unix:/run/ctl.sock", &err);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->kind, Target::Kind::kUnix);
  EXPECT_EQ(t->path, "/run/ctl.sock");
  EXPECT_EQ(parse_active_target("local", &err)->kind, Target::Kind::kLocal);
  EXPECT_EQ(parse_active_target("none", &err)->kind, Target::Kind::kNone);
}

TEST(Target, ActiveErrors) {
  std::string err;
  EXPECT_FALSE(parse_active_target("tcp:", &err));
  EXPECT_NE(err.find("missing host"), std::string::npos);
  EXPECT_FALSE(parse_active_target("tcp:h:70000", &err));
  EXPECT_NE(err.find("bad port"), std::string::npos);
  EXPECT_FALSE(parse_active_target("tcp:h:x", &err));
  EXPECT_FALSE(parse_active_target("unix:", &err));
  EXPECT_FALSE(parse_active_target("ssl:1.2.3.4", &err));
  EXPECT_NE(err.find("bad controller 'ssl:1.2.3.4'"), std::string::npos);
  EXPECT_FALSE(parse_active_target("ptcp:6634", &err));
}

TEST(Target, PassiveForms) {
  std::string err;
  auto t = parse_passive_target("ptcp:6634", &err);
  ASSERT_TRUE(t) << err;
  EXPECT_EQ(t->kind, Target::Kind::kPtcp);
  EXPECT_EQ(t->port, 6634);
  EXPECT_EQ(t->host, "");
  t = parse_passive_target("ptcp:0:127.0.0.1", &err);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->port, 0);
  EXPECT_EQ(t->host, "127.0.0.1");
  t = parse_passive_target("ptcp:", &err);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->port, kDefaultListenPort);
  t = parse_passive_target("ptcp:6634:[::1]", &err);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->host, "::1");
  t = parse_passive_target("punix:/tmp/x.sock", &err);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->kind, Target::Kind::kPunix);
  EXPECT_FALSE(parse_passive_target("ptcp:abc", &err));
  EXPECT_FALSE(parse_passive_target("tcp:1.2.3.4:5", &err));
  EXPECT_FALSE(parse_passive_target("punix:", &err));
}

}  // namespace
}  // namespace ofkit::dp
