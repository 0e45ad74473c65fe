// Golden trace replay: ofdp with trace-file ports replays captures through
// ofctl-run (a real second process over a unix socket, or the in-process
// controller) running an app, and every output port's pcap plus the flow
// table left at exit are compared with the expectations committed under
// tests/data/golden/<case>/ (out<N>.pcap, flows.txt).
//
// Why the result is deterministic: ofdp runs one worker, and every input
// file holds at most 32 frames, one RX burst (tests/e2e/make_traces.py
// refuses more, and this test checks). The worker starts only once the
// controller has finished its start-up (--exit-on-eof), applies pending
// flow changes at the top of each poll, and reads one burst from each port
// in port order in that poll: so the whole input is read, in port order,
// before any answer from the controller can take effect. Every frame then
// meets the flow table as the app left it at start-up; the misses reach the
// app in that order and its PACKET_OUTs and buffered FLOW_MODs are carried
// out in the order it sent them. --exit-on-eof ends only after an echo round
// trip with the controller and a worker epoch, so nothing is still in
// flight. Each case runs OFKIT_E2E_RUNS times (default 5) to show it.
//
// Goldens are made by scripts/make-goldens.sh (this test with
// OFKIT_UPDATE_GOLDENS=1: five runs must agree, then the files are
// rewritten where they changed); tests/data/golden/README.md says what was
// checked in them. A failure prints, port by port and packet by packet,
// what changed.

#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "e2e/e2e_harness.h"
#include "e2e/trace_diff.h"

