#include "oflib/text/json.h"

#include <fmt/format.h>

#include <set>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "oflib/text/names.h"
#include "oflib/wire/message_table.h"

namespace ofkit::text {
namespace {

using std::string;
using std::string_view;
namespace wc = of::wildcards;

// --- decoding helpers: errors are thrown inside this file only and become
// ParseResult errors at the public entry points. -----------------------------

class JsonError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

[[noreturn]] void bad(const string& path, string_view why) {
  throw JsonError(fmt::format("{}: {}", path.empty() ? string("(top)") : path, why));
}

string join(const string& path, string_view key) {
  return path.empty() ? string(key) : path + "." + string(key);
}
string index(const string& path, size_t i) { return fmt::format("{}[{}]", path, i); }

uint64_t to_uint(const Json& v, const string& path, uint64_t max) {
  uint64_t n = 0;
  if (v.is_number_unsigned()) {
    n = v.get<uint64_t>();
  } else if (v.is_number_integer()) {
    bad(path, "must not be negative");
  } else if (v.is_string()) {
    const auto p = parse_number(v.get<string>(), UINT64_MAX);
    if (!p) bad(path, fmt::format("\"{}\" is not a number", v.get<string>()));
    n = *p;
  } else {
    bad(path, "expected a number");
  }
  if (n > max) bad(path, fmt::format("{} is out of range 0..{}", n, max));
  return n;
}

const string& to_string(const Json& v, const string& path) {
  if (!v.is_string()) bad(path, "expected a string");
  return v.get_ref<const string&>();
}

// Spec names for the reserved ports (JSON uses NONE, not OVS's ANY).
constexpr std::pair<uint16_t, string_view> kJsonPorts[] = {
    {of::port::kInPort, "IN_PORT"}, {of::port::kTable, "TABLE"}, {of::port::kNormal, "NORMAL"},
    {of::port::kFlood, "FLOOD"},    {of::port::kAll, "ALL"},     {of::port::kController, "CONTROLLER"},
    {of::port::kLocal, "LOCAL"},    {of::port::kNone, "NONE"},
};

uint16_t to_port(const Json& v, const string& path) {
  if (v.is_string()) {
    if (auto p = parse_port(v.get<string>())) return *p;
    bad(path, fmt::format("\"{}\" is not a port", v.get<string>()));
  }
  return static_cast<uint16_t>(to_uint(v, path, 0xffff));
}

std::vector<uint8_t> to_bytes(const Json& v, const string& path) {
  const string& s = to_string(v, path);
  if (s.size() % 2 != 0) bad(path, "hex string has an odd number of digits");
  std::vector<uint8_t> out;
  out.reserve(s.size() / 2);
  auto digit = [&](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    bad(path, fmt::format("'{}' is not a hex digit", c));
  };
  for (size_t i = 0; i < s.size(); i += 2)
    out.push_back(static_cast<uint8_t>(digit(s[i]) << 4 | digit(s[i + 1])));
  return out;
}

string hex(std::span<const uint8_t> b) {
  static constexpr char kHex[] = "0123456789abcdef";
  string out;
  out.reserve(b.size() * 2);
  for (uint8_t c : b) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

Json bits_to_json(uint32_t value, std::span<const BitName> table, uint32_t field_mask = 0) {
  Json out = Json::array();
  const BitNames n = bit_names(value, table, field_mask);
  size_t start = 0;
  while (start < n.joined.size()) {
    size_t end = n.joined.find(' ', start);
    if (end == string::npos) end = n.joined.size();
    out.push_back(n.joined.substr(start, end - start));
    start = end + 1;
  }
  if (n.unknown != 0) out.push_back(n.unknown);
  return out;
}

uint32_t to_bits(const Json& v, const string& path, std::span<const BitName> table, uint32_t max) {
  if (!v.is_array()) return static_cast<uint32_t>(to_uint(v, path, max));
  uint32_t out = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    const Json& e = v[i];
    if (e.is_string()) {
      const auto b = bit_from_name(e.get<string>(), table);
      if (!b) bad(index(path, i), fmt::format("unknown flag \"{}\"", e.get<string>()));
      out |= *b;
    } else {
      out |= static_cast<uint32_t>(to_uint(e, index(path, i), max));
    }
  }
  return out;
}

template <typename E, size_t N>
Json enum_to_json(E value, const std::pair<E, string_view> (&names)[N]) {
  for (const auto& [v, n] : names) {
    if (v == value) return n;
  }
  return static_cast<uint64_t>(value);
}

template <typename E, size_t N>
E to_enum(const Json& v, const string& path, const std::pair<E, string_view> (&names)[N], uint64_t max) {
  if (v.is_string()) {
    for (const auto& [e, n] : names) {
      if (n == v.get<string>()) return e;
    }
    string known;
    for (const auto& [e, n] : names) known += (known.empty() ? "" : ", ") + string(n);
    bad(path, fmt::format("unknown value \"{}\" (expected one of {})", v.get<string>(), known));
  }
  return static_cast<E>(to_uint(v, path, max));
}

// An object whose fields are read one by one; done() rejects the rest.
class Obj {
 public:
  Obj(const Json& j, string path) : j_(j), path_(std::move(path)) {
    if (!j_.is_object()) bad(path_, "expected an object");
  }
  const Json* get(string_view key) {
    auto it = j_.find(key);
    if (it == j_.end()) return nullptr;
    used_.insert(string(key));
    return &*it;
  }
  string at(string_view key) const { return join(path_, key); }
  const string& path() const { return path_; }
  template <typename T>
  void num(string_view key, T* out, uint64_t max = std::numeric_limits<T>::max()) {
    if (const Json* v = get(key)) *out = static_cast<T>(to_uint(*v, at(key), max));
  }
  void port(string_view key, uint16_t* out) {
    if (const Json* v = get(key)) *out = to_port(*v, at(key));
  }
  void str(string_view key, string* out) {
    if (const Json* v = get(key)) *out = to_string(*v, at(key));
  }
  void bytes(string_view key, std::vector<uint8_t>* out) {
    if (const Json* v = get(key)) *out = to_bytes(*v, at(key));
  }
  void mac(string_view key, MacAddr* out) {
    if (const Json* v = get(key)) {
      const auto m = MacAddr::parse(to_string(*v, at(key)));
      if (!m) bad(at(key), fmt::format("\"{}\" is not an Ethernet address", v->get<string>()));
      *out = *m;
    }
  }
  void ipv4(string_view key, uint32_t* out) {
    if (const Json* v = get(key)) {
      const auto a = Ipv4Addr::parse(to_string(*v, at(key)));
      if (!a) bad(at(key), fmt::format("\"{}\" is not an IPv4 address", v->get<string>()));
      *out = a->value;
    }
  }
  void bits(string_view key, uint32_t* out, std::span<const BitName> table) {
    if (const Json* v = get(key)) *out = to_bits(*v, at(key), table, 0xffffffff);
  }
  void bits16(string_view key, uint16_t* out, std::span<const BitName> table) {
    if (const Json* v = get(key)) *out = static_cast<uint16_t>(to_bits(*v, at(key), table, 0xffff));
  }
  void done() const {
    for (auto it = j_.begin(); it != j_.end(); ++it) {
      if (!used_.contains(it.key())) bad(at(it.key()), "unknown field");
    }
  }

