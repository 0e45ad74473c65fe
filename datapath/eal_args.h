#pragma once
// ofdp's command line follows DPDK's convention:
//
//   ofdp [EAL arguments] -- [ofdp options]
//
// and a short form with no "--", where EAL device arguments (--vdev, -a, -l,
// ...) and ofdp options are mixed and working EAL defaults are filled in:
// no hugepages, no PCI scan unless a PCI device is named, a small memory size.

#include <string>
#include <vector>

namespace ofkit::dp {

struct SplitArgs {
  std::vector<std::string> eal;   // argv[0] first, ready for rte_eal_init
  std::vector<std::string> ofdp;  // ofdp's own options
};

// argv includes the program name at [0].
SplitArgs split_eal_args(const std::vector<std::string>& argv);

}  // namespace ofkit::dp
