#pragma once
// Packet-by-packet comparison of two traces (an expected "golden" pcap and
// what a switch wrote), for the golden trace-replay suite.
//
// Frames are compared by their bytes only: timestamps are ignored (ofdp
// stamps its output with the wall clock) but printed, relative to each
// trace's first frame. The two sequences are aligned by a longest common
// subsequence, so one extra or missing frame shows as one line rather than
// as every later frame "changed"; a run of missing frames next to a run of
// extra ones is paired up as "changed" frames, each with the first byte
// offset where they differ.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace ofkit::e2e {

struct Frame {
  uint64_t timestamp_ns = 0;
  std::vector<uint8_t> data;
};

// Every frame of PATH (pcap or pcapng). False with *error on failure.
bool read_frames(const std::string& path, std::vector<Frame>* frames, std::string* error);

// Writes FRAMES to PATH as a pcap file (nanosecond timestamps).
bool write_frames(const std::string& path, const std::vector<Frame>& frames, std::string* error);

// "len=60 arp,dl_src=...,dl_dst=...,arp_op=1": the length and the frame's
// OpenFlow 1.0 flow key as an ovs-ofctl match (in_port left out).
std::string summarize(std::span<const uint8_t> data);

struct TraceDiff {
  bool same = true;
  size_t matching = 0, changed = 0, missing = 0, extra = 0;
  std::string report;  // empty when same
};

// Aligns GOT against EXPECTED. The report names every difference (up to
// MAX_LINES lines, then a count of what was left out): index in each trace,
// relative timestamp, summaries of expected and got, first differing byte.
TraceDiff diff_frames(const std::vector<Frame>& expected, const std::vector<Frame>& got,
                      size_t max_lines = 40);

}  // namespace ofkit::e2e
