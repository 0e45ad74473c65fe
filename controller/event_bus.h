#pragma once
// Typed publish/subscribe for one shard (POX's revent, made type-safe).
//
// Any struct with a `static constexpr const char* kName` is an event type:
// the built-in OpenFlow events (events.h) and app-defined ones alike.
// Listeners are kept per type, ordered by priority (higher first) and, for
// equal priority, by registration order. A handler returns an EventAction
// (or void, meaning kContinue): kHalt stops the event reaching lower
// listeners, kRemove unregisters the handler, kHaltAndRemove both. A `once`
// listener is removed after its first call. Listeners added or removed while
// an event is being dispatched take effect for the next event.
//
// A handler that throws is logged with its owner (the app) and the event
// name, and the event goes on to the next listener; with fatal exceptions
// enabled the process aborts instead (--fatal-exceptions).
//
// Not thread-safe: a bus belongs to one shard's thread.

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace ofkit::ctl {

enum class EventAction : uint8_t { kContinue = 0, kHalt = 1, kRemove = 2, kHaltAndRemove = 3 };

struct ListenOptions {
  int priority = 0;
  bool once = false;
  std::string owner;  // the app, for logs
};

using ListenerId = uint64_t;

namespace detail {
uint32_t next_event_type_id();
}  // namespace detail

// Dense, process-wide id for an event type.
template <typename E>
uint32_t event_type_id() {
  static const uint32_t id = detail::next_event_type_id();
  return id;
}

class EventBus {
 public:
  EventBus() = default;
  EventBus(const EventBus&) = delete;
  EventBus& operator=(const EventBus&) = delete;

  void set_fatal_exceptions(bool on) { fatal_exceptions_ = on; }
  // Number of handler exceptions caught so far.
  uint64_t handler_exceptions() const { return handler_exceptions_; }

  // fn: EventAction(E&) or void(E&).
  template <typename E, typename F>
  ListenerId listen(F&& fn, ListenOptions opts = {}) {
    std::function<EventAction(void*)> thunk;
    if constexpr (std::is_void_v<std::invoke_result_t<F&, E&>>) {
      thunk = [f = std::forward<F>(fn)](void* e) mutable {
        f(*static_cast<E*>(e));
        return EventAction::kContinue;
      };
    } else {
      thunk = [f = std::forward<F>(fn)](void* e) mutable { return f(*static_cast<E*>(e)); };
    }
    return add(event_type_id<E>(), E::kName, std::move(thunk), std::move(opts));
  }

  // Removes a listener; safe from inside a handler. False if unknown.
  bool remove(ListenerId id);

  // Dispatches e to the listeners of E. Returns true if a listener halted it.
  template <typename E>
  bool raise(E& e) {
    const uint32_t t = event_type_id<E>();
    if (t >= tables_.size() || tables_[t].live == 0) return false;
    return dispatch(t, E::kName, &e);
  }

  template <typename E>
  bool has_listeners() const {
    const uint32_t t = event_type_id<E>();
    return t < tables_.size() && tables_[t].live > 0;
  }
  template <typename E>
  size_t listener_count() const {
    const uint32_t t = event_type_id<E>();
    return t < tables_.size() ? tables_[t].live : 0;
  }

 private:
  struct Listener {
    ListenerId id;
    int priority;
    bool once;
    bool dead;
    std::string owner;
    std::function<EventAction(void*)> fn;
  };
  struct Table {
    std::vector<Listener> listeners;  // sorted: priority desc, id asc
    size_t live = 0;
    bool needs_compaction = false;
  };

  ListenerId add(uint32_t type, const char* name, std::function<EventAction(void*)> fn, ListenOptions opts);
  bool dispatch(uint32_t type, const char* name, void* event);
  void insert_sorted(Table& t, Listener l);
  void kill(Table& t, Listener& l);
  void settle();

  std::vector<Table> tables_;
  std::vector<std::pair<uint32_t, Listener>> pending_adds_;  // added during dispatch
  std::vector<uint32_t> listener_types_;                     // id -> type, for remove()
  ListenerId next_id_ = 1;
  int depth_ = 0;
  bool dirty_ = false;
  bool fatal_exceptions_ = false;
  uint64_t handler_exceptions_ = 0;
};

}  // namespace ofkit::ctl
