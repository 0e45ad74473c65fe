// ofpcap as a user runs it: exit codes and messages, `keys` cross-checked
// field by field against tshark's dissection of real captures (the demo
// trace and python3-dpkt's example captures), format conversions by editcap,
// `stats --json`, and a replay onto the loopback of a private network
// namespace.

#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/pcap/capture_bytes.h"

namespace {

namespace fs = std::filesystem;

std::string env_or(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v ? v : fallback;
}
std::string ofpcap() { return env_or("OFKIT_BUILD_DIR", ".") + "/pcap/ofpcap"; }
std::string data(const std::string& f) { return env_or("OFKIT_TEST_DATA", "tests/data") + "/" + f; }
const char* kDpktData = "/usr/share/doc/python3-dpkt/examples/data/";

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

struct Result {
  int code = -1;
  std::string out, err;
};

// Runs a shell command line, capturing stdout and stderr.
Result run(const std::string& cmdline) {
  static int n = 0;
  const std::string base =
      (fs::temp_directory_path() / ("ofpcap_test_" + std::to_string(getpid()) + "_" + std::to_string(n++)))
          .string();
  const int st = std::system(("(" + cmdline + ") >" + base + ".out 2>" + base + ".err </dev/null").c_str());
  Result r;
  r.code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  r.out = read_file(base + ".out");
  r.err = read_file(base + ".err");
  fs::remove(base + ".out");
  fs::remove(base + ".err");
  return r;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> v;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      v.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) v.push_back(cur);
  return v;
}

bool have_program(const std::string& name) { return run("command -v " + name).code == 0; }

TEST(Ofpcap, HelpAndBadCommandLines) {
  EXPECT_EQ(run(ofpcap() + " --help").code, 0);
  for (const char* sub : {"keys", "stats", "replay"}) {
    const Result r = run(ofpcap() + " " + sub + " --help");
    EXPECT_EQ(r.code, 0) << sub;
    EXPECT_NE(r.out.find("FILE"), std::string::npos) << sub;
  }
  const std::string demo = quote(data("demo.pcap"));
  for (const std::string& args :
       {std::string(""), std::string("frobnicate"), std::string("keys"), "keys " + demo + " extra",
        "stats " + demo + " --top=0", "replay " + demo, "replay " + demo + " --iface=lo --pps=0",
        "replay " + demo + " --iface=lo --pps=5 --speed=2",
        "replay " + demo + " --iface=lo --speed=2 --topspeed", "replay " + demo + " --iface=lo --loop=-1",
        "keys " + demo + " --bogus"}) {
    const Result r = run(ofpcap() + " " + args);
    EXPECT_EQ(r.code, 2) << args;
    EXPECT_FALSE(r.err.empty()) << args;
  }
}

TEST(Ofpcap, MissingDamagedAndNonEthernetFilesExitTwo) {
  for (const char* sub : {"keys", "stats"}) {
    Result r = run(ofpcap() + " " + sub + " /nonexistent/trace.pcap");
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("/nonexistent/trace.pcap"), std::string::npos) << r.err;

    using ofkit::pcap::testing::classic_pcap;
    ofkit::pcap::testing::TempFile sll(
        classic_pcap(false, false, 113, {{1, 0, std::vector<uint8_t>(40, 0), 0}}));
    r = run(ofpcap() + " " + sub + " " + sll.path());
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("link type LINUX_SLL (Linux cooked v1, DLT 113) is not Ethernet"), std::string::npos)
        << r.err;
  }
  // The demo trace cut in the middle of frame 4: three keys, then the error.
  const std::string demo = read_file(data("demo.pcap"));
  ASSERT_GT(demo.size(), 2000u);
  size_t off = 24;
  for (int i = 0; i < 3; ++i) {
    uint32_t caplen;
    std::memcpy(&caplen, demo.data() + off + 8, 4);  // little-endian file, little-endian host
    off += 16 + caplen;
  }
  ofkit::pcap::testing::TempFile cut(
      std::vector<uint8_t>(demo.begin(), demo.begin() + static_cast<long>(off + 20)));
  Result r = run(ofpcap() + " keys " + cut.path());
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(split(r.out, '\n').size(), 3u);
  EXPECT_NE(r.err.find("damaged at frame 4 (byte offset " + std::to_string(off) + ")"), std::string::npos)
      << r.err;
  r = run(ofpcap() + " stats " + cut.path());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("damaged at frame 4"), std::string::npos) << r.err;
}

