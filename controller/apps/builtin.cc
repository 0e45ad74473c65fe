#include "controller/apps/builtin.h"
#include "controller/apps/discovery.h"
#include "controller/apps/flow_stats.h"
#include "controller/apps/l2_multi.h"
#include "controller/apps/l2_pairs.h"
#include "controller/apps/l3_learning.h"
#include "controller/apps/mac_blocker.h"
#include "controller/apps/spanning_tree.h"
#include "controller/messenger/messenger_app.h"

namespace ofkit::ctl {

// The one list of apps compiled into ofctl-run. Add new apps here: a
// registrar object in each app's file would be dropped by the linker when
// nothing else references that object file in the static library.
void register_builtin_apps(AppCatalog& catalog) {
  catalog.add(hub_app_info());
  catalog.add(l2_learning_app_info());
  catalog.add(messenger_app_info());
  catalog.add(discovery_app_info());
  catalog.add(spanning_tree_app_info());
  catalog.add(l2_multi_app_info());
  catalog.add(l2_pairs_app_info());
  catalog.add(flow_stats_app_info());
  catalog.add(l3_learning_app_info());
  catalog.add(mac_blocker_app_info());
}

}  // namespace ofkit::ctl
