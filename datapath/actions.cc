#include "datapath/actions.h"

#include <type_traits>
#include <variant>

namespace ofkit::dp {
namespace {

bool valid_out_port(uint16_t port, uint16_t n_ports, bool allow_table) {
  if (port >= 1 && port <= n_ports) return true;
  switch (port) {
    case of::port::kInPort:
    case of::port::kNormal:
    case of::port::kFlood:
    case of::port::kAll:
    case of::port::kController:
    case of::port::kLocal:
      return true;
    case of::port::kTable:
      return allow_table;
    default:
      return false;
  }
}

}  // namespace

of::Result<ActionProgramPtr> compile_actions(const of::ActionList& actions, uint16_t n_ports,
                                             bool allow_table) {
  auto prog = std::make_shared<ActionProgram>();
  prog->ops.reserve(actions.size());
  for (const of::Action& a : actions) {
    ActionOp op;
    std::optional<of::Ofperr> err;
    std::visit(
        [&](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, of::ActionOutput>) {
            if (!valid_out_port(x.port, n_ports, allow_table)) err = of::Ofperr::kBadActionBadOutPort;
            op.type = of::ActionType::kOutput;
            op.port = x.port;
            op.max_len = x.max_len;
          } else if constexpr (std::is_same_v<T, of::ActionEnqueue>) {
            // ENQUEUE behaves as OUTPUT to a physical port (one queue, id 0, per port).
            if (!((x.port >= 1 && x.port <= n_ports) || x.port == of::port::kInPort)) {
              err = of::Ofperr::kBadActionBadOutPort;
            } else if (x.queue_id != 0) {
              err = of::Ofperr::kBadActionBadQueue;
            }
            op.type = of::ActionType::kEnqueue;
            op.port = x.port;
          } else if constexpr (std::is_same_v<T, of::ActionSetVlanVid>) {
            if (x.vlan_vid > 0x0fff) err = of::Ofperr::kBadActionBadArgument;
            op.type = of::ActionType::kSetVlanVid;
            op.u16 = x.vlan_vid;
          } else if constexpr (std::is_same_v<T, of::ActionSetVlanPcp>) {
            if (x.vlan_pcp > 7) err = of::Ofperr::kBadActionBadArgument;
            op.type = of::ActionType::kSetVlanPcp;
            op.u8 = x.vlan_pcp;
          } else if constexpr (std::is_same_v<T, of::ActionStripVlan>) {
            op.type = of::ActionType::kStripVlan;
          } else if constexpr (std::is_same_v<T, of::ActionSetDlSrc>) {
            op.type = of::ActionType::kSetDlSrc;
            op.mac = x.dl_addr;
          } else if constexpr (std::is_same_v<T, of::ActionSetDlDst>) {
            op.type = of::ActionType::kSetDlDst;
            op.mac = x.dl_addr;
          } else if constexpr (std::is_same_v<T, of::ActionSetNwSrc>) {
            op.type = of::ActionType::kSetNwSrc;
            op.u32 = x.nw_addr;
          } else if constexpr (std::is_same_v<T, of::ActionSetNwDst>) {
            op.type = of::ActionType::kSetNwDst;
            op.u32 = x.nw_addr;
          } else if constexpr (std::is_same_v<T, of::ActionSetNwTos>) {
            if (x.nw_tos & 0x03) err = of::Ofperr::kBadActionBadArgument;
            op.type = of::ActionType::kSetNwTos;
            op.u8 = x.nw_tos;
          } else if constexpr (std::is_same_v<T, of::ActionSetTpSrc>) {
            op.type = of::ActionType::kSetTpSrc;
            op.u16 = x.tp_port;
          } else if constexpr (std::is_same_v<T, of::ActionSetTpDst>) {
            op.type = of::ActionType::kSetTpDst;
            op.u16 = x.tp_port;
          } else {
            static_assert(std::is_same_v<T, of::ActionVendor>);
            err = of::Ofperr::kBadActionBadVendor;
          }
        },
        a);
    if (err) return of::fail(*err);
    if (op.type == of::ActionType::kOutput || op.type == of::ActionType::kEnqueue) {
      prog->last_output = static_cast<int>(prog->ops.size());
    } else {
      prog->modifies = true;
    }
    prog->ops.push_back(op);
  }
  return ActionProgramPtr(std::move(prog));
}

bool actions_output_to(const of::ActionList& actions, uint16_t port) {
  for (const of::Action& a : actions) {
    if (const auto* o = std::get_if<of::ActionOutput>(&a); o && o->port == port) return true;
    if (const auto* e = std::get_if<of::ActionEnqueue>(&a); e && e->port == port) return true;
  }
  return false;
}

}  // namespace ofkit::dp
