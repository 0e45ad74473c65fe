#include "controller/services.h"

namespace ofkit::ctl {

bool ServiceDirectory::add(const std::string& name, std::string help, Handler handler) {
  std::lock_guard lock(mu_);
  return commands_
      .emplace(name, Command{std::move(help), std::make_shared<const Handler>(std::move(handler))})
      .second;
}

void ServiceDirectory::remove(const std::string& name) {
  std::lock_guard lock(mu_);
  commands_.erase(name);
}

bool ServiceDirectory::has(const std::string& name) const {
  std::lock_guard lock(mu_);
  return commands_.count(name) > 0;
}

bool ServiceDirectory::call(const std::string& name, const nlohmann::json& request, Reply reply) const {
  std::shared_ptr<const Handler> handler;
  {
    std::lock_guard lock(mu_);
    auto it = commands_.find(name);
    if (it == commands_.end()) return false;
    handler = it->second.handler;
  }
  (*handler)(request, std::move(reply));
  return true;
}

std::vector<std::pair<std::string, std::string>> ServiceDirectory::list() const {
  std::lock_guard lock(mu_);
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(commands_.size());
  for (const auto& [name, c] : commands_) out.emplace_back(name, c.help);
  return out;
}

uint64_t ServiceDirectory::subscribe(Subscriber s) {
  std::lock_guard lock(mu_);
  const uint64_t id = next_subscriber_++;
  subscribers_.emplace(id, std::make_shared<const Subscriber>(std::move(s)));
  return id;
}

void ServiceDirectory::unsubscribe(uint64_t id) {
  std::lock_guard lock(mu_);
  subscribers_.erase(id);
}

void ServiceDirectory::publish(const std::string& channel, const nlohmann::json& msg) const {
  std::vector<std::shared_ptr<const Subscriber>> targets;
  {
    std::lock_guard lock(mu_);
    targets.reserve(subscribers_.size());
    for (const auto& [id, s] : subscribers_) targets.push_back(s);
  }
  for (const auto& s : targets) (*s)(channel, msg);
}

}  // namespace ofkit::ctl
