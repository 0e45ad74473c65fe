#pragma once
// FlowTable: the authoritative OpenFlow 1.0 flow table, on the control thread.
//
// It implements every flow_mod rule of the OF1.0 spec (section 4.6) and
// turns each accepted change into FlowChange records that the Datapath ships
// to the worker replicas through their rings:
//   ADD            identical match+priority replaces the entry (counters
//                  reset, no FLOW_REMOVED); CHECK_OVERLAP refuses a same-
//                  priority overlap (OFPFMFC_OVERLAP); more than `capacity`
//                  entries is OFPFMFC_ALL_TABLES_FULL.
//   MODIFY[_STRICT] swaps actions and cookie, keeping counters and timers;
//                  with nothing to modify it acts as ADD.
//   DELETE[_STRICT] with the out_port filter; FLOW_REMOVED (reason DELETE)
//                  for entries that asked with SEND_FLOW_REM.
//   EMERG          entries go to a separate emergency table (not forwarded on
//                  while a controller is connected); non-zero timeouts are
//                  OFPFMFC_BAD_EMERG_TIMEOUT.
// A match with no wildcard bits is an exact entry: priority 0xffff, and
// above every wildcard entry in lookups (kExactPriority).
//
// Flow ids ("slots") index the per-worker counter arrays. A removed slot is
// quarantined until every worker has applied the removal (reclaim(epoch)),
// so no worker ever counts a packet of an old flow into a new one.

#include <cstdint>
#include <functional>
#include <optional>
#include <unordered_map>
#include <vector>

#include "datapath/actions.h"
#include "datapath/datapath.h"
#include "oflib/wire/match.h"

namespace ofkit::dp {

struct FlowCounts {
  uint64_t packets = 0;
  uint64_t bytes = 0;
  uint64_t last_used_ns = 0;  // 0: never
};
// Sums a flow's counters over every worker (and the control thread).
using FlowCounterReader = std::function<FlowCounts(uint32_t flow_id)>;

struct FlowChange {
  enum class Kind : uint8_t { kAdd, kRemove, kModify };
  Kind kind = Kind::kAdd;
  uint32_t flow_id = 0;
  uint32_t priority = 0;  // effective
  FlowKey key;            // masked
  FlowKey mask;
  ActionProgramPtr actions;
};

struct FlowEntry {
  uint32_t id = 0;
  of::Match match;        // normalized
  uint16_t priority = 0;  // as reported (0xffff for exact entries)
  bool exact = false;
  bool emergency = false;
  uint64_t cookie = 0;
  uint16_t idle_timeout = 0;
  uint16_t hard_timeout = 0;
  uint16_t flags = 0;
  of::ActionList actions;
  ActionProgramPtr program;
  uint64_t created_ns = 0;
  uint32_t effective_priority() const { return exact ? 0x10000u : priority; }
};

class FlowTable {
 public:
  FlowTable(size_t capacity, size_t emergency_capacity, uint16_t n_ports);

  // Applies one flow_mod at time `now_ns`. Accepted changes are appended to
  // *changes, FLOW_REMOVED events to *removed; `epoch` tags freed slots for
  // reclaim(). On error nothing changed. *applied_to receives the entry a
  // buffered packet should run through (ADD/MODIFY), if any.
  of::Result<void> apply(const FlowModRequest& fm, uint64_t now_ns, uint64_t epoch,
                         const FlowCounterReader& counts, std::vector<FlowChange>* changes,
                         std::vector<FlowRemovedEvent>* removed, const FlowEntry** applied_to = nullptr);

  // Removes entries whose hard or idle timeout passed.
  void expire(uint64_t now_ns, uint64_t epoch, const FlowCounterReader& counts,
              std::vector<FlowChange>* changes, std::vector<FlowRemovedEvent>* removed);

  // OF1.0 emergency mode (the controller connection was lost): every normal
  // entry is removed (no FLOW_REMOVED: nobody to tell) and every emergency
  // entry is installed as a normal one, without timeouts. The emergency
  // table keeps its entries. Returns the number installed.
  size_t enter_emergency(uint64_t now_ns, uint64_t epoch, const FlowCounterReader& counts,
                         std::vector<FlowChange>* changes, std::vector<FlowRemovedEvent>* removed);

  // Returns slots freed at epochs <= reached to the free list; `reset` is
  // called for each so the caller can zero the slot's counters.
  void reclaim(uint64_t reached, const std::function<void(uint32_t)>& reset);

  // Entries a stats request selects (non-strict match, out_port filter).
  std::vector<const FlowEntry*> select(const of::Match& match, uint16_t out_port) const;

  const FlowEntry* entry(uint32_t id) const;
  size_t size() const { return by_key_.size(); }
  size_t emergency_size() const { return emergency_.size(); }
  size_t capacity() const { return capacity_; }
  size_t slot_count() const { return slots_.size(); }
  void set_n_ports(uint16_t n) { n_ports_ = n; }

 private:
  struct MatchKey {
    of::Match match;
    uint16_t priority;
    friend bool operator==(const MatchKey& a, const MatchKey& b) {
      return a.priority == b.priority && a.match == b.match;
    }
  };
  struct MatchKeyHash {
    size_t operator()(const MatchKey& k) const;
  };

  of::Result<void> add(const FlowModRequest& fm, const of::Match& match, uint16_t priority, bool exact,
                       ActionProgramPtr program, uint64_t now_ns, uint64_t epoch,
                       std::vector<FlowChange>* changes, const FlowEntry** applied_to);
  of::Result<void> add_emergency(const FlowModRequest& fm, const of::Match& match, uint16_t priority,
                                 bool exact, ActionProgramPtr program);
  void remove(uint32_t id, of::FlowRemovedReason reason, uint64_t now_ns, uint64_t epoch,
              const FlowCounterReader& counts, bool notify, std::vector<FlowChange>* changes,
              std::vector<FlowRemovedEvent>* removed);

  size_t capacity_;
  size_t emergency_capacity_;
  uint16_t n_ports_;
  std::vector<std::optional<FlowEntry>> slots_;
  std::vector<uint32_t> free_;
  std::vector<std::pair<uint64_t, uint32_t>> quarantine_;  // (epoch, slot)
  std::unordered_map<MatchKey, uint32_t, MatchKeyHash> by_key_;
  std::vector<FlowEntry> emergency_;
};

}  // namespace ofkit::dp
