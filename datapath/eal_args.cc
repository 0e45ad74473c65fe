#include "datapath/eal_args.h"

#include <algorithm>
#include <string_view>

namespace ofkit::dp {
namespace {

// EAL options that take a value as the next word when not written with '='.
constexpr std::string_view kEalWithValue[] = {"-l",
                                              "-c",
                                              "-n",
                                              "-m",
                                              "-a",
                                              "-b",
                                              "--lcores",
                                              "--vdev",
                                              "--allow",
                                              "--block",
                                              "--socket-mem",
                                              "--file-prefix",
                                              "--proc-type",
                                              "--log-level",
                                              "--iova-mode",
                                              "--main-lcore",
                                              "--huge-dir",
                                              "--base-virtaddr",
                                              "--socket-limit",
                                              "--trace"};
constexpr std::string_view kEalFlags[] = {"--no-huge",    "--no-pci",       "--no-shconf", "--in-memory",
                                          "--legacy-mem", "--no-telemetry", "-v"};

bool starts_with_any(std::string_view w, std::string_view name) {
  if (w == name) return true;
  return w.size() > name.size() && w.substr(0, name.size()) == name && w[name.size()] == '=';
}

bool is_eal_with_value(std::string_view w) {
  return std::any_of(std::begin(kEalWithValue), std::end(kEalWithValue),
                     [&](std::string_view n) { return starts_with_any(w, n); });
}
bool is_eal_flag(std::string_view w) {
  return std::any_of(std::begin(kEalFlags), std::end(kEalFlags), [&](std::string_view n) { return w == n; });
}
bool has(const std::vector<std::string>& v, std::string_view prefix) {
  return std::any_of(v.begin(), v.end(), [&](const std::string& w) { return starts_with_any(w, prefix); });
}

}  // namespace

SplitArgs split_eal_args(const std::vector<std::string>& argv) {
  SplitArgs out;
  out.eal.push_back(argv.empty() ? std::string("ofdp") : argv[0]);
  const auto dashdash = std::find(argv.begin() + (argv.empty() ? 0 : 1), argv.end(), std::string("--"));
  if (dashdash != argv.end()) {  // full form: everything before "--" is EAL's
    out.eal.insert(out.eal.end(), argv.begin() + 1, dashdash);
    out.ofdp.assign(dashdash + 1, argv.end());
    return out;
  }
  for (size_t i = 1; i < argv.size(); ++i) {
    const std::string& w = argv[i];
    if (is_eal_flag(w)) {
      out.eal.push_back(w);
    } else if (is_eal_with_value(w)) {
      out.eal.push_back(w);
      if (w.find('=') == std::string::npos && w.rfind("--", 0) == 0 && i + 1 < argv.size())
        out.eal.push_back(argv[++i]);
      else if (w.size() == 2 && i + 1 < argv.size())  // "-l 0-1"
        out.eal.push_back(argv[++i]);
    } else {
      out.ofdp.push_back(w);
    }
  }
  // Short form: defaults that work on any machine, without hugepages.
  if (!has(out.eal, "--no-huge") && !has(out.eal, "--huge-dir")) out.eal.push_back("--no-huge");
  if (!has(out.eal, "-a") && !has(out.eal, "--allow") && !has(out.eal, "--no-pci"))
    out.eal.push_back("--no-pci");
  if (!has(out.eal, "-m") && !has(out.eal, "--socket-mem")) {
    out.eal.push_back("-m");
    out.eal.push_back("512");
  }
  // No shared runtime files, so several ofdp processes can run side by side.
  // (--in-memory would say the same, but DPDK 22.11 refuses it with --no-huge.)
  if (!has(out.eal, "--file-prefix") && !has(out.eal, "--in-memory") && !has(out.eal, "--no-shconf"))
    out.eal.push_back("--no-shconf");
  return out;
}

}  // namespace ofkit::dp