 private:
  const Json& j_;
  string path_;
  std::set<string, std::less<>> used_;
};

// --- names -------------------------------------------------------------------

constexpr std::pair<of::FlowModCommand, string_view> kCommands[] = {
    {of::FlowModCommand::kAdd, "ADD"},
    {of::FlowModCommand::kModify, "MODIFY"},
    {of::FlowModCommand::kModifyStrict, "MODIFY_STRICT"},
    {of::FlowModCommand::kDelete, "DELETE"},
    {of::FlowModCommand::kDeleteStrict, "DELETE_STRICT"},
};
constexpr std::pair<of::PacketInReason, string_view> kPacketInReasons[] = {
    {of::PacketInReason::kNoMatch, "NO_MATCH"},
    {of::PacketInReason::kAction, "ACTION"},
};
constexpr std::pair<of::FlowRemovedReason, string_view> kFlowRemovedReasons[] = {
    {of::FlowRemovedReason::kIdleTimeout, "IDLE_TIMEOUT"},
    {of::FlowRemovedReason::kHardTimeout, "HARD_TIMEOUT"},
    {of::FlowRemovedReason::kDelete, "DELETE"},
};
constexpr std::pair<of::PortReason, string_view> kPortReasons[] = {
    {of::PortReason::kAdd, "ADD"},
    {of::PortReason::kDelete, "DELETE"},
    {of::PortReason::kModify, "MODIFY"},
};
constexpr std::pair<of::StatsType, string_view> kStatsTypes[] = {
    {of::StatsType::kDesc, "DESC"},           {of::StatsType::kFlow, "FLOW"},
    {of::StatsType::kAggregate, "AGGREGATE"}, {of::StatsType::kTable, "TABLE"},
    {of::StatsType::kPort, "PORT"},           {of::StatsType::kQueue, "QUEUE"},
    {of::StatsType::kVendor, "VENDOR"},
};
constexpr std::pair<uint16_t, string_view> kFragNames[] = {
    {of::config_flags::kFragNormal, "FRAG_NORMAL"},
    {of::config_flags::kFragDrop, "FRAG_DROP"},
    {of::config_flags::kFragReasm, "FRAG_REASM"},
};

Json buffer_to_json(uint32_t b) { return b == of::kNoBuffer ? Json("NO_BUFFER") : Json(b); }
uint32_t to_buffer(const Json& v, const string& path) {
  if (v.is_string() && v.get<string>() == "NO_BUFFER") return of::kNoBuffer;
  return static_cast<uint32_t>(to_uint(v, path, 0xffffffff));
}

// --- match -------------------------------------------------------------------

of::Match to_match(const Json& j, const string& path) {
  if (!j.is_object()) bad(path, "expected an object of match fields");
  of::Match m;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const Json& v = it.value();
    string value;
    if (v.is_null() || (v.is_boolean() && v.get<bool>())) {
      value = "";  // a shorthand: {"tcp": null}
    } else if (v.is_string()) {
      value = v.get<string>();
    } else if (v.is_number_unsigned()) {
      value = std::to_string(v.get<uint64_t>());
    } else {
      bad(join(path, it.key()), "expected a number or a string");
    }
    if (auto r = set_match_field(m, it.key(), value); !r) bad(path, r.error());
  }
  return m;
}

// --- actions -----------------------------------------------------------------

of::Action to_action(const Json& j, const string& path) {
  Obj o(j, path);
  const Json* t = o.get("type");
  if (t == nullptr) bad(path, "missing \"type\"");
  const string& type = to_string(*t, o.at("type"));
  of::Action out;
  if (type == "OUTPUT") {
    of::ActionOutput a;
    o.port("port", &a.port);
    o.num("max_len", &a.max_len);
    out = a;
  } else if (type == "SET_VLAN_VID") {
    of::ActionSetVlanVid a;
    o.num("vlan_vid", &a.vlan_vid, 0xfff);
    out = a;
  } else if (type == "SET_VLAN_PCP") {
    of::ActionSetVlanPcp a;
    o.num("vlan_pcp", &a.vlan_pcp, 7);
    out = a;
  } else if (type == "STRIP_VLAN") {
    out = of::ActionStripVlan{};
  } else if (type == "SET_DL_SRC") {
    of::ActionSetDlSrc a;
    o.mac("dl_addr", &a.dl_addr);
    out = a;
  } else if (type == "SET_DL_DST") {
    of::ActionSetDlDst a;
    o.mac("dl_addr", &a.dl_addr);
    out = a;
  } else if (type == "SET_NW_SRC") {
    of::ActionSetNwSrc a;
    o.ipv4("nw_addr", &a.nw_addr);
    out = a;
  } else if (type == "SET_NW_DST") {
    of::ActionSetNwDst a;
    o.ipv4("nw_addr", &a.nw_addr);
    out = a;
  } else if (type == "SET_NW_TOS") {
    of::ActionSetNwTos a;
    o.num("nw_tos", &a.nw_tos);
    out = a;
  } else if (type == "SET_TP_SRC") {
    of::ActionSetTpSrc a;
    o.num("tp_port", &a.tp_port);
    out = a;
  } else if (type == "SET_TP_DST") {
    of::ActionSetTpDst a;
    o.num("tp_port", &a.tp_port);
    out = a;
  } else if (type == "ENQUEUE") {
    of::ActionEnqueue a;
    o.port("port", &a.port);
    o.num("queue_id", &a.queue_id);
    out = a;
  } else if (type == "VENDOR") {
    of::ActionVendor a;
    o.num("vendor", &a.vendor);
    o.bytes("body", &a.body);
    out = a;
  } else {
    bad(o.at("type"), fmt::format("unknown action type \"{}\"", type));
  }
  o.done();
  return out;
}

of::ActionList to_actions(const Json& j, const string& path) {
  if (!j.is_array()) bad(path, "expected an array of actions");
  of::ActionList out;
  for (size_t i = 0; i < j.size(); ++i) out.push_back(to_action(j[i], index(path, i)));
  return out;
}

// --- message bodies: to JSON ---------------------------------------------------

Json phy_port_to_json(const of::PhyPort& p) {
  return Json{{"port_no", port_to_json(p.port_no)},
              {"hw_addr", p.hw_addr.to_string()},
              {"name", p.name},
              {"config", bits_to_json(p.config, kPortConfigNames)},
              {"state", bits_to_json(p.state, kPortStateNames, kPortStateStpMask)},
              {"curr", bits_to_json(p.curr, kPortFeatureNames)},
              {"advertised", bits_to_json(p.advertised, kPortFeatureNames)},
              {"supported", bits_to_json(p.supported, kPortFeatureNames)},
              {"peer", bits_to_json(p.peer, kPortFeatureNames)}};
}

Json flow_stats_to_json(const of::FlowStats& f) {
  return Json{{"table_id", f.table_id},
              {"match", match_to_json(f.match)},
              {"duration_sec", f.duration_sec},
              {"duration_nsec", f.duration_nsec},
              {"priority", f.priority},
              {"idle_timeout", f.idle_timeout},
              {"hard_timeout", f.hard_timeout},
              {"cookie", f.cookie},
              {"packet_count", f.packet_count},
              {"byte_count", f.byte_count},
              {"actions", actions_to_json(f.actions)}};
}

Json table_id_to_json(uint8_t t) { return t == 0xff ? Json("ALL") : Json(t); }

struct StatsRequestToJson {
  Json operator()(const of::DescStatsRequest&) const { return Json::object(); }
  Json operator()(const of::FlowStatsRequest& r) const {
    return Json{{"match", match_to_json(r.match)},
                {"table_id", table_id_to_json(r.table_id)},
                {"out_port", port_to_json(r.out_port)}};
  }
  Json operator()(const of::AggregateStatsRequest& r) const {
    return Json{{"match", match_to_json(r.match)},
                {"table_id", table_id_to_json(r.table_id)},
                {"out_port", port_to_json(r.out_port)}};
  }
  Json operator()(const of::TableStatsRequest&) const { return Json::object(); }
  Json operator()(const of::PortStatsRequest& r) const { return Json{{"port_no", port_to_json(r.port_no)}}; }
  Json operator()(const of::QueueStatsRequest& r) const {
    return Json{{"port_no", port_to_json(r.port_no)},
                {"queue_id", r.queue_id == of::kAllQueues ? Json("ALL") : Json(r.queue_id)}};
  }
  Json operator()(const of::VendorStats& v) const {
    return Json{{"vendor", v.vendor}, {"body", hex(v.body)}};
  }
};

struct StatsReplyToJson {
  Json operator()(const of::DescStatsReply& r) const {
    return Json{{"mfr_desc", r.desc.mfr_desc},
                {"hw_desc", r.desc.hw_desc},
                {"sw_desc", r.desc.sw_desc},
                {"serial_num", r.desc.serial_num},
                {"dp_desc", r.desc.dp_desc}};
  }
  Json operator()(const of::FlowStatsReply& r) const {
    Json flows = Json::array();
    for (const auto& f : r.flows) flows.push_back(flow_stats_to_json(f));
    return Json{{"flows", flows}};
  }
  Json operator()(const of::AggregateStatsReply& r) const {
    return Json{{"packet_count", r.packet_count}, {"byte_count", r.byte_count}, {"flow_count", r.flow_count}};
  }
  Json operator()(const of::TableStatsReply& r) const {
    Json tables = Json::array();
    for (const auto& t : r.tables) {
      tables.push_back(Json{{"table_id", t.table_id},
                            {"name", t.name},
                            {"wildcards", t.wildcards},
                            {"max_entries", t.max_entries},
                            {"active_count", t.active_count},
                            {"lookup_count", t.lookup_count},
                            {"matched_count", t.matched_count}});
    }
    return Json{{"tables", tables}};
  }
  Json operator()(const of::PortStatsReply& r) const {
    Json ports = Json::array();
    for (const auto& p : r.ports) {
      ports.push_back(Json{{"port_no", port_to_json(p.port_no)},
                           {"rx_packets", p.rx_packets},
                           {"tx_packets", p.tx_packets},
                           {"rx_bytes", p.rx_bytes},
                           {"tx_bytes", p.tx_bytes},
                           {"rx_dropped", p.rx_dropped},
                           {"tx_dropped", p.tx_dropped},
                           {"rx_errors", p.rx_errors},
                           {"tx_errors", p.tx_errors},
                           {"rx_frame_err", p.rx_frame_err},
                           {"rx_over_err", p.rx_over_err},
                           {"rx_crc_err", p.rx_crc_err},
                           {"collisions", p.collisions}});
    }
    return Json{{"ports", ports}};
  }
  Json operator()(const of::QueueStatsReply& r) const {
    Json queues = Json::array();
    for (const auto& q : r.queues) {
      queues.push_back(Json{{"port_no", port_to_json(q.port_no)},
                            {"queue_id", q.queue_id},
                            {"tx_bytes", q.tx_bytes},
                            {"tx_packets", q.tx_packets},
                            {"tx_errors", q.tx_errors}});
    }
    return Json{{"queues", queues}};
  }
  Json operator()(const of::VendorStats& v) const {
    return Json{{"vendor", v.vendor}, {"body", hex(v.body)}};
  }
};

struct MsgToJson {
  Json operator()(const of::Hello& m) const { return Json{{"body", hex(m.body)}}; }
  Json operator()(const of::ErrorMsg& m) const {
    Json j;
    if (const auto e = m.error()) {
      j["type"] = of::ofperr_type_name(*e);
      j["code"] = of::ofperr_code_name(*e);
    } else {
      const string_view tn = of::error_type_name(m.type);
      j["type"] = tn.empty() ? Json(m.type) : Json(tn);
      j["code"] = m.code;
    }
    j["data"] = hex(m.data);
    return j;
  }
  Json operator()(const of::EchoRequest& m) const { return Json{{"data", hex(m.data)}}; }
  Json operator()(const of::EchoReply& m) const { return Json{{"data", hex(m.data)}}; }
  Json operator()(const of::Vendor& m) const { return Json{{"vendor", m.vendor}, {"data", hex(m.data)}}; }
  Json operator()(const of::FeaturesRequest&) const { return Json::object(); }
  Json operator()(const of::FeaturesReply& m) const {
    Json ports = Json::array();
    for (const auto& p : m.ports) ports.push_back(phy_port_to_json(p));
    return Json{{"datapath_id", m.datapath_id},
                {"n_buffers", m.n_buffers},
                {"n_tables", m.n_tables},
                {"capabilities", bits_to_json(m.capabilities, kCapabilityNames)},
                {"actions", bits_to_json(m.actions, kActionBitNames)},
                {"ports", ports}};
  }
  Json operator()(const of::GetConfigRequest&) const { return Json::object(); }
  Json operator()(const of::GetConfigReply& m) const {
    return Json{{"flags", enum_to_json(m.flags, kFragNames)}, {"miss_send_len", m.miss_send_len}};
  }
  Json operator()(const of::SetConfig& m) const {
    return Json{{"flags", enum_to_json(m.flags, kFragNames)}, {"miss_send_len", m.miss_send_len}};
  }
  Json operator()(const of::PacketIn& m) const {
    return Json{{"buffer_id", buffer_to_json(m.buffer_id)},
                {"total_len", m.total_len},
                {"in_port", port_to_json(m.in_port)},
                {"reason", enum_to_json(m.reason, kPacketInReasons)},
                {"data", hex(m.data)}};
  }
  Json operator()(const of::FlowRemoved& m) const {
    return Json{{"match", match_to_json(m.match)}, {"cookie", m.cookie},
                {"priority", m.priority},          {"reason", enum_to_json(m.reason, kFlowRemovedReasons)},
                {"duration_sec", m.duration_sec},  {"duration_nsec", m.duration_nsec},
                {"idle_timeout", m.idle_timeout},  {"packet_count", m.packet_count},
                {"byte_count", m.byte_count}};
  }
  Json operator()(const of::PortStatus& m) const {
    return Json{{"reason", enum_to_json(m.reason, kPortReasons)}, {"desc", phy_port_to_json(m.desc)}};
  }
  Json operator()(const of::PacketOut& m) const {
    return Json{{"buffer_id", buffer_to_json(m.buffer_id)},
                {"in_port", port_to_json(m.in_port)},
                {"actions", actions_to_json(m.actions)},
                {"data", hex(m.data)}};
  }
  Json operator()(const of::FlowMod& m) const {
    return Json{{"command", enum_to_json(m.command, kCommands)},
                {"match", match_to_json(m.match)},
                {"cookie", m.cookie},
                {"idle_timeout", m.idle_timeout},
                {"hard_timeout", m.hard_timeout},
                {"priority", m.priority},
                {"buffer_id", buffer_to_json(m.buffer_id)},
                {"out_port", port_to_json(m.out_port)},
                {"flags", bits_to_json(m.flags, kFlowModFlagNames)},
                {"actions", actions_to_json(m.actions)}};
  }
  Json operator()(const of::PortMod& m) const {
    return Json{{"port_no", port_to_json(m.port_no)},
                {"hw_addr", m.hw_addr.to_string()},
                {"config", bits_to_json(m.config, kPortConfigNames)},
                {"mask", bits_to_json(m.mask, kPortConfigNames)},
                {"advertise", bits_to_json(m.advertise, kPortFeatureNames)}};
  }
  Json operator()(const of::StatsRequest& m) const {
    return Json{{"stats_type", enum_to_json(m.type(), kStatsTypes)},
                {"flags", m.flags},
                {"body", std::visit(StatsRequestToJson{}, m.body)}};
  }
  Json operator()(const of::StatsReply& m) const {
    return Json{{"stats_type", enum_to_json(m.type(), kStatsTypes)},
                {"flags", bits_to_json(m.flags, kStatsFlagNames)},
                {"body", std::visit(StatsReplyToJson{}, m.body)}};
  }
  Json operator()(const of::BarrierRequest&) const { return Json::object(); }
  Json operator()(const of::BarrierReply&) const { return Json::object(); }
  Json operator()(const of::QueueGetConfigRequest& m) const { return Json{{"port", port_to_json(m.port)}}; }
  Json operator()(const of::QueueGetConfigReply& m) const {
    Json queues = Json::array();
    for (const auto& q : m.queues) {
      Json props = Json::array();
      for (const auto& p : q.properties) {
        if (const auto* r = std::get_if<of::QueuePropMinRate>(&p)) {
          props.push_back(Json{{"type", "MIN_RATE"}, {"rate", r->rate}});
        } else {
          props.push_back(Json{{"type", "NONE"}});
        }
      }
      queues.push_back(Json{{"queue_id", q.queue_id}, {"properties", props}});
    }
    return Json{{"port", port_to_json(m.port)}, {"queues", queues}};
  }
};

// --- message bodies: from JSON -------------------------------------------------

of::PhyPort to_phy_port(const Json& j, const string& path) {
  Obj o(j, path);
  of::PhyPort p;
  o.port("port_no", &p.port_no);
  o.mac("hw_addr", &p.hw_addr);
  o.str("name", &p.name);
  if (p.name.size() >= of::kMaxPortNameLen) bad(o.at("name"), "longer than 15 characters");
  o.bits("config", &p.config, kPortConfigNames);
  o.bits("state", &p.state, kPortStateNames);
  o.bits("curr", &p.curr, kPortFeatureNames);
  o.bits("advertised", &p.advertised, kPortFeatureNames);
  o.bits("supported", &p.supported, kPortFeatureNames);
  o.bits("peer", &p.peer, kPortFeatureNames);
  o.done();
  return p;
}

template <typename T>
std::vector<T> to_list(Obj& o, string_view key, T (*each)(const Json&, const string&)) {
  std::vector<T> out;
  if (const Json* v = o.get(key)) {
    if (!v->is_array()) bad(o.at(key), "expected an array");
    for (size_t i = 0; i < v->size(); ++i) out.push_back(each((*v)[i], index(o.at(key), i)));
  }
  return out;
}

uint8_t to_table_id(const Json& v, const string& path) {
  if (v.is_string() && v.get<string>() == "ALL") return 0xff;
  return static_cast<uint8_t>(to_uint(v, path, 0xff));
}

template <typename T>
T flow_filter(const Json& j, const string& path) {
  Obj o(j, path);
  T r;
  if (const Json* m = o.get("match")) r.match = to_match(*m, o.at("match"));
  if (const Json* t = o.get("table_id")) r.table_id = to_table_id(*t, o.at("table_id"));
  o.port("out_port", &r.out_port);
  o.done();
  return r;
}

of::StatsRequestBody to_stats_request_body(of::StatsType type, const Json& j, const string& path) {
  switch (type) {
    case of::StatsType::kDesc:
      Obj(j, path).done();
      return of::DescStatsRequest{};
    case of::StatsType::kFlow:
      return flow_filter<of::FlowStatsRequest>(j, path);
    case of::StatsType::kAggregate:
      return flow_filter<of::AggregateStatsRequest>(j, path);
    case of::StatsType::kTable:
      Obj(j, path).done();
      return of::TableStatsRequest{};
    case of::StatsType::kPort: {
      Obj o(j, path);
      of::PortStatsRequest r;
      o.port("port_no", &r.port_no);
      o.done();
      return r;
    }
    case of::StatsType::kQueue: {
      Obj o(j, path);
      of::QueueStatsRequest r;
      o.port("port_no", &r.port_no);
      if (const Json* q = o.get("queue_id")) {
        r.queue_id = q->is_string() && q->get<string>() == "ALL"
                         ? of::kAllQueues
                         : static_cast<uint32_t>(to_uint(*q, o.at("queue_id"), 0xffffffff));
      }
      o.done();
      return r;
    }
    case of::StatsType::kVendor:
      break;
  }
  Obj o(j, path);
  of::VendorStats v;
  o.num("vendor", &v.vendor);
  o.bytes("body", &v.body);
  o.done();
  return v;
}

of::FlowStats to_flow_stats(const Json& j, const string& path) {
  Obj o(j, path);
  of::FlowStats f;
  o.num("table_id", &f.table_id);
  if (const Json* m = o.get("match")) f.match = to_match(*m, o.at("match"));
  o.num("duration_sec", &f.duration_sec);
  o.num("duration_nsec", &f.duration_nsec);
  o.num("priority", &f.priority);
  o.num("idle_timeout", &f.idle_timeout);
  o.num("hard_timeout", &f.hard_timeout);
  o.num("cookie", &f.cookie);
  o.num("packet_count", &f.packet_count);
  o.num("byte_count", &f.byte_count);
  if (const Json* a = o.get("actions")) f.actions = to_actions(*a, o.at("actions"));
  o.done();
  return f;
}

of::TableStats to_table_stats(const Json& j, const string& path) {
  Obj o(j, path);
  of::TableStats t;
  o.num("table_id", &t.table_id);
  o.str("name", &t.name);
  o.num("wildcards", &t.wildcards);
  o.num("max_entries", &t.max_entries);
  o.num("active_count", &t.active_count);
  o.num("lookup_count", &t.lookup_count);
  o.num("matched_count", &t.matched_count);
  o.done();
  return t;
}

of::PortStats to_port_stats(const Json& j, const string& path) {
  Obj o(j, path);
  of::PortStats p;
  o.port("port_no", &p.port_no);
  o.num("rx_packets", &p.rx_packets);
  o.num("tx_packets", &p.tx_packets);
  o.num("rx_bytes", &p.rx_bytes);
  o.num("tx_bytes", &p.tx_bytes);
  o.num("rx_dropped", &p.rx_dropped);
  o.num("tx_dropped", &p.tx_dropped);
  o.num("rx_errors", &p.rx_errors);
  o.num("tx_errors", &p.tx_errors);
  o.num("rx_frame_err", &p.rx_frame_err);
  o.num("rx_over_err", &p.rx_over_err);
  o.num("rx_crc_err", &p.rx_crc_err);
  o.num("collisions", &p.collisions);
  o.done();
  return p;
}

of::QueueStats to_queue_stats(const Json& j, const string& path) {
  Obj o(j, path);
  of::QueueStats q;
  o.port("port_no", &q.port_no);
  o.num("queue_id", &q.queue_id);
  o.num("tx_bytes", &q.tx_bytes);
  o.num("tx_packets", &q.tx_packets);
  o.num("tx_errors", &q.tx_errors);
  o.done();
  return q;
}

of::StatsReplyBody to_stats_reply_body(of::StatsType type, const Json& j, const string& path) {
  Obj o(j, path);
  of::StatsReplyBody out;
  switch (type) {
    case of::StatsType::kDesc: {
      of::DescStatsReply r;
      o.str("mfr_desc", &r.desc.mfr_desc);
      o.str("hw_desc", &r.desc.hw_desc);
      o.str("sw_desc", &r.desc.sw_desc);
      o.str("serial_num", &r.desc.serial_num);
      o.str("dp_desc", &r.desc.dp_desc);
      out = r;
      break;
    }
    case of::StatsType::kFlow:
      out = of::FlowStatsReply{to_list(o, "flows", to_flow_stats)};
      break;
    case of::StatsType::kAggregate: {
      of::AggregateStatsReply r;
      o.num("packet_count", &r.packet_count);
      o.num("byte_count", &r.byte_count);
      o.num("flow_count", &r.flow_count);
      out = r;
      break;
    }
    case of::StatsType::kTable:
      out = of::TableStatsReply{to_list(o, "tables", to_table_stats)};
      break;
    case of::StatsType::kPort:
      out = of::PortStatsReply{to_list(o, "ports", to_port_stats)};
      break;
    case of::StatsType::kQueue:
      out = of::QueueStatsReply{to_list(o, "queues", to_queue_stats)};
      break;
    case of::StatsType::kVendor: {
      of::VendorStats v;
      o.num("vendor", &v.vendor);
      o.bytes("body", &v.body);
      out = v;
      break;
    }
  }
  o.done();
  return out;
}

of::PacketQueue to_packet_queue(const Json& j, const string& path) {
  Obj o(j, path);
  of::PacketQueue q;
  o.num("queue_id", &q.queue_id);
  if (const Json* props = o.get("properties")) {
    if (!props->is_array()) bad(o.at("properties"), "expected an array");
    for (size_t i = 0; i < props->size(); ++i) {
      const string p_path = index(o.at("properties"), i);
      Obj p((*props)[i], p_path);
      const Json* t = p.get("type");
      const string type = t == nullptr ? string("NONE") : to_string(*t, p.at("type"));
      if (type == "MIN_RATE") {
        of::QueuePropMinRate r;
        p.num("rate", &r.rate);
        q.properties.push_back(r);
      } else if (type == "NONE") {
        q.properties.push_back(of::QueuePropNone{});
      } else {
        bad(p.at("type"), fmt::format("unknown queue property \"{}\"", type));
      }
      p.done();
    }
  }
  o.done();
  return q;
}

of::Message to_message(of::MsgType type, const Json& j, const string& path) {
  Obj o(j, path);
  of::Message out;
  switch (type) {
    case of::MsgType::kHello: {
      of::Hello m;
      o.bytes("body", &m.body);
      out = m;
      break;
    }
    case of::MsgType::kError: {
      of::ErrorMsg m;
      const Json* t = o.get("type");
      const Json* c = o.get("code");
      if (t == nullptr || c == nullptr) bad(path, "an error needs \"type\" and \"code\"");
      if (c->is_string()) {
        const auto e = of::ofperr_from_name(c->get<string>());
        if (!e) bad(o.at("code"), fmt::format("unknown error code \"{}\"", c->get<string>()));
        if (t->is_string() && t->get<string>() != of::ofperr_type_name(*e))
          bad(o.at("type"),
              fmt::format("\"{}\" does not go with code \"{}\"", t->get<string>(), c->get<string>()));
        m.type = of::ofperr_type(*e);
        m.code = of::ofperr_code(*e);
      } else {
        m.code = static_cast<uint16_t>(to_uint(*c, o.at("code"), 0xffff));
        if (t->is_string()) {
          bool found = false;
          for (uint16_t v = 0; v < 16 && !found; ++v) {
            if (of::error_type_name(v) == t->get<string>()) {
              m.type = v;
              found = true;
            }
          }
          if (!found) bad(o.at("type"), fmt::format("unknown error type \"{}\"", t->get<string>()));
        } else {
          m.type = static_cast<uint16_t>(to_uint(*t, o.at("type"), 0xffff));
        }
      }
      o.bytes("data", &m.data);
      out = m;
      break;
    }
    case of::MsgType::kEchoRequest: {
      of::EchoRequest m;
      o.bytes("data", &m.data);
      out = m;
      break;
    }
    case of::MsgType::kEchoReply: {
      of::EchoReply m;
      o.bytes("data", &m.data);
      out = m;
      break;
    }
    case of::MsgType::kVendor: {
      of::Vendor m;
      o.num("vendor", &m.vendor);
      o.bytes("data", &m.data);
      out = m;
      break;
    }
    case of::MsgType::kFeaturesRequest:
      out = of::FeaturesRequest{};
      break;
    case of::MsgType::kFeaturesReply: {
      of::FeaturesReply m;
      o.num("datapath_id", &m.datapath_id);
      o.num("n_buffers", &m.n_buffers);
      o.num("n_tables", &m.n_tables);
      o.bits("capabilities", &m.capabilities, kCapabilityNames);
      o.bits("actions", &m.actions, kActionBitNames);
      m.ports = to_list(o, "ports", to_phy_port);
      out = m;
      break;
    }
    case of::MsgType::kGetConfigRequest:
      out = of::GetConfigRequest{};
      break;
    case of::MsgType::kGetConfigReply:
    case of::MsgType::kSetConfig: {
      uint16_t flags = of::config_flags::kFragNormal;
      uint16_t miss = of::kDefaultMissSendLen;
      if (const Json* f = o.get("flags")) flags = to_enum(*f, o.at("flags"), kFragNames, 0xffff);
      o.num("miss_send_len", &miss);
      if (type == of::MsgType::kSetConfig) {
        out = of::SetConfig{flags, miss};
      } else {
        out = of::GetConfigReply{flags, miss};
      }
      break;
    }
    case of::MsgType::kPacketIn: {
      of::PacketIn m;
      if (const Json* b = o.get("buffer_id")) m.buffer_id = to_buffer(*b, o.at("buffer_id"));
      o.num("total_len", &m.total_len);
      o.port("in_port", &m.in_port);
      if (const Json* r = o.get("reason")) m.reason = to_enum(*r, o.at("reason"), kPacketInReasons, 0xff);
      o.bytes("data", &m.data);
      out = m;
      break;
    }
    case of::MsgType::kFlowRemoved: {
      of::FlowRemoved m;
      if (const Json* v = o.get("match")) m.match = to_match(*v, o.at("match"));
      o.num("cookie", &m.cookie);
      o.num("priority", &m.priority);
      if (const Json* r = o.get("reason")) m.reason = to_enum(*r, o.at("reason"), kFlowRemovedReasons, 0xff);
      o.num("duration_sec", &m.duration_sec);
      o.num("duration_nsec", &m.duration_nsec);
      o.num("idle_timeout", &m.idle_timeout);
      o.num("packet_count", &m.packet_count);
      o.num("byte_count", &m.byte_count);
      out = m;
      break;
    }
    case of::MsgType::kPortStatus: {
      of::PortStatus m;
      if (const Json* r = o.get("reason")) m.reason = to_enum(*r, o.at("reason"), kPortReasons, 0xff);
      if (const Json* d = o.get("desc")) m.desc = to_phy_port(*d, o.at("desc"));
      out = m;
      break;
    }
    case of::MsgType::kPacketOut: {
      of::PacketOut m;
      if (const Json* b = o.get("buffer_id")) m.buffer_id = to_buffer(*b, o.at("buffer_id"));
      o.port("in_port", &m.in_port);
      if (const Json* a = o.get("actions")) m.actions = to_actions(*a, o.at("actions"));
      o.bytes("data", &m.data);
      out = m;
      break;
    }
    case of::MsgType::kFlowMod: {
      of::FlowMod m;
      if (const Json* c = o.get("command")) m.command = to_enum(*c, o.at("command"), kCommands, 0xffff);
      if (const Json* v = o.get("match")) m.match = to_match(*v, o.at("match"));
      o.num("cookie", &m.cookie);
      o.num("idle_timeout", &m.idle_timeout);
      o.num("hard_timeout", &m.hard_timeout);
      o.num("priority", &m.priority);
      if (const Json* b = o.get("buffer_id")) m.buffer_id = to_buffer(*b, o.at("buffer_id"));
      o.port("out_port", &m.out_port);
      o.bits16("flags", &m.flags, kFlowModFlagNames);
      if (const Json* a = o.get("actions")) m.actions = to_actions(*a, o.at("actions"));
      out = m;
      break;
    }
    case of::MsgType::kPortMod: {
      of::PortMod m;
      o.port("port_no", &m.port_no);
      o.mac("hw_addr", &m.hw_addr);
      o.bits("config", &m.config, kPortConfigNames);
      o.bits("mask", &m.mask, kPortConfigNames);
      o.bits("advertise", &m.advertise, kPortFeatureNames);
      out = m;
      break;
    }
    case of::MsgType::kStatsRequest:
    case of::MsgType::kStatsReply: {
      const Json* t = o.get("stats_type");
      if (t == nullptr) bad(path, "missing \"stats_type\"");
      const auto st = to_enum(*t, o.at("stats_type"), kStatsTypes, 0xffff);
      bool known = false;
      for (const auto& [e, n] : kStatsTypes) known |= e == st;
      if (!known) bad(o.at("stats_type"), "unknown stats type");
      const Json empty = Json::object();
      const Json* body = o.get("body");
      if (body == nullptr) body = &empty;
      if (type == of::MsgType::kStatsRequest) {
        of::StatsRequest m;
        o.num("flags", &m.flags);
        m.body = to_stats_request_body(st, *body, o.at("body"));
        out = m;
      } else {
        of::StatsReply m;
        o.bits16("flags", &m.flags, kStatsFlagNames);
        m.body = to_stats_reply_body(st, *body, o.at("body"));
        out = m;
      }
      break;
    }
    case of::MsgType::kBarrierRequest:
      out = of::BarrierRequest{};
      break;
    case of::MsgType::kBarrierReply:
      out = of::BarrierReply{};
      break;
    case of::MsgType::kQueueGetConfigRequest: {
      of::QueueGetConfigRequest m;
      o.port("port", &m.port);
      out = m;
      break;
    }
    case of::MsgType::kQueueGetConfigReply: {
      of::QueueGetConfigReply m;
      o.port("port", &m.port);
      m.queues = to_list(o, "queues", to_packet_queue);
      out = m;
      break;
    }
  }
  o.done();
  return out;
}

template <typename T, typename F>
ParseResult<T> guarded(F&& f) {
  try {
    return f();
  } catch (const JsonError& e) {
    return tl::unexpected(string(e.what()));
  } catch (const nlohmann::json::exception& e) {
    return tl::unexpected(string(e.what()));
  }
}

}  // namespace

