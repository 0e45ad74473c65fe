#include "oflib/wire/actions.h"

#include <cstring>
#include <type_traits>

namespace ofkit::of {
namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

// Wire size of a known fixed-size action type, 0 for unknown / vendor.
size_t fixed_len(uint16_t type) {
  switch (static_cast<ActionType>(type)) {
    case ActionType::kOutput:
      return kActionOutputLen;
    case ActionType::kSetVlanVid:
      return kActionVlanVidLen;
    case ActionType::kSetVlanPcp:
      return kActionVlanPcpLen;
    case ActionType::kStripVlan:
      return kActionHeaderLen;
    case ActionType::kSetDlSrc:
    case ActionType::kSetDlDst:
      return kActionDlAddrLen;
    case ActionType::kSetNwSrc:
    case ActionType::kSetNwDst:
      return kActionNwAddrLen;
    case ActionType::kSetNwTos:
      return kActionNwTosLen;
    case ActionType::kSetTpSrc:
    case ActionType::kSetTpDst:
      return kActionTpPortLen;
    case ActionType::kEnqueue:
      return kActionEnqueueLen;
    case ActionType::kVendor:
      return 0;
  }
  return 0;
}

bool is_reserved_output(uint16_t port) { return port >= port::kInPort && port != port::kNone; }

// Checks one action at p (len bytes already known to be inside the list,
// >= 8 and a multiple of 8).
Result<void> check_action(const uint8_t* p, uint16_t len, const ActionDecodeOptions& opts) {
  const uint16_t type = load_be16(p);
  if (static_cast<ActionType>(type) == ActionType::kVendor) {
    if (!opts.accept_vendor) return fail(Ofperr::kBadActionBadVendor);
    return {};
  }
  const size_t want = fixed_len(type);
  if (want == 0) return fail(Ofperr::kBadActionBadType);
  if (len != want) return fail(Ofperr::kBadActionBadLen);
  switch (static_cast<ActionType>(type)) {
    case ActionType::kOutput: {
      const uint16_t port = load_be16(p + 4);
      if (port == 0 || (port > port::kMax && !is_reserved_output(port)) || port == port::kNone)
        return fail(Ofperr::kBadActionBadOutPort);
      break;
    }
    case ActionType::kEnqueue: {
      const uint16_t port = load_be16(p + 4);
      if (port == 0 || (port > port::kMax && port != port::kInPort && port != port::kLocal))
        return fail(Ofperr::kBadActionBadOutPort);
      if (load_be32(p + 12) == kAllQueues) return fail(Ofperr::kBadActionBadQueue);
      break;
    }
    case ActionType::kSetVlanVid:
      if (load_be16(p + 4) > 0x0fff) return fail(Ofperr::kBadActionBadArgument);
      break;
    case ActionType::kSetVlanPcp:
      if (p[4] > 7) return fail(Ofperr::kBadActionBadArgument);
      break;
    case ActionType::kSetNwTos:
      if (p[4] & 0x03) return fail(Ofperr::kBadActionBadArgument);
      break;
    default:
      break;
  }
  return {};
}

}  // namespace

size_t action_wire_len(const Action& a) {
  return std::visit(Overloaded{
                        [](const ActionVendor& v) -> size_t {
                          return kActionVendorLen + ((v.body.size() + 7) & ~size_t{7});
                        },
                        [](const ActionSetDlSrc&) -> size_t { return kActionDlAddrLen; },
                        [](const ActionSetDlDst&) -> size_t { return kActionDlAddrLen; },
                        [](const ActionEnqueue&) -> size_t { return kActionEnqueueLen; },
                        [](const auto&) -> size_t { return 8; },
                    },
                    a);
}

size_t actions_wire_len(const ActionList& actions) {
  size_t n = 0;
  for (const Action& a : actions) n += action_wire_len(a);
  return n;
}

