#include "controller/app.h"

#include <algorithm>

#include "controller/cli.h"
#include "controller/runtime.h"
#include "controller/shard.h"

namespace ofkit::ctl {

void AppCatalog::add(AppInfo info) { apps_.push_back(std::move(info)); }

const AppInfo* AppCatalog::find(const std::string& name) const {
  for (const AppInfo& a : apps_) {
    if (a.name == name) return &a;
    for (const auto& alias : a.aliases)
      if (alias == name) return &a;
  }
  const size_t dot = name.rfind('.');
  if (dot != std::string::npos) return find(name.substr(dot + 1));
  return nullptr;
}

std::vector<std::string> AppCatalog::names() const {
  std::vector<std::string> v;
  for (const AppInfo& a : apps_) v.push_back(a.name);
  std::sort(v.begin(), v.end());
  return v;
}

AppContext::AppContext(Shard& shard, const AppInfo& info, OptionValues options)
    : shard_(shard), info_(info), options_(std::move(options)), log_(component_logger(info.name)) {}

size_t AppContext::shard_index() const { return shard_.index(); }
size_t AppContext::shard_count() const { return shard_.runtime() ? shard_.runtime()->shard_count() : 1; }
EventBus& AppContext::events() { return shard_.bus(); }
Core& AppContext::core() { return shard_.core(); }
EventLoop& AppContext::loop() { return shard_.loop(); }
Runtime& AppContext::runtime() { return *shard_.runtime(); }
void AppContext::subscribe_forwarded(uint32_t bits) {
  if (Runtime* rt = shard_.runtime()) rt->subscribe_forwarded(bits);
}
Connection* AppContext::connection(uint64_t dpid) { return shard_.find_switch(dpid); }

}  // namespace ofkit::ctl
