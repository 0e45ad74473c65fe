#pragma once
// The messenger app's description (registered in controller/apps/builtin.cc).

#include "controller/app.h"

namespace ofkit::ctl {

AppInfo messenger_app_info();

}  // namespace ofkit::ctl