Json port_to_json(uint16_t port) {
  for (const auto& [p, n] : kJsonPorts) {
    if (p == port) return n;
  }
  return port;
}

Json match_to_json(const of::Match& m) {
  const uint32_t w = m.wildcards;
  const FlowKey& k = m.key;
  Json j = Json::object();
  if (!(w & wc::kInPort)) j["in_port"] = port_to_json(k.in_port);
  if (!(w & wc::kDlVlan)) j["dl_vlan"] = k.dl_vlan;
  if (!(w & wc::kDlVlanPcp)) j["dl_vlan_pcp"] = k.dl_vlan_pcp;
  if (!(w & wc::kDlSrc)) j["dl_src"] = k.dl_src.to_string();
  if (!(w & wc::kDlDst)) j["dl_dst"] = k.dl_dst.to_string();
  if (!(w & wc::kDlType)) j["dl_type"] = k.dl_type;
  auto prefix = [](uint32_t v, int wild) {
    string s = Ipv4Addr{v}.to_string();
    if (wild > 0) s += fmt::format("/{}", 32 - wild);
    return s;
  };
  if (m.nw_src_wild_bits() < 32) j["nw_src"] = prefix(k.nw_src, m.nw_src_wild_bits());
  if (m.nw_dst_wild_bits() < 32) j["nw_dst"] = prefix(k.nw_dst, m.nw_dst_wild_bits());
  if (!(w & wc::kNwProto)) j["nw_proto"] = k.nw_proto;
  if (!(w & wc::kNwTos)) j["nw_tos"] = k.nw_tos;
  if (!(w & wc::kTpSrc)) j["tp_src"] = k.tp_src;
  if (!(w & wc::kTpDst)) j["tp_dst"] = k.tp_dst;
  return j;
}

