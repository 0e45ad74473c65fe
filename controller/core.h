#pragma once
// The core registry of one shard (POX's `core`): components register under
// a name, find each other by name or type, and wait for their dependencies.
//
//   core.register_component("topology", this);
//   core.register_new<Stats>("stats", args...);        // constructs and owns it
//   if (core.has("topology")) core.get<Topology>()->...;
//   core.when_ready({"topology", "discovery"}, [&] { ... });  // listen_to_dependencies
//
// when_ready() runs fn at once if everything is there, else as soon as the
// last name registers. awaited() lists what pending waits still need, so a
// start-up that stalls can say which components never came.
//
// Every shard has its own Core (apps are instantiated per shard), so get()
// returns this shard's instance and no locking is needed.

#include <any>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <typeindex>
#include <vector>

namespace ofkit::ctl {

class Core {
 public:
  template <typename T>
  void register_component(const std::string& name, T* component) {
    add(name, std::type_index(typeid(T)), component, nullptr);
  }
  template <typename T, typename... Args>
  T* register_new(const std::string& name, Args&&... args) {
    auto owned = std::make_shared<T>(std::forward<Args>(args)...);
    T* raw = owned.get();
    add(name, std::type_index(typeid(T)), raw, std::move(owned));
    return raw;
  }
  // Removes a component (its owned object is destroyed). Waits already
  // satisfied are not undone.
  void unregister(const std::string& name);

  bool has(const std::string& name) const { return components_.count(name) > 0; }
  // By type: the first component registered with exactly type T, or nullptr.
  template <typename T>
  T* get() const {
    for (const auto& [name, c] : components_)
      if (c.type == std::type_index(typeid(T))) return static_cast<T*>(c.ptr);
    return nullptr;
  }
  // By name, checked against the registered type; nullptr on a mismatch.
  template <typename T>
  T* get(const std::string& name) const {
    auto it = components_.find(name);
    if (it == components_.end() || it->second.type != std::type_index(typeid(T))) return nullptr;
    return static_cast<T*>(it->second.ptr);
  }

  // `waiter` names who waits, for the stall log.
  void when_ready(std::vector<std::string> names, std::function<void()> fn, std::string waiter = {});
  // waiter -> names it still awaits, for every pending when_ready.
  std::map<std::string, std::vector<std::string>> awaited() const;
  std::vector<std::string> names() const;

 private:
  struct Component {
    std::type_index type;
    void* ptr;
    std::shared_ptr<void> owned;
  };
  struct Wait {
    std::set<std::string> missing;
    std::function<void()> fn;
    std::string waiter;
  };
  void add(const std::string& name, std::type_index type, void* ptr, std::shared_ptr<void> owned);

  std::map<std::string, Component> components_;
  std::vector<Wait> waits_;
};

}  // namespace ofkit::ctl
