#include "controller/command_line.h"

namespace ofkit::ctl {

bool split_command_line(const std::vector<std::string>& args, CommandLine* out, std::string* error) {
  *out = CommandLine{};
  for (const std::string& word : args) {
    const bool is_option = word.size() >= 2 && word[0] == '-';
    if (!is_option) {
      AppSpec app;
      app.given_name = word;
      const size_t dot = word.rfind('.');
      app.name = dot == std::string::npos ? word : word.substr(dot + 1);
      if (app.name.empty()) {
        *error = "bad app name '" + word + "'";
        return false;
      }
      out->apps.push_back(std::move(app));
      continue;
    }
    if (out->apps.empty()) {
      out->global_args.push_back(word);
      continue;
    }
    if (word.rfind("--", 0) != 0) {
      *error =
          "app option '" + word + "' for " + out->apps.back().given_name + " must be written --key=value";
      return false;
    }
    const std::string body = word.substr(2);
    const size_t eq = body.find('=');
    std::string key = eq == std::string::npos ? body : body.substr(0, eq);
    std::string value = eq == std::string::npos ? "true" : body.substr(eq + 1);
    if (key.empty()) {
      *error = "empty option name in '" + word + "'";
      return false;
    }
    for (char& c : key)
      if (c == '-') c = '_';  // --idle-timeout and --idle_timeout are the same option
    out->apps.back().options.emplace_back(std::move(key), std::move(value));
  }
  return true;
}

}  // namespace ofkit::ctl