ParseResult<of::Match> match_from_json(const Json& j) {
  return guarded<of::Match>([&] { return to_match(j, "match"); });
}

Json action_to_json(const of::Action& action) {
  struct V {
    Json operator()(const of::ActionOutput& a) const {
      return Json{{"type", "OUTPUT"}, {"port", port_to_json(a.port)}, {"max_len", a.max_len}};
    }
    Json operator()(const of::ActionSetVlanVid& a) const {
      return Json{{"type", "SET_VLAN_VID"}, {"vlan_vid", a.vlan_vid}};
    }
    Json operator()(const of::ActionSetVlanPcp& a) const {
      return Json{{"type", "SET_VLAN_PCP"}, {"vlan_pcp", a.vlan_pcp}};
    }
    Json operator()(const of::ActionStripVlan&) const { return Json{{"type", "STRIP_VLAN"}}; }
    Json operator()(const of::ActionSetDlSrc& a) const {
      return Json{{"type", "SET_DL_SRC"}, {"dl_addr", a.dl_addr.to_string()}};
    }
    Json operator()(const of::ActionSetDlDst& a) const {
      return Json{{"type", "SET_DL_DST"}, {"dl_addr", a.dl_addr.to_string()}};
    }
    Json operator()(const of::ActionSetNwSrc& a) const {
      return Json{{"type", "SET_NW_SRC"}, {"nw_addr", Ipv4Addr{a.nw_addr}.to_string()}};
    }
    Json operator()(const of::ActionSetNwDst& a) const {
      return Json{{"type", "SET_NW_DST"}, {"nw_addr", Ipv4Addr{a.nw_addr}.to_string()}};
    }
    Json operator()(const of::ActionSetNwTos& a) const {
      return Json{{"type", "SET_NW_TOS"}, {"nw_tos", a.nw_tos}};
    }
    Json operator()(const of::ActionSetTpSrc& a) const {
      return Json{{"type", "SET_TP_SRC"}, {"tp_port", a.tp_port}};
    }
    Json operator()(const of::ActionSetTpDst& a) const {
      return Json{{"type", "SET_TP_DST"}, {"tp_port", a.tp_port}};
    }
    Json operator()(const of::ActionEnqueue& a) const {
      return Json{{"type", "ENQUEUE"}, {"port", port_to_json(a.port)}, {"queue_id", a.queue_id}};
    }
    Json operator()(const of::ActionVendor& a) const {
      return Json{{"type", "VENDOR"}, {"vendor", a.vendor}, {"body", hex(a.body)}};
    }
  };
  return std::visit(V{}, action);
}

