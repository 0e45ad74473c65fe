#pragma once
// The "of" service: OpenFlow from the messenger.
//
//   of.list_switches                         switches with features and ports
//   of.dump_flows   {"dpid":1,"flow":"in_port=1"}        ovs-ofctl text + JSON
//   of.add_flow     {"dpid":1,"flow":"priority=10,in_port=1,actions=output:2"}
//   of.modify_flows {"dpid":1,"flow":"in_port=1,actions=output:3","strict":false}
//   of.delete_flows {"dpid":1,"flow":"in_port=1","strict":false}   (no flow: all)
//   of.packet_out   {"dpid":1,"actions":"output:2","data":"ffff...","in_port":"CONTROLLER"}
//   of.stats        {"dpid":1,"type":"desc|flow|aggregate|table|port|queue","port":1,"flow":"..."}
//
// A flow is ovs-ofctl syntax (a string) or JSON: {"match":{"in_port":1} or
// "in_port=1","actions":[{"type":"OUTPUT","port":2}] or "output:2",
// "priority":10,"idle_timeout":0,"hard_timeout":0,"cookie":0,"out_port":"NONE"}.
// Without "flow", the request's other keys are flow fields ({"dpid":1,
// "in_port":1,"actions":"output:2"}) and "arg" (ofctl-msg's positional
// text) is flow text: ofctl-msg of.add_flow dpid=1 in_port=1,actions=output:2.
// A dpid is a number,
// "0x..", 16 hex digits or "00:00:..:a1". Flow changes are followed by a
// BARRIER; the reply comes after it, or an error when the switch answered
// the FLOW_MOD with OFPT_ERROR.

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include "oflib/text/flow_syntax.h"

namespace ofkit::ctl {
class Runtime;
class ServiceDirectory;
}  // namespace ofkit::ctl

namespace ofkit::ctl::msg {

void register_of_service(Runtime& runtime);
void unregister_of_service(ServiceDirectory& services);

// Exposed for tests.
tl::expected<uint64_t, std::string> parse_dpid(const nlohmann::json& j);
std::string dpid_text(uint64_t dpid);  // 16 hex digits, as ovs-ofctl shows it
// The flow of a request (see above); `require_actions` as text::parse_flow.
// A request without any flow is the all-wildcard match when !require_actions.
tl::expected<text::FlowSpec, std::string> flow_from_request(const nlohmann::json& req, bool require_actions);

}  // namespace ofkit::ctl::msg
