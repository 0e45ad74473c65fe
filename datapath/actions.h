#pragma once
// A flow's OF1.0 action list compiled for the datapath: validated once on the
// control thread (OFPBAC_* errors), then executed per packet by action_exec.
// Programs are immutable and shared (shared_ptr) between the control table
// and every worker replica; only control-path updates copy the pointer.

#include <cstdint>
#include <memory>
#include <vector>

#include "oflib/packet/addr.h"
#include "oflib/wire/action.h"
#include "oflib/wire/errors.h"

namespace ofkit::dp {

struct ActionOp {
  of::ActionType type = of::ActionType::kOutput;
  uint16_t port = 0;     // OUTPUT / ENQUEUE port
  uint16_t max_len = 0;  // OUTPUT to CONTROLLER
  uint16_t u16 = 0;      // VLAN vid, TP port
  uint8_t u8 = 0;        // VLAN pcp, NW tos
  uint32_t u32 = 0;      // NW addr
  MacAddr mac;           // DL addr
};

struct ActionProgram {
  std::vector<ActionOp> ops;
  int last_output = -1;   // index of the last OUTPUT/ENQUEUE (the original packet goes there)
  bool modifies = false;  // any set-field/VLAN action
};
using ActionProgramPtr = std::shared_ptr<const ActionProgram>;

// Validates and compiles. `n_ports` physical ports exist (1..n_ports).
// Errors: OFPBAC_BAD_OUT_PORT (port 0, unknown port, OFPP_NONE, OFPP_TABLE
// unless allow_table), OFPBAC_BAD_ARGUMENT (vid > 4095, pcp > 7),
// OFPBAC_BAD_QUEUE (queue id other than 0), OFPBAC_BAD_VENDOR (vendor actions).
of::Result<ActionProgramPtr> compile_actions(const of::ActionList& actions, uint16_t n_ports,
                                             bool allow_table);

// True if the list outputs to `port` (OFPFC_DELETE's and flow stats' out_port filter).
bool actions_output_to(const of::ActionList& actions, uint16_t port);

}  // namespace ofkit::dp
