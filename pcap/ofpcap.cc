// ofpcap: OpenFlow 1.0 flow keys, statistics and replay of trace files.
//
//   ofpcap keys FILE                 one ovs-ofctl match per packet (in_port=0)
//   ofpcap stats FILE [--json]       totals, protocols, distinct keys, top talkers
//   ofpcap replay FILE --iface=NAME [--pps=N|--speed=X|--topspeed] [--loop=N]
//
// Exit codes: 0 success; 1 a replay that could not send some frames;
// 2 a bad command line or a missing, damaged or non-Ethernet file (after
// printing what could be read before the damage); 130 interrupted.

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <string>

#include "oflib/packet/flow_extract.h"
#include "oflib/text/flow_syntax.h"
#include "oflib/wire/match.h"
#include "pcap/replay.h"
#include "pcap/trace_file.h"
#include "pcap/trace_stats.h"

namespace {

using namespace ofkit;
using namespace ofkit::pcap;

constexpr int kExitBadInput = 2;
constexpr int kExitSendFailed = 1;
constexpr int kExitInterrupted = 130;

std::atomic<bool> g_stop{false};
void on_signal(int) { g_stop = true; }

std::unique_ptr<TraceReader> open_trace(const std::string& path) {
  std::string err;
  OpenOptions o;
  o.require_ethernet = true;
  auto r = TraceReader::open(path, &err, o);
  if (!r) std::fprintf(stderr, "ofpcap: %s\n", err.c_str());
  return r;
}

int cmd_keys(const std::string& path) {
  auto reader = open_trace(path);
  if (!reader) return kExitBadInput;
  std::string out;
  out.reserve(1 << 16);
  TraceFrame f;
  while (reader->next(&f) == ReadStatus::kFrame) {
    FlowKey key;
    extract_flow_key(f.data.data(), f.data.size(), 0, &key);
    of::Match m;  // exact match on every field of the key, as ovs-ofctl shows an exact flow
    m.wildcards = 0;
    m.key = key;
    out += text::format_match(m);
    out += '\n';
    if (out.size() > (1 << 16) - 512) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  if (reader->status() == ReadStatus::kError) {
    std::fprintf(stderr, "ofpcap: %s\n", reader->error().c_str());
    return kExitBadInput;
  }
  return 0;
}

int cmd_stats(const std::string& path, bool json, size_t top) {
  auto reader = open_trace(path);
  if (!reader) return kExitBadInput;
  TraceStats stats;
  TraceFrame f;
  while (reader->next(&f) == ReadStatus::kFrame) stats.add(f);
  if (reader->status() == ReadStatus::kError) {
    std::fprintf(stderr, "ofpcap: %s\n", reader->error().c_str());
    return kExitBadInput;
  }
  const std::string s = json ? stats.to_json(path, top).dump(2) + "\n" : stats.format_text(path, top);
  std::fwrite(s.data(), 1, s.size(), stdout);
  return 0;
}

// Sends bursts onto an interface with pcap_inject and keeps the progress line.
class InjectSink final : public FrameSink {
 public:
  InjectSink(pcap_t* handle, SteadyClock& clock, uint64_t loops)
      : handle_(handle), clock_(clock), loops_(loops), start_(clock.now_ns()), last_print_(start_) {}

  bool on_burst(std::span<const TraceFrame> burst) override {
    for (const auto& f : burst) {
      if (pcap_inject(handle_, f.data.data(), f.data.size()) < 0) {
        if (failed_++ == 0) first_error_ = pcap_geterr(handle_);
      } else {
        ++sent_;
        bytes_ += f.data.size();
      }
    }
    const uint64_t now = clock_.now_ns();
    if (now - last_print_ >= 500'000'000) {
      last_print_ = now;
      progress(now, false);
    }
    return true;
  }

  void progress(uint64_t now, bool final) {
    const double secs = static_cast<double>(now - start_) / 1e9;
    const double pps = secs > 0 ? static_cast<double>(sent_) / secs : 0;
    // On a terminal the line rewrites itself; in a log each update is a line.
    const bool tty = isatty(STDERR_FILENO) != 0;
    std::fprintf(stderr, "%sofpcap replay: %llu frames, %llu bytes, %.3f s, %.0f pps%s%s", tty ? "\r" : "",
                 static_cast<unsigned long long>(sent_), static_cast<unsigned long long>(bytes_), secs, pps,
                 loops_ == 1 ? "" : (loops_ == 0 ? ", looping" : ", looped"), tty && !final ? "" : "\n");
    std::fflush(stderr);
  }
  uint64_t failed() const { return failed_; }
  const std::string& first_error() const { return first_error_; }

 private:
  pcap_t* handle_;
  SteadyClock& clock_;
  uint64_t loops_;
  uint64_t start_, last_print_;
  uint64_t sent_ = 0, bytes_ = 0, failed_ = 0;
  std::string first_error_;
};

int cmd_replay(const std::string& path, const std::string& iface, double pps, double speed, bool topspeed,
               uint64_t loops) {
  auto reader = open_trace(path);
  if (!reader) return kExitBadInput;
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  pcap_t* h = pcap_create(iface.c_str(), errbuf);
  if (h == nullptr) {
    std::fprintf(stderr, "ofpcap: %s: %s\n", iface.c_str(), errbuf);
    return kExitBadInput;
  }
  pcap_set_snaplen(h, 128);
  const int rc = pcap_activate(h);
  if (rc < 0) {
    std::fprintf(stderr, "ofpcap: interface %s: %s\n", iface.c_str(),
                 rc == PCAP_ERROR ? pcap_geterr(h) : pcap_statustostr(rc));
    pcap_close(h);
    return kExitBadInput;
  }
  ReplayOptions o;
  o.pacing = topspeed  ? ReplayOptions::Pacing::kTopSpeed
             : pps > 0 ? ReplayOptions::Pacing::kRate
                       : ReplayOptions::Pacing::kOriginal;
  o.pps = pps;
  o.speed = speed;
  o.loops = loops;
  o.stop = &g_stop;
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  SteadyClock clock;
  Replayer replayer(*reader, clock, o);
  InjectSink sink(h, clock, loops);
  const ReplayStatus st = replayer.run(sink);
  sink.progress(clock.now_ns(), true);
  pcap_close(h);
  if (st == ReplayStatus::kError) {
    std::fprintf(stderr, "ofpcap: %s\n", replayer.error().c_str());
    return kExitBadInput;
  }
  if (sink.failed() > 0) {
    std::fprintf(stderr, "ofpcap: %llu frames could not be sent (first error: %s)\n",
                 static_cast<unsigned long long>(sink.failed()), sink.first_error().c_str());
    return kExitSendFailed;
  }
  return st == ReplayStatus::kStopped ? kExitInterrupted : 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"ofpcap: OpenFlow 1.0 flow keys, statistics and replay of pcap/pcapng trace files"};
  app.require_subcommand(1);
  std::string file, iface;
  bool json = false, topspeed = false;
  size_t top = 10;
  double pps = 0, speed = 1.0;
  uint64_t loops = 1;

  auto* keys = app.add_subcommand("keys", "print each packet's OpenFlow 1.0 flow key as an ovs-ofctl match");
  keys->add_option("FILE", file, "trace file (pcap or pcapng, Ethernet)")->required();

  auto* stats =
      app.add_subcommand("stats", "packets, bytes, duration, protocols, distinct flow keys, top talkers");
  stats->add_option("FILE", file, "trace file (pcap or pcapng, Ethernet)")->required();
  stats->add_flag("--json", json, "print JSON instead of tables");
  stats->add_option("--top", top, "how many top talkers to list")->check(CLI::Range(1, 1000000));

  auto* replay = app.add_subcommand("replay", "send a trace onto a network interface");
  replay->add_option("FILE", file, "trace file (pcap or pcapng, Ethernet)")->required();
  replay->add_option("--iface", iface, "interface to send on")->required();
  auto* o_pps =
      replay->add_option("--pps", pps, "fixed rate, packets per second")->check(CLI::PositiveNumber);
  auto* o_speed = replay->add_option("--speed", speed, "multiple of the original timing (default 1)")
                      ->check(CLI::PositiveNumber);
  auto* o_top = replay->add_flag("--topspeed", topspeed, "as fast as possible");
  o_pps->excludes(o_speed)->excludes(o_top);
  o_speed->excludes(o_top);
  replay->add_option("--loop", loops, "replay the trace N times (0: until interrupted)")
      ->check(CLI::NonNegativeNumber);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitBadInput;
  }
  if (keys->parsed()) return cmd_keys(file);
  if (stats->parsed()) return cmd_stats(file, json, top);
  return cmd_replay(file, iface, pps, speed, topspeed, loops);
}
