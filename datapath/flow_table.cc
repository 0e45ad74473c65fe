#include "datapath/flow_table.h"

#include <algorithm>

#include "datapath/classifier.h"
#include "datapath/flow_match.h"

namespace ofkit::dp {
namespace {

constexpr uint64_t kNsPerSec = 1'000'000'000;

FlowChange make_change(FlowChange::Kind kind, const FlowEntry& e) {
  FlowChange c;
  c.kind = kind;
  c.flow_id = e.id;
  c.priority = e.effective_priority();
  c.mask = of::match_mask(e.match);
  c.key = mask_key(e.match.key, c.mask);
  c.actions = e.program;
  return c;
}

}  // namespace

size_t FlowTable::MatchKeyHash::operator()(const MatchKey& k) const {
  return hash_key(k.match.key) ^ (size_t{k.match.wildcards} * 0x9E3779B1u) ^ (size_t{k.priority} << 40);
}

FlowTable::FlowTable(size_t capacity, size_t emergency_capacity, uint16_t n_ports)
    : capacity_(capacity), emergency_capacity_(emergency_capacity), n_ports_(n_ports) {
  // Twice the capacity so that quarantined slots never make a table that is
  // below capacity look full.
  const size_t n = capacity * 2 + 16;
  slots_.resize(n);
  free_.reserve(n);
  for (size_t i = n; i-- > 0;) free_.push_back(static_cast<uint32_t>(i));
}

const FlowEntry* FlowTable::entry(uint32_t id) const {
  if (id >= slots_.size() || !slots_[id]) return nullptr;
  return &*slots_[id];
}

of::Result<void> FlowTable::apply(const FlowModRequest& fm, uint64_t now_ns, uint64_t epoch,
                                  const FlowCounterReader& counts, std::vector<FlowChange>* changes,
                                  std::vector<FlowRemovedEvent>* removed, const FlowEntry** applied_to) {
  using Cmd = of::FlowModCommand;
  if (applied_to) *applied_to = nullptr;
  const bool exact = is_exact_match(fm.match);
  const uint16_t priority = exact ? 0xffff : fm.priority;
  const of::Match match = of::normalize_match(fm.match);
  const bool emerg = (fm.flags & of::flow_mod_flags::kEmerg) != 0;

  switch (fm.command) {
    case Cmd::kAdd:
    case Cmd::kModify:
    case Cmd::kModifyStrict: {
      auto program = compile_actions(fm.actions, n_ports_, /*allow_table=*/false);
      if (!program) return of::fail(program.error());
      if (emerg) {
        if (fm.command == Cmd::kAdd) return add_emergency(fm, match, priority, exact, *program);
        // Modify on the emergency table: swap actions where selected.
        bool any = false;
        for (FlowEntry& e : emergency_) {
          const bool sel = fm.command == Cmd::kModify ? of::match_subsumes(match, e.match)
                                                      : (e.match == match && e.priority == priority);
          if (!sel) continue;
          e.actions = fm.actions;
          e.program = *program;
          e.cookie = fm.cookie;
          any = true;
        }
        if (any) return {};
        return add_emergency(fm, match, priority, exact, *program);
      }
      if (fm.command == Cmd::kAdd) {
        return add(fm, match, priority, exact, *program, now_ns, epoch, changes, applied_to);
      }
      std::vector<uint32_t> selected;
      if (fm.command == Cmd::kModifyStrict) {
        auto it = by_key_.find(MatchKey{match, priority});
        if (it != by_key_.end()) selected.push_back(it->second);
      } else {
        for (const auto& [k, id] : by_key_) {
          if (of::match_subsumes(match, slots_[id]->match)) selected.push_back(id);
        }
      }
      if (selected.empty()) {
        return add(fm, match, priority, exact, *program, now_ns, epoch, changes, applied_to);
      }
      std::sort(selected.begin(), selected.end());
      for (uint32_t id : selected) {
        FlowEntry& e = *slots_[id];
        e.actions = fm.actions;
        e.program = *program;
        e.cookie = fm.cookie;
        changes->push_back(make_change(FlowChange::Kind::kModify, e));
        if (applied_to && !*applied_to) *applied_to = &e;
      }
      return {};
    }
    case Cmd::kDelete:
    case Cmd::kDeleteStrict: {
      auto outputs_ok = [&](const FlowEntry& e) {
        return fm.out_port == of::port::kNone || actions_output_to(e.actions, fm.out_port);
      };
      if (emerg) {
        std::erase_if(emergency_, [&](const FlowEntry& e) {
          const bool sel = fm.command == Cmd::kDelete ? of::match_subsumes(match, e.match)
                                                      : (e.match == match && e.priority == priority);
          return sel && outputs_ok(e);
        });
        return {};
      }
      std::vector<uint32_t> selected;
      if (fm.command == Cmd::kDeleteStrict) {
        auto it = by_key_.find(MatchKey{match, priority});
        if (it != by_key_.end() && outputs_ok(*slots_[it->second])) selected.push_back(it->second);
      } else {
        for (const auto& [k, id] : by_key_) {
          const FlowEntry& e = *slots_[id];
          if (of::match_subsumes(match, e.match) && outputs_ok(e)) selected.push_back(id);
        }
      }
      std::sort(selected.begin(), selected.end());
      for (uint32_t id : selected) {
        remove(id, of::FlowRemovedReason::kDelete, now_ns, epoch, counts, true, changes, removed);
      }
      return {};
    }
  }
  return of::fail(of::Ofperr::kFlowModFailedBadCommand);
}

of::Result<void> FlowTable::add(const FlowModRequest& fm, const of::Match& match, uint16_t priority,
                                bool exact, ActionProgramPtr program, uint64_t now_ns, uint64_t epoch,
                                std::vector<FlowChange>* changes, const FlowEntry** applied_to) {
  auto existing = by_key_.find(MatchKey{match, priority});
  if (fm.flags & of::flow_mod_flags::kCheckOverlap) {
    const uint32_t eff = exact ? 0x10000u : priority;
    for (const auto& [k, id] : by_key_) {
      const FlowEntry& e = *slots_[id];
      if (e.effective_priority() == eff && matches_overlap(e.match, match)) {
        return of::fail(of::Ofperr::kFlowModFailedOverlap);
      }
    }
  }
  if (existing == by_key_.end()) {
    if (by_key_.size() >= capacity_ || free_.empty())
      return of::fail(of::Ofperr::kFlowModFailedAllTablesFull);
  } else {
    // Identical match and priority: the old entry and its counters go, silently.
    // The old id stays quarantined until every worker has applied the removal,
    // so the new entry needs a free id of its own: check before changing
    // anything, or a failed replace would drop the queued kRemove and leave
    // the workers forwarding on a flow the table no longer has.
    if (free_.empty()) return of::fail(of::Ofperr::kFlowModFailedAllTablesFull);
    const uint32_t old = existing->second;
    changes->push_back(make_change(FlowChange::Kind::kRemove, *slots_[old]));
    slots_[old].reset();
    by_key_.erase(existing);
    quarantine_.emplace_back(epoch, old);
  }
  const uint32_t id = free_.back();
  free_.pop_back();
  FlowEntry e;
  e.id = id;
  e.match = match;
  e.priority = priority;
  e.exact = exact;
  e.cookie = fm.cookie;
  e.idle_timeout = fm.idle_timeout;
  e.hard_timeout = fm.hard_timeout;
  e.flags = fm.flags & of::flow_mod_flags::kSendFlowRem;
  e.actions = fm.actions;
  e.program = std::move(program);
  e.created_ns = now_ns;
  slots_[id] = std::move(e);
  by_key_.emplace(MatchKey{match, priority}, id);
  changes->push_back(make_change(FlowChange::Kind::kAdd, *slots_[id]));
  if (applied_to) *applied_to = &*slots_[id];
  return {};
}

size_t FlowTable::enter_emergency(uint64_t now_ns, uint64_t epoch, const FlowCounterReader& counts,
                                  std::vector<FlowChange>* changes, std::vector<FlowRemovedEvent>* removed) {
  std::vector<uint32_t> ids;
  for (const auto& [k, id] : by_key_) ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  for (uint32_t id : ids)
    remove(id, of::FlowRemovedReason::kDelete, now_ns, epoch, counts, false, changes, removed);
  size_t installed = 0;
  for (const FlowEntry& em : emergency_) {
    FlowModRequest fm;
    fm.cookie = em.cookie;
    fm.actions = em.actions;
    if (add(fm, em.match, em.priority, em.exact, em.program, now_ns, epoch, changes, nullptr)) ++installed;
  }
  return installed;
}

of::Result<void> FlowTable::add_emergency(const FlowModRequest& fm, const of::Match& match, uint16_t priority,
                                          bool exact, ActionProgramPtr program) {
  if (fm.idle_timeout != 0 || fm.hard_timeout != 0)
    return of::fail(of::Ofperr::kFlowModFailedBadEmergTimeout);
  FlowEntry e;
  e.match = match;
  e.priority = priority;
  e.exact = exact;
  e.emergency = true;
  e.cookie = fm.cookie;
  e.flags = fm.flags;
  e.actions = fm.actions;
  e.program = std::move(program);
  if (fm.flags & of::flow_mod_flags::kCheckOverlap) {
    for (const FlowEntry& o : emergency_) {
      if (o.effective_priority() == e.effective_priority() && matches_overlap(o.match, match)) {
        return of::fail(of::Ofperr::kFlowModFailedOverlap);
      }
    }
  }
  for (FlowEntry& o : emergency_) {
    if (o.match == match && o.priority == priority) {
      o = std::move(e);
      return {};
    }
  }
  if (emergency_.size() >= emergency_capacity_) return of::fail(of::Ofperr::kFlowModFailedAllTablesFull);
  emergency_.push_back(std::move(e));
  return {};
}

void FlowTable::remove(uint32_t id, of::FlowRemovedReason reason, uint64_t now_ns, uint64_t epoch,
                       const FlowCounterReader& counts, bool notify, std::vector<FlowChange>* changes,
                       std::vector<FlowRemovedEvent>* removed) {
  FlowEntry& e = *slots_[id];
  if (notify && (e.flags & of::flow_mod_flags::kSendFlowRem) && removed) {
    const FlowCounts c = counts ? counts(id) : FlowCounts{};
    FlowRemovedEvent ev;
    ev.match = e.match;
    ev.cookie = e.cookie;
    ev.priority = e.priority;
    ev.reason = reason;
    const uint64_t d = now_ns > e.created_ns ? now_ns - e.created_ns : 0;
    ev.duration_sec = static_cast<uint32_t>(d / kNsPerSec);
    ev.duration_nsec = static_cast<uint32_t>(d % kNsPerSec);
    ev.idle_timeout = e.idle_timeout;
    ev.packet_count = c.packets;
    ev.byte_count = c.bytes;
    removed->push_back(std::move(ev));
  }
  changes->push_back(make_change(FlowChange::Kind::kRemove, e));
  by_key_.erase(MatchKey{e.match, e.priority});
  slots_[id].reset();
  quarantine_.emplace_back(epoch, id);
}

void FlowTable::expire(uint64_t now_ns, uint64_t epoch, const FlowCounterReader& counts,
                       std::vector<FlowChange>* changes, std::vector<FlowRemovedEvent>* removed) {
  std::vector<std::pair<uint32_t, of::FlowRemovedReason>> dead;
  for (const auto& [k, id] : by_key_) {
    const FlowEntry& e = *slots_[id];
    if (e.hard_timeout && now_ns >= e.created_ns + e.hard_timeout * kNsPerSec) {
      dead.emplace_back(id, of::FlowRemovedReason::kHardTimeout);
      continue;
    }
    if (e.idle_timeout) {
      const FlowCounts c = counts ? counts(id) : FlowCounts{};
      const uint64_t last = std::max(e.created_ns, c.last_used_ns);
      if (now_ns >= last + e.idle_timeout * kNsPerSec)
        dead.emplace_back(id, of::FlowRemovedReason::kIdleTimeout);
    }
  }
  std::sort(dead.begin(), dead.end());
  for (const auto& [id, reason] : dead) remove(id, reason, now_ns, epoch, counts, true, changes, removed);
}

void FlowTable::reclaim(uint64_t reached, const std::function<void(uint32_t)>& reset) {
  std::erase_if(quarantine_, [&](const std::pair<uint64_t, uint32_t>& q) {
    if (q.first > reached) return false;
    if (reset) reset(q.second);
    free_.push_back(q.second);
    return true;
  });
}

std::vector<const FlowEntry*> FlowTable::select(const of::Match& raw, uint16_t out_port) const {
  const of::Match match = of::normalize_match(raw);
  std::vector<const FlowEntry*> out;
  for (const auto& [k, id] : by_key_) {
    const FlowEntry& e = *slots_[id];
    if (!of::match_subsumes(match, e.match)) continue;
    if (out_port != of::port::kNone && !actions_output_to(e.actions, out_port)) continue;
    out.push_back(&e);
  }
  std::sort(out.begin(), out.end(), [](const FlowEntry* a, const FlowEntry* b) {
    if (a->effective_priority() != b->effective_priority())
      return a->effective_priority() > b->effective_priority();
    return a->id < b->id;
  });
  return out;
}

}  // namespace ofkit::dp
