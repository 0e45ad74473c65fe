// ofbench: benchmark an OpenFlow 1.0 controller (or, with --target=datapath,
// a switch + controller pair). See runner.h for how it works.

#include <fstream>
#include <iostream>

#include "bench/ofbench/datapath_target.h"
#include "bench/ofbench/options.h"
#include "bench/ofbench/report.h"
#include "bench/ofbench/runner.h"

int main(int argc, char** argv) {
  using namespace ofkit::bench;
  auto parsed = parse_options(argc, argv);
  if (auto* rc = std::get_if<int>(&parsed)) return *rc;
  const Options& o = std::get<Options>(parsed);
  std::ostream& progress = o.json ? std::cerr : std::cout;

  nlohmann::json j;
  bool ok = false;
  if (o.target == Target::kDatapath) {
    ok = run_datapath_benchmark(o, progress, &j);
  } else {
    const RunResult r = run_controller_benchmark(o, progress);
    print_summary(o, r, o.json ? std::cerr : std::cout);
    j = result_json(o, r);
    ok = r.ok;
  }
  if (o.json) std::cout << j.dump(2) << "\n";
  if (!o.json_file.empty()) {
    std::ofstream f(o.json_file);
    f << j.dump(2) << "\n";
    if (!f) {
      std::cerr << "ofbench: cannot write " << o.json_file << "\n";
      return 1;
    }
  }
  return ok ? 0 : 1;
}