TEST(Ofpcap, KeysOfTheDemoTraceHandChecked) {
  const Result r = run(ofpcap() + " keys " + quote(data("demo.pcap")));
  ASSERT_EQ(r.code, 0) << r.err;
  const auto lines = split(r.out, '\n');
  ASSERT_EQ(lines.size(), 138u);
  // Frame 5: alice's ARP request for the gateway.
  EXPECT_EQ(lines[4],
            "arp,in_port=0,dl_vlan=0xffff,dl_vlan_pcp=0,dl_src=02:00:00:00:00:01,dl_dst=ff:ff:ff:ff:ff:ff,"
            "arp_spa=10.0.0.1,arp_tpa=10.0.0.254,arp_op=1,nw_tos=0,tp_src=0,tp_dst=0");
  // Frame 66: RTP marked DSCP EF (46 << 2 = 184).
  EXPECT_NE(lines[65].find("nw_tos=184,tp_src=16384,tp_dst=16384"), std::string::npos) << lines[65];
  // Frames 120-122: a fragmented UDP datagram; only the first fragment has ports.
  EXPECT_NE(lines[119].find("tp_src=5000,tp_dst=6000"), std::string::npos) << lines[119];
  EXPECT_NE(lines[120].find("tp_src=0,tp_dst=0"), std::string::npos) << lines[120];
  EXPECT_NE(lines[121].find("tp_src=0,tp_dst=0"), std::string::npos) << lines[121];
  // Frame 123: the 802.1Q-tagged ping.
  EXPECT_NE(lines[122].find("icmp,in_port=0,dl_vlan=10,dl_vlan_pcp=5,"), std::string::npos) << lines[122];
  EXPECT_NE(lines[122].find("icmp_type=8,icmp_code=0"), std::string::npos) << lines[122];
}

// --- the tshark cross-check ------------------------------------------------

const char* const kTsharkFields[] = {
    "eth.src",
    "eth.dst",
    "eth.type",
    "vlan.id",
    "vlan.priority",
    "vlan.etype",
    "ip.src",
    "ip.dst",
    "ip.proto",
    "ip.dsfield.dscp",
    "ip.frag_offset",
    "tcp.srcport",
    "tcp.dstport",
    "udp.srcport",
    "udp.dstport",
    "icmp.type",
    "icmp.code",
    "arp.opcode",
    "arp.src.proto_ipv4",
    "arp.dst.proto_ipv4",
};

// ofpcap's match line as field -> value, with the shorthand turned into
// dl_type (and nw_proto) as ovs-ofctl defines them.
std::map<std::string, std::string> parse_match_line(const std::string& line) {
  std::map<std::string, std::string> m;
  for (const auto& tok : split(line, ',')) {
    const auto eq = tok.find('=');
    if (eq == std::string::npos) {
      static const std::map<std::string, std::pair<const char*, const char*>> shorthand = {
          {"ip", {"0x0800", nullptr}},   {"tcp", {"0x0800", "6"}},     {"udp", {"0x0800", "17"}},
          {"icmp", {"0x0800", "1"}},     {"arp", {"0x0806", nullptr}}, {"rarp", {"0x8035", nullptr}},
          {"ipv6", {"0x86dd", nullptr}},
      };
      const auto it = shorthand.find(tok);
      EXPECT_NE(it, shorthand.end()) << "unknown shorthand " << tok << " in " << line;
      if (it == shorthand.end()) continue;
      m["dl_type"] = it->second.first;
      if (it->second.second) m["nw_proto"] = it->second.second;
    } else {
      m[tok.substr(0, eq)] = tok.substr(eq + 1);
    }
  }
  return m;
}

uint32_t num(const std::string& s) { return static_cast<uint32_t>(std::stoul(s, nullptr, 0)); }

