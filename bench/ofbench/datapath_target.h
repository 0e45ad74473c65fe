#pragma once
// ofbench --target=datapath: the flow setup rate of a switch + controller
// pair (ofdp with a controller), measured from the traffic side.

#include <iosfwd>
#include <nlohmann/json.hpp>

#include "bench/ofbench/options.h"

namespace ofkit::bench {

// Runs the datapath benchmark; fills *result (JSON) and returns whether it ran.
bool run_datapath_benchmark(const Options& o, std::ostream& progress, nlohmann::json* result);

}  // namespace ofkit::bench