ParseResult<of::Action> action_from_json(const Json& j) {
  return guarded<of::Action>([&] { return to_action(j, "action"); });
}

Json actions_to_json(const of::ActionList& actions) {
  Json j = Json::array();
  for (const of::Action& a : actions) j.push_back(action_to_json(a));
  return j;
}

ParseResult<of::ActionList> actions_from_json(const Json& j) {
  return guarded<of::ActionList>([&] { return to_actions(j, "actions"); });
}

Json to_json(const of::Message& msg, uint32_t xid) {
  const string_view name = of::msg_type_name(static_cast<uint8_t>(msg.index()));
  return Json{{"type", name.substr(5)}, {"xid", xid}, {"msg", std::visit(MsgToJson{}, msg)}};
}

ParseResult<of::DecodedMessage> message_from_json(const Json& j) {
  return guarded<of::DecodedMessage>([&] {
    Obj o(j, "");
    const Json* t = o.get("type");
    if (t == nullptr) bad("", "missing \"type\"");
    const string& name = to_string(*t, "type");
    const auto type = of::msg_type_from_name(name);
    if (!type) bad("type", fmt::format("unknown message type \"{}\"", name));
    of::DecodedMessage out{of::Header{}, of::Message{}};
    o.num("xid", &out.header.xid);
    const Json empty = Json::object();
    const Json* body = o.get("msg");
    out.msg = to_message(*type, body ? *body : empty, "msg");
    o.done();
    out.header.type = *type;
    const size_t len = of::message_wire_len(out.msg);
    if (len > of::kMaxMsgLen) bad("msg", fmt::format("encodes to {} bytes, more than 65535", len));
    out.header.length = static_cast<uint16_t>(len);
    return out;
  });
}

ParseResult<of::DecodedMessage> message_from_json_text(std::string_view text) {
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return tl::unexpected(string("not valid JSON"));
  return message_from_json(j);
}

Json error_to_json(of::Ofperr e) {
  return Json{{"error", {{"type", of::ofperr_type_name(e)}, {"code", of::ofperr_code_name(e)}}}};
}

}  // namespace ofkit::text
