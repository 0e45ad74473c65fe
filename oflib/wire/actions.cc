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
  // Sizes by variant index (action.h order); the vendor action is last.
  static constexpr uint8_t kLen[] = {8, 8, 8, 8, 16, 16, 8, 8, 8, 8, 8, 16};
  static_assert(std::size(kLen) + 1 == std::variant_size_v<Action>);
  static_assert(std::is_same_v<std::variant_alternative_t<4, Action>, ActionSetDlSrc> &&
                std::is_same_v<std::variant_alternative_t<5, Action>, ActionSetDlDst> &&
                std::is_same_v<std::variant_alternative_t<11, Action>, ActionEnqueue> &&
                std::is_same_v<std::variant_alternative_t<12, Action>, ActionVendor>);
  if (const auto* v = std::get_if<ActionVendor>(&a))
    return kActionVendorLen + ((v->body.size() + 7) & ~size_t{7});
  return kLen[a.index()];
}

size_t actions_wire_len(const ActionList& actions) {
  size_t n = 0;
  for (const Action& a : actions) n += action_wire_len(a);
  return n;
}

namespace {

// Writes the 4-byte type/len prefix and zeroes the rest of a fixed action.
template <size_t kLen>
size_t begin(uint8_t* out, ActionType t) {
  store_be16(out, static_cast<uint16_t>(t));
  store_be16(out + 2, kLen);
  std::memset(out + 4, 0, kLen - 4);
  return kLen;
}

}  // namespace

// One visit per action: each alternative writes itself and returns its length.
size_t encode_action(const Action& a, uint8_t* out) {
  return std::visit(
      Overloaded{
          [&](const ActionOutput& x) {
            store_be16(out, static_cast<uint16_t>(ActionType::kOutput));
            store_be16(out + 2, kActionOutputLen);
            store_be16(out + 4, x.port);
            store_be16(out + 6, x.max_len);
            return kActionOutputLen;
          },
          [&](const ActionSetVlanVid& x) {
            const size_t n = begin<kActionVlanVidLen>(out, ActionType::kSetVlanVid);
            store_be16(out + 4, x.vlan_vid);
            return n;
          },
          [&](const ActionSetVlanPcp& x) {
            const size_t n = begin<kActionVlanPcpLen>(out, ActionType::kSetVlanPcp);
            out[4] = x.vlan_pcp;
            return n;
          },
          [&](const ActionStripVlan&) { return begin<kActionHeaderLen>(out, ActionType::kStripVlan); },
          [&](const ActionSetDlSrc& x) {
            const size_t n = begin<kActionDlAddrLen>(out, ActionType::kSetDlSrc);
            std::memcpy(out + 4, x.dl_addr.bytes.data(), 6);
            return n;
          },
          [&](const ActionSetDlDst& x) {
            const size_t n = begin<kActionDlAddrLen>(out, ActionType::kSetDlDst);
            std::memcpy(out + 4, x.dl_addr.bytes.data(), 6);
            return n;
          },
          [&](const ActionSetNwSrc& x) {
            const size_t n = begin<kActionNwAddrLen>(out, ActionType::kSetNwSrc);
            store_be32(out + 4, x.nw_addr);
            return n;
          },
          [&](const ActionSetNwDst& x) {
            const size_t n = begin<kActionNwAddrLen>(out, ActionType::kSetNwDst);
            store_be32(out + 4, x.nw_addr);
            return n;
          },
          [&](const ActionSetNwTos& x) {
            const size_t n = begin<kActionNwTosLen>(out, ActionType::kSetNwTos);
            out[4] = x.nw_tos;
            return n;
          },
          [&](const ActionSetTpSrc& x) {
            const size_t n = begin<kActionTpPortLen>(out, ActionType::kSetTpSrc);
            store_be16(out + 4, x.tp_port);
            return n;
          },
          [&](const ActionSetTpDst& x) {
            const size_t n = begin<kActionTpPortLen>(out, ActionType::kSetTpDst);
            store_be16(out + 4, x.tp_port);
            return n;
          },
          [&](const ActionEnqueue& x) {
            const size_t n = begin<kActionEnqueueLen>(out, ActionType::kEnqueue);
            store_be16(out + 4, x.port);
            store_be32(out + 12, x.queue_id);
            return n;
          },
          [&](const ActionVendor& x) {
            const size_t n = action_wire_len(a);
            std::memset(out, 0, n);
            store_be16(out, static_cast<uint16_t>(ActionType::kVendor));
            store_be16(out + 2, static_cast<uint16_t>(n));
            store_be32(out + 4, x.vendor);
            if (!x.body.empty()) std::memcpy(out + 8, x.body.data(), x.body.size());
            return n;
          },
      },
      a);
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
