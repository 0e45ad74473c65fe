#pragma once
// ofbench's results as text (cbench-like closing line) and as JSON.

#include <iosfwd>
#include <nlohmann/json.hpp>

#include "bench/ofbench/options.h"
#include "bench/ofbench/runner.h"

namespace ofkit::bench {

// hostname, cores, kernel, for every JSON result.
nlohmann::json machine_facts();

nlohmann::json stats_json(const SwitchStats& s);
nlohmann::json latency_json(const LatencyHistogram& h, bool with_cdf);
nlohmann::json result_json(const Options& o, const RunResult& r);
void print_summary(const Options& o, const RunResult& r, std::ostream& out);

}  // namespace ofkit::bench
