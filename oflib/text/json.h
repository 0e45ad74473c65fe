#pragma once
// Every OpenFlow 1.0 message as JSON, both ways (nlohmann::json), for the
// controller's messenger and for tools:
//
//   {"type":"FLOW_MOD","xid":7,"msg":{"command":"ADD","match":{"dl_type":2048,"nw_proto":6,"tp_dst":80},
//    "cookie":0,"idle_timeout":0,"hard_timeout":0,"priority":100,"buffer_id":"NO_BUFFER",
//    "out_port":"NONE","flags":["SEND_FLOW_REM"],"actions":[{"type":"OUTPUT","port":"FLOOD","max_len":0}]}}
//
// Conventions:
//  - "type" is the OFPT name without its prefix; stats messages carry
//    "stats_type" ("FLOW") and the stats body in "body".
//  - Constants are strings: reserved ports ("FLOOD", "CONTROLLER", "NONE"),
//    buffer_id "NO_BUFFER", commands ("ADD", "MODIFY_STRICT"), reasons
//    ("NO_MATCH", "IDLE_TIMEOUT"), error types and codes ("OFPET_BAD_REQUEST",
//    "OFPBRC_BAD_LEN"); bitmaps are arrays of names (["SEND_FLOW_REM"]), with
//    any bit that has no name as a number. Other ports and values are numbers.
//  - A match is an object holding only the fields it matches, named as in
//    the flow syntax: {"in_port":1,"dl_src":"00:00:00:00:00:01","nw_src":"10.0.0.0/8"}.
//    {} matches everything. Decoding also accepts every flow-syntax alias and
//    shorthand ({"tcp":null} or {"tcp":true}) and numbers given as strings.
//  - Byte strings (packet data, echo payload, vendor bodies) are hex strings.
//
// Decoding validates: unknown fields, wrong JSON types, values out of range
// and unknown names are errors naming the path ("msg.actions[1].port: ...").
// Missing fields take the value type's defaults, so {"type":"BARRIER_REQUEST"}
// and {"type":"FLOW_MOD","msg":{"actions":[{"type":"OUTPUT","port":2}]}} are
// complete messages.

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "oflib/text/flow_syntax.h"
#include "oflib/wire/errors.h"
#include "oflib/wire/message.h"

namespace ofkit::text {

// Keys keep their insertion order, so output reads {"type", "xid", "msg"}.
using Json = nlohmann::ordered_json;

Json to_json(const of::Message& msg, uint32_t xid);
inline Json to_json(const of::DecodedMessage& m) { return to_json(m.msg, m.header.xid); }
// A message as JSON, or its error: {"type":"FLOW_MOD","xid":7,"msg":{...}}.
ParseResult<of::DecodedMessage> message_from_json(const Json& j);
// Parses text first; errors name JSON syntax problems too.
ParseResult<of::DecodedMessage> message_from_json_text(std::string_view text);

// {"error":{"type":"OFPET_BAD_REQUEST","code":"OFPBRC_BAD_LEN"}}: what ofprint
// prints for a message that does not decode.
Json error_to_json(of::Ofperr e);

// The pieces, for callers that speak about flows without whole messages.
Json match_to_json(const of::Match& m);
ParseResult<of::Match> match_from_json(const Json& j);
Json action_to_json(const of::Action& a);
ParseResult<of::Action> action_from_json(const Json& j);
Json actions_to_json(const of::ActionList& actions);
ParseResult<of::ActionList> actions_from_json(const Json& j);
// "FLOOD", "NONE" … for reserved ports, else the number.
Json port_to_json(uint16_t port);

}  // namespace ofkit::text
