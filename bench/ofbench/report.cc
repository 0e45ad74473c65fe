#include "bench/ofbench/report.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <ostream>
#include <thread>

#include <fmt/format.h>

#include "ofkit_config.h"

namespace ofkit::bench {

using nlohmann::json;

json machine_facts() {
  json m;
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  m["hostname"] = host;
  m["cores"] = std::thread::hardware_concurrency();
  utsname u{};
  if (uname(&u) == 0) {
    m["kernel"] = std::string(u.sysname) + " " + u.release;
    m["arch"] = u.machine;
  }
  return m;
}

json stats_json(const SwitchStats& s) {
  return json{
      {"packet_ins", s.packet_ins},   {"answered", s.answered},     {"flow_mods", s.flow_mods},
      {"packet_outs", s.packet_outs}, {"extra", s.extra},           {"lost", s.lost},
      {"errors_in", s.errors_in},     {"errors_out", s.errors_out}, {"echo_requests", s.echo_requests},
      {"barriers", s.barriers}};
}

json latency_json(const LatencyHistogram& h, bool with_cdf) {
  auto us = [](uint64_t ns) { return static_cast<double>(ns) / 1000.0; };
  json j{{"count", h.count()},
         {"min_us", us(h.min())},
         {"p50_us", us(h.quantile(0.5))},
         {"p90_us", us(h.quantile(0.9))},
         {"p99_us", us(h.quantile(0.99))},
         {"max_us", us(h.max())}};
  if (with_cdf) {
    json cdf = json::array();
    for (const auto& [ns, frac] : h.cdf()) cdf.push_back({us(ns), frac});
    j["cdf"] = cdf;
  }
  return j;
}

json result_json(const Options& o, const RunResult& r) {
  json j;
  j["tool"] = "ofbench";
  j["version"] = OFKIT_VERSION;
  j["target"] = o.target == Target::kDatapath ? "datapath" : "controller";
  j["controller"] = o.controller;
  j["mode"] = mode_name(o.mode);
  j["switches"] = o.switches;
  j["switches_connected"] = r.switches_connected;
  j["macs"] = o.macs;
  j["ports"] = o.ports;
  j["threads"] = o.threads;
  j["window"] = o.effective_window();
  j["loops"] = o.loops;
  j["ms_per_loop"] = o.ms_per_loop;
  j["warmup"] = o.warmup;
  j["ok"] = r.ok;
  if (!r.ok) j["error"] = r.error;
  j["responses_per_s"] = r.responses_per_s.median;
  j["responses_per_s_min"] = r.responses_per_s.min;
  j["responses_per_s_max"] = r.responses_per_s.max;
  j["responses_per_s_mean"] = r.responses_per_s.mean;
  j["flow_mods_per_s"] = r.flow_mods_per_s.median;
  j["packet_outs_per_s"] = r.packet_outs_per_s.median;
  json loops = json::array();
  for (const LoopResult& l : r.loops)
    loops.push_back({{"seconds", l.seconds},
                     {"responses_per_s", l.responses_per_s},
                     {"flow_mods_per_s", l.flow_mods_per_s},
                     {"packet_outs_per_s", l.packet_outs_per_s},
                     {"packet_ins_per_s", l.packet_ins_per_s},
                     {"lost", l.delta.lost}});
  j["per_loop"] = loops;
  j["measured"] = stats_json(r.measured);
  j["totals"] = stats_json(r.totals);
  j["latency"] = latency_json(r.latency, o.cdf);
  j["connect_seconds"] = r.connect_seconds;
  j["reconnects"] = r.reconnects;
  j["machine"] = machine_facts();
  j["command_line"] = o.command_line;
  return j;
}

void print_summary(const Options& o, const RunResult& r, std::ostream& out) {
  if (!r.ok) {
    out << "ofbench: " << r.error << "\n";
    return;
  }
  const Summary& s = r.responses_per_s;
  out << fmt::format(
      "RESULT: {} switches {} loops min/median/max/mean = {:.0f}/{:.0f}/{:.0f}/{:.0f} responses/s\n",
      r.switches_connected, s.count, s.min, s.median, s.max, s.mean);
  out << fmt::format(
      "        {} mode, {} MACs/switch, {} threads; flow_mods {:.0f}/s, packet_outs {:.0f}/s (medians); "
      "answered {} of {} PacketIns, {} lost, {} extra responses\n",
      mode_name(o.mode), o.macs, o.threads, r.flow_mods_per_s.median, r.packet_outs_per_s.median,
      r.measured.answered, r.measured.packet_ins, r.measured.lost, r.measured.extra);
  if (r.latency.count())
    out << fmt::format("        answer latency p50 {:.1f} us, p99 {:.1f} us, max {:.1f} us ({} samples)\n",
                       r.latency.quantile(0.5) / 1e3, r.latency.quantile(0.99) / 1e3, r.latency.max() / 1e3,
                       r.latency.count());
}

}  // namespace ofkit::bench
