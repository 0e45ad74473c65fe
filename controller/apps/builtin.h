#pragma once
// The built-in apps' descriptions; register_builtin_apps() lists them all.

#include "controller/app.h"

namespace ofkit::ctl {

AppInfo hub_app_info();
AppInfo l2_learning_app_info();

}  // namespace ofkit::ctl
