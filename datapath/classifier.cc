#include "datapath/classifier.h"

#include <algorithm>
#include <cassert>

namespace ofkit::dp {

Subtable::Subtable(const FlowKey& mask) : mask_(mask), slots_(16), cap_mask_(15) {}

size_t Subtable::find_slot(const FlowKey& masked, uint32_t h) const {
  for (size_t i = h & cap_mask_;; i = (i + 1) & cap_mask_) {
    const Slot& s = slots_[i];
    if (s.head == nullptr || (s.hash == h && key_equal(s.head->key, masked))) return i;
  }
}

void Subtable::grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.size() * 2, Slot{});
  cap_mask_ = slots_.size() - 1;
  for (const Slot& s : old) {
    if (!s.head) continue;
    size_t i = s.hash & cap_mask_;
    while (slots_[i].head) i = (i + 1) & cap_mask_;
    slots_[i] = s;
  }
}

void Subtable::insert(Rule* r) {
  if ((n_keys_ + 1) * 2 > slots_.size()) grow();
  const uint32_t h = hash_key(r->key);
  const size_t i = find_slot(r->key, h);
  Slot& s = slots_[i];
  if (!s.head) {
    s.hash = h;
    s.head = r;
    r->next = nullptr;
    ++n_keys_;
  } else {
    Rule** pp = &s.head;
    while (*pp && (*pp)->priority >= r->priority) pp = &(*pp)->next;
    r->next = *pp;
    *pp = r;
  }
  ++n_rules_;
  ++priorities_[r->priority];
  max_priority_ = priorities_.rbegin()->first;
}

// Backward-shift deletion keeps linear probing chains intact.
void Subtable::erase_slot(size_t i) {
  size_t j = i;
  for (;;) {
    j = (j + 1) & cap_mask_;
    if (!slots_[j].head) break;
    const size_t home = slots_[j].hash & cap_mask_;
    // Move j back to i if its home is not cyclically in (i, j].
    const bool in_range = (i <= j) ? (home > i && home <= j) : (home > i || home <= j);
    if (!in_range) {
      slots_[i] = slots_[j];
      i = j;
    }
  }
  slots_[i] = Slot{};
}

void Subtable::remove(Rule* r) {
  const uint32_t h = hash_key(r->key);
  const size_t i = find_slot(r->key, h);
  Slot& s = slots_[i];
  assert(s.head);
  Rule** pp = &s.head;
  while (*pp && *pp != r) pp = &(*pp)->next;
  if (!*pp) return;
  *pp = r->next;
  r->next = nullptr;
  if (!s.head) {
    erase_slot(i);
    --n_keys_;
  }
  --n_rules_;
  auto it = priorities_.find(r->priority);
  if (--it->second == 0) priorities_.erase(it);
  max_priority_ = priorities_.empty() ? 0 : priorities_.rbegin()->first;
}

const Rule* Classifier::insert(const FlowKey& masked_key, const FlowKey& mask, uint32_t priority,
                               uint32_t flow_id, ActionProgramPtr actions) {
  if (rules_.count(flow_id)) return nullptr;
  Rule* rule;
  if (free_rules_.empty()) {
    storage_.push_back(std::make_unique<Rule>());
    rule = storage_.back().get();
  } else {
    rule = free_rules_.back();
    free_rules_.pop_back();
  }
  rule->key = masked_key;
  rule->mask = mask;
  rule->priority = priority;
  rule->flow_id = flow_id;
  rule->actions = std::move(actions);
  rule->next = nullptr;
  rule->seq = next_seq_++;
  Subtable* st = nullptr;
  for (auto& s : subtables_) {
    if (key_equal(s->mask(), mask)) {
      st = s.get();
      break;
    }
  }
  if (!st) {
    subtables_.push_back(std::make_unique<Subtable>(mask));
    st = subtables_.back().get();
  }
  st->insert(rule);
  rules_[flow_id] = rule;
  ++generation_;
  resort();
  return rule;
}

void Classifier::release(Rule* r) {
  r->seq = 0;  // cached (rule, seq) pairs no longer validate
  r->actions.reset();
  r->next = nullptr;
  free_rules_.push_back(r);
}

bool Classifier::remove(uint32_t flow_id) {
  auto it = rules_.find(flow_id);
  if (it == rules_.end()) return false;
  Rule* r = it->second;
  for (size_t i = 0; i < subtables_.size(); ++i) {
    Subtable* st = subtables_[i].get();
    if (!key_equal(st->mask(), r->mask)) continue;
    st->remove(r);
    if (st->size() == 0) subtables_.erase(subtables_.begin() + static_cast<ptrdiff_t>(i));
    break;
  }
  rules_.erase(it);
  release(r);
  ++generation_;
  resort();
  return true;
}

bool Classifier::set_actions(uint32_t flow_id, ActionProgramPtr actions) {
  auto it = rules_.find(flow_id);
  if (it == rules_.end()) return false;
  it->second->actions = std::move(actions);
  return true;
}

const Rule* Classifier::rule(uint32_t flow_id) const {
  auto it = rules_.find(flow_id);
  return it == rules_.end() ? nullptr : it->second;
}

void Classifier::clear() {
  order_.clear();
  subtables_.clear();
  for (auto& kv : rules_) release(kv.second);
  rules_.clear();
  ++generation_;
}

void Classifier::resort() {
  order_.clear();
  for (auto& s : subtables_) order_.push_back(s.get());
  std::stable_sort(order_.begin(), order_.end(), [](const Subtable* a, const Subtable* b) {
    return a->max_priority() > b->max_priority();
  });
}

}  // namespace ofkit::dp
