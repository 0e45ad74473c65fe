// Shard-wide backpressure: a shard whose connections hold more unsent bytes
// than --shard-backlog stops reading every one of its switches (TCP then
// pushes back on them) and resumes once the backlog drops below a quarter.
// Integration: two scripted switches on one shard; an app that answers a
// trigger PacketIn from one switch with megabytes for the other, which
// reads nothing until the test lets it.

#include <future>
#include <thread>

#include <gtest/gtest.h>

#include "controller/connection.h"
#include "controller/events.h"
#include "controller/shard.h"
#include "tests/controller/scripted_switch.h"
#include "tests/controller/test_controller.h"

namespace ofkit::ctl::testing {
namespace {

constexpr uint64_t kSlow = 0x5105;
constexpr uint64_t kBusy = 0xb005;

class FloodSlowApp : public App {
 public:
  void start(AppContext& ctx) override {
    ctx.listen<PacketIn>([&ctx](PacketIn& ev) {
      if (ev.in_port == 9) {  // the trigger: 4 MiB for the slow switch
        if (Connection* slow = ctx.connection(kSlow)) {
          static const std::vector<uint8_t> junk(60000, 0x5a);
          for (int i = 0; i < 70; ++i) slow->send_packet_out_port(of::kNoBuffer, 1, 2, junk);
        }
      }
      ev.conn.send_packet_out_port(ev.buffer_id, ev.in_port, of::port::kFlood, {});
    });
  }
};

// Runs fn on shard 0 and returns its result (bounded wait).
template <typename T>
std::optional<T> on_shard0(Runtime& rt, std::function<T(Shard&)> fn) {
  auto p = std::make_shared<std::promise<T>>();
  auto f = p->get_future();
  rt.post_to_shard(0, [p, fn](Shard& s) { p->set_value(fn(s)); });
  if (f.wait_for(5s) != std::future_status::ready) return std::nullopt;
  return f.get();
}

TEST(Backpressure, AShardThatFallsBehindStopsReadingAllItsSwitchesAndResumes) {
  AppInfo info;
  info.name = "flood_slow";
  info.create = [] { return std::make_unique<FloodSlowApp>(); };
  TestController ctl({info});
  ASSERT_TRUE(ctl.start({"--threads=1", "--shard-backlog=1000000", "--max-output-buffer=0",
                         "--echo-interval=60", "--echo-timeout=120", "flood_slow"}));
  Runtime& rt = ctl.runtime();
  ScriptedSwitch busy, slow;
  ASSERT_TRUE(busy.connect_tcp(ctl.port()));
  ASSERT_TRUE(busy.handshake(kBusy));
  ASSERT_TRUE(slow.connect_tcp(ctl.port()));
  // A small window: the kernel absorbs little, so the backlog stays in the
  // controller until the test opens the window again.
  int small = 4096;
  ::setsockopt(slow.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  ASSERT_TRUE(slow.handshake(kSlow));

  // Not paused while both keep up.
  busy.packet_in(1, 0xaa, 0xbb, 1);
  ASSERT_TRUE(busy.expect<of::PacketOut>());
  EXPECT_EQ(on_shard0<bool>(rt, [](Shard& s) { return s.reads_paused(); }), false);

  // One trigger at a time (each answered, so none is left unread) until the
  // unsent bytes for the slow switch pass the bound. The state is checked at
  // the end of the iteration that handled the trigger, before the query runs.
  bool paused = false;
  for (int i = 0; i < 20 && !paused; ++i) {
    const uint32_t id = 100 + static_cast<uint32_t>(i);
    busy.packet_in(9, 0xaa, 0xbb, id);
    auto po = busy.expect<of::PacketOut>(5000ms);
    ASSERT_TRUE(po);
    ASSERT_EQ(po->buffer_id, id);
    paused = on_shard0<bool>(rt, [](Shard& s) { return s.reads_paused(); }).value_or(false);
  }
  ASSERT_TRUE(paused) << "the shard never paused";
  EXPECT_GE(on_shard0<uint64_t>(rt, [](Shard& s) { return s.live_counters().read_pauses; }).value_or(0), 1u);
  EXPECT_GT(on_shard0<size_t>(rt, [](Shard& s) { return s.pending_bytes(); }).value_or(0), 1000000u);

  // The busy switch is not read while paused: its PacketIn waits in the kernel.
  auto busy_packet_ins = [&] {
    return on_shard0<uint64_t>(rt,
                               [](Shard& s) {
                                 Connection* c = s.find_switch(kBusy);
                                 return c ? c->counters().packet_ins : uint64_t{0};
                               })
        .value_or(0);
  };
  const uint64_t before = busy_packet_ins();
  busy.packet_in(1, 0xaa, 0xbb, 77);
  EXPECT_EQ(on_shard0<bool>(rt, [](Shard& s) { return s.reads_paused(); }), true);
  EXPECT_EQ(busy_packet_ins(), before);

  // The backlog goes away with the slow switch (reading it to the end through
  // its small window would take long): the backlog drops below the low mark,
  // the shard resumes and the busy switch's PacketIn is answered.
  slow.close();
  std::optional<of::PacketOut> answer;
  for (int i = 0; i < 100 && !answer; ++i) {
    auto po = busy.expect<of::PacketOut>(100ms);
    if (po && po->buffer_id == 77) answer = po;
  }
  ASSERT_TRUE(answer) << "the busy switch was never read again";
  EXPECT_EQ(on_shard0<bool>(rt, [](Shard& s) { return s.reads_paused(); }), false);
  EXPECT_GT(busy_packet_ins(), before);
}

}  // namespace
}  // namespace ofkit::ctl::testing
