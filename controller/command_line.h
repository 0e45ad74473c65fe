#pragma once
// Splits an ofctl-run command line the way pox.py does:
//
//   ofctl-run [global options] APP [--option=value ...] [APP ...]
//
// Words before the first bare word are global options; each bare word starts
// an app, and the --options after it (up to the next bare word) belong to it.
// Dotted names are aliases: "forwarding.l2_learning" names the app
// "l2_learning" (the last component).

#include <string>
#include <utility>
#include <vector>

namespace ofkit::ctl {

struct AppSpec {
  std::string name;        // canonical name (last dotted component)
  std::string given_name;  // as typed
  // --key=value pairs in order; "--flag" alone gives value "true".
  std::vector<std::pair<std::string, std::string>> options;
};

struct CommandLine {
  std::vector<std::string> global_args;  // verbatim, for the global parser
  std::vector<AppSpec> apps;
};

// Returns false and sets *error for a malformed word (e.g. "--=x").
bool split_command_line(const std::vector<std::string>& args, CommandLine* out, std::string* error);

}  // namespace ofkit::ctl