// Compares every packet's key with tshark's fields; returns the number of
// packets compared. Expected exit code of ofpcap (2 for damaged files).
size_t cross_check(const std::string& file, int expected_code = 0) {
  if (!have_program("tshark")) {
    ADD_FAILURE() << "tshark is not installed (scripts/install-deps.sh installs it)";
    return 0;
  }
  std::string cmd =
      "tshark -n -r " + quote(file) + " -o ip.defragment:FALSE -T fields -E separator=/t -E occurrence=f";
  for (const char* f : kTsharkFields) cmd += std::string(" -e ") + f;
  const Result shark = run(cmd);
  const Result keys = run(ofpcap() + " keys " + quote(file));
  EXPECT_EQ(keys.code, expected_code) << keys.err;
  const auto shark_lines = split(shark.out, '\n');
  const auto key_lines = split(keys.out, '\n');
  EXPECT_EQ(shark_lines.size(), key_lines.size()) << file << "\n" << shark.err;
  const size_t n = std::min(shark_lines.size(), key_lines.size());
  for (size_t i = 0; i < n; ++i) {
    SCOPED_TRACE(file + " frame " + std::to_string(i + 1) + "\n  ofpcap: " + key_lines[i] +
                 "\n  tshark: " + shark_lines[i]);
    std::vector<std::string> cols = split(shark_lines[i] + "\t", '\t');
    cols.resize(std::size(kTsharkFields));
    std::map<std::string, std::string> t;
    for (size_t c = 0; c < cols.size(); ++c) t[kTsharkFields[c]] = cols[c];
    auto k = parse_match_line(key_lines[i]);

    EXPECT_EQ(k["dl_src"], t["eth.src"]);
    EXPECT_EQ(k["dl_dst"], t["eth.dst"]);
    const bool tagged = !t["vlan.id"].empty();
    const std::string type = tagged ? t["vlan.etype"] : t["eth.type"];
    if (type.empty()) {
      EXPECT_EQ(num(k["dl_type"]), 0x05ffu);  // 802.3 length field: OFP_DL_TYPE_NOT_ETH_TYPE
    } else {
      EXPECT_EQ(num(k["dl_type"]), num(type));
    }
    EXPECT_EQ(num(k["dl_vlan"]), tagged ? num(t["vlan.id"]) : 0xffffu);
    EXPECT_EQ(num(k["dl_vlan_pcp"]), tagged ? num(t["vlan.priority"]) : 0u);

    const uint32_t dl_type = num(k["dl_type"]);
    if (dl_type == 0x0800) {
      EXPECT_EQ(k["nw_src"], t["ip.src"]);
      EXPECT_EQ(k["nw_dst"], t["ip.dst"]);
      const uint32_t proto = num(t["ip.proto"]);
      EXPECT_EQ(num(k["nw_proto"]), proto);
      EXPECT_EQ(num(k["nw_tos"]), num(t["ip.dsfield.dscp"]) << 2);
      const bool later_fragment = !t["ip.frag_offset"].empty() && num(t["ip.frag_offset"]) != 0;
      if (proto == 6 || proto == 17) {
        const std::string l4 = proto == 6 ? "tcp" : "udp";
        EXPECT_EQ(k["tp_src"], later_fragment ? "0" : t[l4 + ".srcport"]);
        EXPECT_EQ(k["tp_dst"], later_fragment ? "0" : t[l4 + ".dstport"]);
      } else if (proto == 1) {
        EXPECT_EQ(k["icmp_type"], later_fragment ? "0" : t["icmp.type"]);
        EXPECT_EQ(k["icmp_code"], later_fragment ? "0" : t["icmp.code"]);
      }
    } else if (dl_type == 0x0806) {
      EXPECT_EQ(num(k["arp_op"]), num(t["arp.opcode"]));
      EXPECT_EQ(k["arp_spa"], t["arp.src.proto_ipv4"]);
      EXPECT_EQ(k["arp_tpa"], t["arp.dst.proto_ipv4"]);
    } else {
      // OF1.0 keys carry no network fields for anything else (IPv6, PPPoE ...).
      EXPECT_EQ(k["nw_src"], "0.0.0.0");
      EXPECT_EQ(k["nw_dst"], "0.0.0.0");
      EXPECT_EQ(k["tp_src"], "0");
    }
  }
  return n;
}

TEST(Ofpcap, KeysMatchTsharkOnTheDemoTrace) { EXPECT_EQ(cross_check(data("demo.pcap")), 138u); }

TEST(Ofpcap, KeysMatchTsharkOnRealCaptures) {
  struct Capture {
    const char* name;
    size_t packets;
    int code;
  };
  // truncated_dns_2.pcap really is damaged: its last record header is cut
  // short (tshark says so too), so ofpcap prints the good key and exits 2.
  for (const Capture c :
       {Capture{"http.pcap", 43, 0}, Capture{"dns_icmp.pcap", 32, 0}, Capture{"nb6-http.pcap", 62, 0},
        Capture{"truncated_dns.pcap", 1, 0}, Capture{"truncated_dns_2.pcap", 1, 2}}) {
    const std::string path = std::string(kDpktData) + c.name;
    if (!fs::exists(path)) {
      ADD_FAILURE() << path
                    << " is missing: python3-dpkt is not installed (scripts/install-deps.sh installs it)";
      continue;
    }
    EXPECT_EQ(cross_check(path, c.code), c.packets) << c.name;
  }
}

