// hub: floods every PacketIn out of every port but the one it came in on
// (POX forwarding.hub, reactive form).

#include "controller/app.h"
#include "controller/apps/builtin.h"
#include "controller/connection.h"
#include "controller/events.h"

namespace ofkit::ctl {
namespace {

class Hub : public App {
 public:
  void start(AppContext& ctx) override {
    ctx.listen<PacketIn>([](PacketIn& ev) {
      ev.conn.send_packet_out_port(ev.buffer_id, ev.in_port, of::port::kFlood, ev.data);
    });
  }
};

}  // namespace

AppInfo hub_app_info() {
  AppInfo info;
  info.name = "hub";
  info.aliases = {"forwarding.hub"};
  info.help = "flood every PacketIn out of all ports except the input port";
  info.create = [] { return std::make_unique<Hub>(); };
  return info;
}

}  // namespace ofkit::ctl
