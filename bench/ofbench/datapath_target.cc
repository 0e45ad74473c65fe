#include "bench/ofbench/datapath_target.h"

#include <ostream>

#include "bench/ofbench/report.h"

namespace ofkit::bench {

bool run_datapath_benchmark(const Options& o, std::ostream& progress, nlohmann::json* result) {
  // ofdp cannot yet run with a controller and file/ring ports in this tree;
  // say so plainly rather than report a number.
  const std::string why = "--target=datapath is not implemented yet: it needs ofdp running with a controller";
  progress << "ofbench: " << why << "\n";
  *result = {{"tool", "ofbench"},
             {"target", "datapath"},
             {"ok", false},
             {"error", why},
             {"flows", o.flows},
             {"machine", machine_facts()},
             {"command_line", o.command_line}};
  return false;
}

}  // namespace ofkit::bench