TEST(Ofpcap, PcapngAndNanosecondCopiesGiveTheSameKeys) {
  if (!have_program("editcap")) {
    FAIL() << "editcap is not installed (tshark's package set; scripts/install-deps.sh installs it)";
  }
  const Result ref = run(ofpcap() + " keys " + quote(data("demo.pcap")));
  ASSERT_EQ(ref.code, 0);
  for (const char* format : {"pcapng", "nsecpcap"}) {
    const std::string out =
        (fs::temp_directory_path() / ("ofpcap_test_" + std::to_string(getpid()) + "." + format)).string();
    ASSERT_EQ(run("editcap -F " + std::string(format) + " " + quote(data("demo.pcap")) + " " + out).code, 0);
    const Result r = run(ofpcap() + " keys " + out);
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, ref.out) << format;
    const Result s = run(ofpcap() + " stats --json " + out);
    EXPECT_EQ(s.code, 0);
    EXPECT_EQ(nlohmann::json::parse(s.out)["duration_s"], 0.648103) << format;
    fs::remove(out);
  }
}

TEST(Ofpcap, StatsOfTheDemoTrace) {
  const Result r = run(ofpcap() + " stats --json --top=3 " + quote(data("demo.pcap")));
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["packets"], 138);
  EXPECT_EQ(j["bytes"], 49930);
  EXPECT_EQ(j["first_timestamp_ns"], 1704067200001207000ull);
  EXPECT_EQ(j["frames"]["vlan_tagged"], 4);
  EXPECT_EQ(j["frames"]["broadcast"], 9);  // 2 DHCP, 6 ARP requests, 1 NetBIOS (see the script)
  EXPECT_EQ(j["protocols"]["arp"]["packets"], 12);
  EXPECT_EQ(j["protocols"]["ipv6/icmpv6"]["packets"], 6);
  EXPECT_EQ(j["protocols"]["ipv4/tcp"]["packets"], 40);
  uint64_t sum = 0;
  for (const auto& [name, c] : j["protocols"].items()) sum += c["packets"].get<uint64_t>();
  EXPECT_EQ(sum, 138u);
  ASSERT_EQ(j["top_talkers"].size(), 3u);
  EXPECT_EQ(j["top_talkers"][0]["mac"], "02:00:00:00:00:03");  // carol served the HTTP response
  EXPECT_EQ(j["top_talkers"][0]["ipv4"], "10.0.0.3");
  // The distinct keys equal the distinct lines of `ofpcap keys`.
  const Result k = run(ofpcap() + " keys " + quote(data("demo.pcap")) + " | sort -u | wc -l");
  EXPECT_EQ(j["distinct_flow_keys"].get<int>(), std::stoi(k.out));
  const Result text = run(ofpcap() + " stats " + quote(data("demo.pcap")));
  EXPECT_EQ(text.code, 0);
  EXPECT_NE(text.out.find("packets:    138"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("top talkers"), std::string::npos) << text.out;
}

TEST(Ofpcap, ReplaysOntoLoopbackInAPrivateNetworkNamespace) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root for a network namespace";
  if (!have_program("unshare") || !have_program("ip")) FAIL() << "unshare/ip missing (util-linux, iproute2)";
  const std::string inner = "ip link set lo up && " + ofpcap() + " replay " + quote(data("demo.pcap")) +
                            " --iface=lo --topspeed --loop=2";
  Result r = run("unshare --net sh -c " + quote(inner));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("ofpcap replay: 276 frames, 99860 bytes"), std::string::npos) << r.err;
  // A fixed rate high enough to finish at once, and the original timing sped up.
  for (const char* pacing : {"--pps=100000", "--speed=50"}) {
    const std::string cmd = "ip link set lo up && " + ofpcap() + " replay " + quote(data("demo-port3.pcap")) +
                            " --iface=lo " + pacing;
    r = run("unshare --net sh -c " + quote(cmd));
    EXPECT_EQ(r.code, 0) << pacing << r.err;
    EXPECT_NE(r.err.find("ofpcap replay: 18 frames"), std::string::npos) << r.err;
  }
  r = run("unshare --net " + ofpcap() + " replay " + quote(data("demo.pcap")) + " --iface=nosuchif0");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("nosuchif0"), std::string::npos) << r.err;
}

}  // namespace
