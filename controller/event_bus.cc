#include "controller/event_bus.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>
#include <exception>

namespace ofkit::ctl {

namespace detail {
uint32_t next_event_type_id() {
  static std::atomic<uint32_t> next{0};
  return next.fetch_add(1, std::memory_order_relaxed);
}
}  // namespace detail

void EventBus::insert_sorted(Table& t, Listener l) {
  auto pos = std::find_if(t.listeners.begin(), t.listeners.end(),
                          [&](const Listener& o) { return o.priority < l.priority; });
  t.listeners.insert(pos, std::move(l));
  ++t.live;
}

ListenerId EventBus::add(uint32_t type, const char*, std::function<EventAction(void*)> fn,
                         ListenOptions opts) {
  const ListenerId id = next_id_++;
  if (listener_types_.size() <= id) listener_types_.resize(id + 1, UINT32_MAX);
  listener_types_[id] = type;
  if (tables_.size() <= type) tables_.resize(type + 1);
  Listener l{id, opts.priority, opts.once, false, std::move(opts.owner), std::move(fn)};
  if (depth_ > 0) {
    pending_adds_.emplace_back(type, std::move(l));
  } else {
    insert_sorted(tables_[type], std::move(l));
  }
  return id;
}

void EventBus::kill(Table& t, Listener& l) {
  if (l.dead) return;
  l.dead = true;
  --t.live;
  t.needs_compaction = true;
  dirty_ = true;
}

bool EventBus::remove(ListenerId id) {
  if (id >= listener_types_.size() || listener_types_[id] == UINT32_MAX) return false;
  const uint32_t type = listener_types_[id];
  listener_types_[id] = UINT32_MAX;
  for (auto it = pending_adds_.begin(); it != pending_adds_.end(); ++it) {
    if (it->second.id == id) {
      pending_adds_.erase(it);
      return true;
    }
  }
  Table& t = tables_[type];
  for (Listener& l : t.listeners) {
    if (l.id == id) {
      kill(t, l);
      if (depth_ == 0) settle();
      return true;
    }
  }
  return false;
}

void EventBus::settle() {
  dirty_ = false;
  for (Table& t : tables_) {
    if (!t.needs_compaction) continue;
    std::erase_if(t.listeners, [](const Listener& l) { return l.dead; });
    t.needs_compaction = false;
  }
  auto adds = std::move(pending_adds_);
  pending_adds_.clear();
  for (auto& [type, l] : adds) insert_sorted(tables_[type], std::move(l));
}

bool EventBus::dispatch(uint32_t type, const char* name, void* event) {
  ++depth_;
  bool halted = false;
  // Index loop: pending adds never touch this vector while depth_ > 0.
  const size_t n = tables_[type].listeners.size();
  for (size_t i = 0; i < n && !halted; ++i) {
    Listener& l = tables_[type].listeners[i];
    if (l.dead) continue;
    EventAction action = EventAction::kContinue;
    try {
      action = l.fn(event);
    } catch (const std::exception& ex) {
      ++handler_exceptions_;
      spdlog::error("app '{}' handler for {} threw: {}", l.owner.empty() ? "?" : l.owner, name, ex.what());
      if (fatal_exceptions_) std::abort();
    } catch (...) {
      ++handler_exceptions_;
      spdlog::error("app '{}' handler for {} threw a non-standard exception", l.owner.empty() ? "?" : l.owner,
                    name);
      if (fatal_exceptions_) std::abort();
    }
    Listener& after = tables_[type].listeners[i];  // same element: vector not resized during dispatch
    const bool remove_me = l.once || action == EventAction::kRemove || action == EventAction::kHaltAndRemove;
    if (remove_me && !after.dead) {
      listener_types_[after.id] = UINT32_MAX;
      kill(tables_[type], after);
    }
    halted = action == EventAction::kHalt || action == EventAction::kHaltAndRemove;
  }
  if (--depth_ == 0 && (!pending_adds_.empty() || dirty_)) settle();
  return halted;
}

}  // namespace ofkit::ctl