size_t encode_action(const Action& a, uint8_t* out) {
  const size_t len = action_wire_len(a);
  std::memset(out, 0, len);
  store_be16(out + 2, static_cast<uint16_t>(len));
  auto type = [&](ActionType t) { store_be16(out, static_cast<uint16_t>(t)); };
  std::visit(Overloaded{
                 [&](const ActionOutput& x) {
                   type(ActionType::kOutput);
                   store_be16(out + 4, x.port);
                   store_be16(out + 6, x.max_len);
                 },
                 [&](const ActionSetVlanVid& x) {
                   type(ActionType::kSetVlanVid);
                   store_be16(out + 4, x.vlan_vid);
                 },
                 [&](const ActionSetVlanPcp& x) {
                   type(ActionType::kSetVlanPcp);
                   out[4] = x.vlan_pcp;
                 },
                 [&](const ActionStripVlan&) { type(ActionType::kStripVlan); },
                 [&](const ActionSetDlSrc& x) {
                   type(ActionType::kSetDlSrc);
                   std::memcpy(out + 4, x.dl_addr.bytes.data(), 6);
                 },
                 [&](const ActionSetDlDst& x) {
                   type(ActionType::kSetDlDst);
                   std::memcpy(out + 4, x.dl_addr.bytes.data(), 6);
                 },
                 [&](const ActionSetNwSrc& x) {
                   type(ActionType::kSetNwSrc);
                   store_be32(out + 4, x.nw_addr);
                 },
                 [&](const ActionSetNwDst& x) {
                   type(ActionType::kSetNwDst);
                   store_be32(out + 4, x.nw_addr);
                 },
                 [&](const ActionSetNwTos& x) {
                   type(ActionType::kSetNwTos);
                   out[4] = x.nw_tos;
                 },
                 [&](const ActionSetTpSrc& x) {
                   type(ActionType::kSetTpSrc);
                   store_be16(out + 4, x.tp_port);
                 },
                 [&](const ActionSetTpDst& x) {
                   type(ActionType::kSetTpDst);
                   store_be16(out + 4, x.tp_port);
                 },
                 [&](const ActionEnqueue& x) {
                   type(ActionType::kEnqueue);
                   store_be16(out + 4, x.port);
                   store_be32(out + 12, x.queue_id);
                 },
                 [&](const ActionVendor& x) {
                   type(ActionType::kVendor);
                   store_be32(out + 4, x.vendor);
                   if (!x.body.empty()) std::memcpy(out + 8, x.body.data(), x.body.size());
                 },
             },
             a);
  return len;
}

size_t encode_actions(const ActionList& actions, uint8_t* out) {
  size_t n = 0;
  for (const Action& a : actions) n += encode_action(a, out + n);
  return n;
}

Result<size_t> validate_actions(std::span<const uint8_t> bytes, const ActionDecodeOptions& opts) {
  size_t count = 0;
  const uint8_t* p = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    if (left < kActionHeaderLen) return fail(Ofperr::kBadActionBadLen);
    const uint16_t len = load_be16(p + 2);
    if (len < kActionHeaderLen || (len & 7) != 0 || len > left) return fail(Ofperr::kBadActionBadLen);
    if (auto r = check_action(p, len, opts); !r) return fail(r.error());
    p += len;
    left -= len;
    ++count;
  }
  return count;
}

Action ActionCursor::value() const {
  switch (type()) {
    case ActionType::kOutput:
      return ActionOutput{port(), max_len()};
    case ActionType::kSetVlanVid:
      return ActionSetVlanVid{vlan_vid()};
    case ActionType::kSetVlanPcp:
      return ActionSetVlanPcp{vlan_pcp()};
    case ActionType::kStripVlan:
      return ActionStripVlan{};
    case ActionType::kSetDlSrc:
      return ActionSetDlSrc{MacAddr::from_bytes(dl_addr())};
    case ActionType::kSetDlDst:
      return ActionSetDlDst{MacAddr::from_bytes(dl_addr())};
    case ActionType::kSetNwSrc:
      return ActionSetNwSrc{nw_addr()};
    case ActionType::kSetNwDst:
      return ActionSetNwDst{nw_addr()};
    case ActionType::kSetNwTos:
      return ActionSetNwTos{nw_tos()};
    case ActionType::kSetTpSrc:
      return ActionSetTpSrc{tp_port()};
    case ActionType::kSetTpDst:
      return ActionSetTpDst{tp_port()};
    case ActionType::kEnqueue:
      return ActionEnqueue{port(), queue_id()};
    case ActionType::kVendor:
      break;
  }
  ActionVendor v;
  v.vendor = vendor();
  v.body.assign(p_ + kActionVendorLen, p_ + len());
  return v;
}

Result<ActionList> decode_actions(std::span<const uint8_t> bytes, const ActionDecodeOptions& opts) {
  auto n = validate_actions(bytes, opts);
  if (!n) return fail(n.error());
  ActionList out;
  out.reserve(*n);
  for (ActionCursor c(bytes); !c.done(); c.advance()) out.push_back(c.value());
  return out;
}

}  // namespace ofkit::of
