#include "controller/core.h"

#include <stdexcept>

namespace ofkit::ctl {

void Core::add(const std::string& name, std::type_index type, void* ptr, std::shared_ptr<void> owned) {
  if (components_.count(name)) throw std::runtime_error("component '" + name + "' registered twice");
  components_.emplace(name, Component{type, ptr, std::move(owned)});
  // Collect the waits this completes first: their callbacks may register more.
  std::vector<std::function<void()>> ready;
  for (auto it = waits_.begin(); it != waits_.end();) {
    it->missing.erase(name);
    if (it->missing.empty()) {
      ready.push_back(std::move(it->fn));
      it = waits_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto& fn : ready) fn();
}

void Core::unregister(const std::string& name) { components_.erase(name); }

void Core::when_ready(std::vector<std::string> names, std::function<void()> fn, std::string waiter) {
  Wait w;
  for (auto& n : names)
    if (!components_.count(n)) w.missing.insert(std::move(n));
  if (w.missing.empty()) {
    fn();
    return;
  }
  w.fn = std::move(fn);
  w.waiter = std::move(waiter);
  waits_.push_back(std::move(w));
}

std::map<std::string, std::vector<std::string>> Core::awaited() const {
  std::map<std::string, std::vector<std::string>> out;
  for (const Wait& w : waits_) {
    auto& v = out[w.waiter.empty() ? "?" : w.waiter];
    v.insert(v.end(), w.missing.begin(), w.missing.end());
  }
  return out;
}

std::vector<std::string> Core::names() const {
  std::vector<std::string> v;
  for (const auto& [n, c] : components_) v.push_back(n);
  return v;
}

}  // namespace ofkit::ctl