namespace ofkit::e2e {
namespace {

constexpr size_t kMaxInputFrames = 32;  // ofdp's RX burst (datapath/worker.h kBurstSize)
constexpr uint64_t kGoldenEpochNs = 1735689600ull * 1'000'000'000;  // golden timestamps: 2025-01-01 + i ms

struct GoldenCase {
  std::string name;                 // test name
  std::string golden;               // directory under tests/data/golden/
  std::vector<std::string> inputs;  // per port, a trace in tests/data ("" = output only)
  std::vector<std::string> app;     // the app and its options
  bool local = false;               // --controller=local instead of ofctl-run
};

std::vector<std::string> lan = {"e2e-lan-in1.pcap", "e2e-lan-in2.pcap", "e2e-lan-in3.pcap", ""};
std::vector<std::string> http = {"e2e-http-in1.pcap", "e2e-http-in2.pcap", ""};
std::vector<std::string> dns_icmp = {"e2e-dns-icmp-in1.pcap", "e2e-dns-icmp-in2.pcap", ""};
std::vector<std::string> nb6 = {"e2e-nb6-http-in1.pcap", "e2e-nb6-http-in2.pcap", "e2e-nb6-http-in3.pcap",
                                "e2e-nb6-http-in4.pcap", ""};
std::vector<std::string> truncated = {"e2e-truncated-dns-in1.pcap", "e2e-truncated-dns-2-in1.pcap", ""};

const std::vector<GoldenCase> kCases = {
    {"lan_l2_learning", "lan_l2_learning", lan, {"l2_learning"}},
    // The one-process form must decide exactly as the two-process one.
    {"lan_l2_learning_local", "lan_l2_learning", lan, {"l2_learning"}, true},
    {"lan_hub", "lan_hub", lan, {"hub"}},
    {"lan_hub_local", "lan_hub", lan, {"hub"}, true},
    {"http_l2_learning", "http_l2_learning", http, {"l2_learning"}},
    {"http_hub", "http_hub", http, {"hub"}},
    {"dns_icmp_l2_learning", "dns_icmp_l2_learning", dns_icmp, {"l2_learning"}},
    {"nb6_http_l2_learning", "nb6_http_l2_learning", nb6, {"l2_learning"}},
    {"truncated_dns_hub", "truncated_dns_hub", truncated, {"hub"}},
    {"truncated_dns_l2_learning", "truncated_dns_l2_learning", truncated, {"l2_learning"}},
    // Apps of issue #6; skipped (naming the app) until ofctl-run lists them.
    {"lan_l2_pairs", "lan_l2_pairs", lan, {"l2_pairs"}},
    // dave (port 1) blocked in front of l2_learning.
    {"lan_mac_blocker", "lan_mac_blocker", lan, {"mac_blocker", "--block=02:00:00:00:00:0d", "l2_learning"}},
    {"lan_l3_learning", "lan_l3_learning", lan, {"l3_learning"}},
    // With a fakeway the app ARPs for unknown IPs itself and holds their packets.
    {"lan_l3_learning_fakeways", "lan_l3_learning_fakeways", lan, {"l3_learning", "--fakeways=10.0.0.254"}},
};

// gtest prints a failing parameter with this (not as bytes).
void PrintTo(const GoldenCase& c, std::ostream* os) { *os << c.name; }

struct RunResult {
  std::vector<std::vector<Frame>> ports;  // what each port wrote
  std::string flows;                      // dump-flows at exit, normalized
  std::string log;                        // ofdp's stderr (counters), for failure messages
};

// ofdp's dump-flows at exit without the durations, sorted.
std::string normalize_flows(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const size_t d = line.find("duration=");
    if (d != std::string::npos) {
      const size_t end = line.find(", ", d);
      line.erase(d, end == std::string::npos ? std::string::npos : end + 2 - d);
    }
    line.erase(0, line.find_first_not_of(' '));
    lines.push_back(line);
  }
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

std::string available_apps() {
  static const std::string apps = [] {
    TempDir dir;
    Process p({ofctl_run_path(), "--list-apps"}, dir / "apps.txt");
    p.wait_exit(10);
    std::string s = read_file(dir / "apps.txt");
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
  }();
  return apps;
}

bool has_app(const std::string& app) {
  std::stringstream ss(available_apps());
  std::string name;
  while (std::getline(ss, name, ','))
    if (name == app) return true;
  return false;
}

// One replay of C; failures are recorded with gtest's ADD_FAILURE and
// reported through the return value (false).
bool run_case(const GoldenCase& c, const TempDir& dir, RunResult* r) {
  const std::string sock = dir / "controller.sock";
  std::unique_ptr<Process> ctl;
  if (!c.local) {
    std::vector<std::string> argv = {ofctl_run_path(), "--listen=punix:" + sock, "--threads=1",
                                     "--packet-in-rate=0"};
    argv.insert(argv.end(), c.app.begin(), c.app.end());
    ctl = std::make_unique<Process>(argv, dir / "ofctl-run.log");
    if (!wait_until([&] { return read_file(dir / "ofctl-run.log").find("listening") != std::string::npos; },
                    15)) {
      ADD_FAILURE() << "ofctl-run did not start listening:\n" << read_file(dir / "ofctl-run.log");
      return false;
    }
  }
  std::vector<std::string> argv = {ofdp_path()};
  for (size_t i = 0; i < c.inputs.size(); ++i) {
    const std::string in = c.inputs[i].empty() ? "" : data_dir() + "/" + c.inputs[i];
    argv.push_back("--port=file:" + in + ",out=" + (dir / ("out" + std::to_string(i + 1) + ".pcap")));
  }
  argv.insert(argv.end(), {"--workers=1", "--exit-on-eof", "--dump-flows-on-exit", "--max-backoff=0.2"});
  if (c.local) {
    argv.push_back("--controller=local");
    argv.push_back("--app=" + c.app[0]);
    argv.insert(argv.end(), c.app.begin() + 1, c.app.end());
  } else {
    argv.push_back("--controller=unix:" + sock);
  }
  Process ofdp(argv, dir / "flows.txt", dir / "ofdp.log");
  const int rc = ofdp.wait_exit(60);
  r->log = read_file(dir / "ofdp.log");
  if (rc != 0) {
    ADD_FAILURE() << "ofdp exited with " << rc << " (-1: still running after 60 s)\n" << r->log;
    return false;
  }
  if (ctl) {
    ctl->signal(SIGTERM);
    const int crc = ctl->wait_exit(15);
    if (crc != 0) {
      ADD_FAILURE() << "ofctl-run exited with " << crc << " on SIGTERM\n" << read_file(dir / "ofctl-run.log");
      return false;
    }
  }
  r->flows = normalize_flows(read_file(dir / "flows.txt"));
  r->ports.clear();
  for (size_t i = 0; i < c.inputs.size(); ++i) {
    std::vector<Frame> frames;
    std::string error;
    if (!read_frames(dir / ("out" + std::to_string(i + 1) + ".pcap"), &frames, &error)) {
      ADD_FAILURE() << "port " << i + 1 << ": " << error;
      return false;
    }
    r->ports.push_back(std::move(frames));
  }
  return true;
}

// Copies a failed run's files (output pcaps, flows, logs) to
// BUILD/e2e-failures/<case>/ and returns that path, for a look in Wireshark.
std::string keep_outputs(const GoldenCase& c, const TempDir& dir) {
  namespace fs = std::filesystem;
  const fs::path dest = fs::path(build_dir()) / "e2e-failures" / c.name;
  std::error_code ec;
  fs::remove_all(dest, ec);
  fs::create_directories(dest, ec);
  for (const auto& e : fs::directory_iterator(dir.path(), ec))
    if (e.is_regular_file()) fs::copy_file(e.path(), dest / e.path().filename(), ec);
  return dest.string();
}

// Differences between A and B ("" when equal), port by port.
std::string compare(const RunResult& expected, const RunResult& got) {
  std::string out;
  for (size_t p = 0; p < std::max(expected.ports.size(), got.ports.size()); ++p) {
    static const std::vector<Frame> kNone;
    const auto& e = p < expected.ports.size() ? expected.ports[p] : kNone;
    const auto& g = p < got.ports.size() ? got.ports[p] : kNone;
    const TraceDiff d = diff_frames(e, g);
    if (!d.same)
      out += "port " + std::to_string(p + 1) + " (out" + std::to_string(p + 1) + ".pcap): " + d.report;
  }
  if (expected.flows != got.flows)
    out +=
        "flow table at exit (flows.txt) differs:\n--- expected\n" + expected.flows + "--- got\n" + got.flows;
  return out;
}

std::string golden_dir(const GoldenCase& c, bool in_source) {
  return (in_source ? source_dir() + "/tests/data" : data_dir()) + "/golden/" + c.golden;
}

bool load_golden(const GoldenCase& c, RunResult* g, std::string* error) {
  const std::string dir = golden_dir(c, false);
  for (size_t i = 0; i < c.inputs.size(); ++i) {
    std::vector<Frame> frames;
    if (!read_frames(dir + "/out" + std::to_string(i + 1) + ".pcap", &frames, error)) return false;
    g->ports.push_back(std::move(frames));
  }
  if (!std::filesystem::exists(dir + "/flows.txt")) {
    *error = dir + "/flows.txt: missing";
    return false;
  }
  g->flows = read_file(dir + "/flows.txt");
  return true;
}

// Writes R as C's goldens (timestamps normalized), leaving files whose
// frames did not change untouched.
void write_golden(const GoldenCase& c, const RunResult& r) {
  const std::string dir = golden_dir(c, true);
  std::filesystem::create_directories(dir);
  for (size_t i = 0; i < r.ports.size(); ++i) {
    const std::string path = dir + "/out" + std::to_string(i + 1) + ".pcap";
    std::vector<Frame> old, frames = r.ports[i];
    std::string error;
    if (read_frames(path, &old, &error) && diff_frames(old, frames).same) continue;
    for (size_t k = 0; k < frames.size(); ++k) frames[k].timestamp_ns = kGoldenEpochNs + k * 1'000'000;
    ASSERT_TRUE(write_frames(path, frames, &error)) << error;
    std::printf("wrote %s (%zu frames)\n", path.c_str(), frames.size());
  }
  if (!std::filesystem::exists(dir + "/flows.txt") || read_file(dir + "/flows.txt") != r.flows) {
    std::ofstream(dir + "/flows.txt") << r.flows;
    std::printf("wrote %s\n", (dir + "/flows.txt").c_str());
  }
}

class GoldenTest : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(GoldenTest, ReplayMatchesGolden) {
  const GoldenCase& c = GetParam();
  for (const char* prog : {"/datapath/ofdp", "/controller/ofctl-run"})
    if (access((build_dir() + prog).c_str(), X_OK) != 0)
      GTEST_SKIP() << build_dir() + prog << " is not built";
  if (!has_app(c.app[0]))
    GTEST_SKIP() << "app '" << c.app[0] << "' is not in ofctl-run yet (--list-apps: " << available_apps()
                 << ")";
  for (const std::string& in : c.inputs) {
    if (in.empty()) continue;
    std::vector<Frame> frames;
    std::string error;
    ASSERT_TRUE(read_frames(data_dir() + "/" + in, &frames, &error)) << error;
    ASSERT_LE(frames.size(), kMaxInputFrames)
        << in << ": a golden input must fit one ofdp RX burst to replay deterministically";
  }
  const int runs = std::max(1, std::atoi(env_or("OFKIT_E2E_RUNS", "5").c_str()));
  // Update mode rewrites the goldens of cases that own them; a case sharing
  // another's goldens (the one-process forms) is still compared with them.
  const bool update = std::getenv("OFKIT_UPDATE_GOLDENS") != nullptr && c.golden == c.name;

  RunResult golden;
  std::string error;
  if (!update) {
    ASSERT_TRUE(load_golden(c, &golden, &error)) << error << "\n(make them: scripts/make-goldens.sh)";
  }
  RunResult first;
  for (int run = 1; run <= runs; ++run) {
    RunResult r;
    TempDir dir;
    ASSERT_TRUE(run_case(c, dir, &r)) << "run " << run << "; files kept in " << keep_outputs(c, dir);
    if (update) {
      if (run == 1) {
        first = r;
        continue;
      }
      const std::string d = compare(first, r);
      ASSERT_TRUE(d.empty()) << "run " << run << " differs from run 1, refusing to write goldens:\n" << d;
    } else {
      const std::string d = compare(golden, r);
      ASSERT_TRUE(d.empty()) << "case " << c.name << ", run " << run << " of " << runs
                             << ": output differs from " << golden_dir(c, false) << "\n"
                             << d << "ofdp's counters:\n"
                             << r.log << "files of this run kept in " << keep_outputs(c, dir);
    }
  }
  if (update) write_golden(c, first);
}

INSTANTIATE_TEST_SUITE_P(Cases, GoldenTest, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<GoldenCase>& info) { return info.param.name; });

}  // namespace
}  // namespace ofkit::e2e
