#pragma once
// Packet trace files through libpcap: read pcap (micro/nanosecond, either
// byte order) and pcapng, write pcap. Frames are handed out as views that
// stay valid until the next read.

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include <pcap/pcap.h>

namespace ofkit::pcap {

struct TraceFrame {
  uint64_t timestamp_ns = 0;
  uint32_t orig_len = 0;            // length on the wire
  std::span<const uint8_t> data;    // captured bytes (may be shorter than orig_len)
};

enum class ReadStatus { kFrame, kEnd, kError };

class TraceReader {
 public:
  // Opens FILE; on failure returns nullptr and sets *error to a message
  // naming the file and the reason.
  static std::unique_ptr<TraceReader> open(const std::string& path, std::string* error);
  ~TraceReader();
  TraceReader(const TraceReader&) = delete;
  TraceReader& operator=(const TraceReader&) = delete;

  ReadStatus next(TraceFrame* frame);
  const std::string& error() const { return error_; }
  int link_type() const;  // DLT_* value
  uint64_t frames_read() const { return frames_; }

 private:
  explicit TraceReader(pcap_t* handle) : handle_(handle) {}
  pcap_t* handle_;
  std::string error_;
  uint64_t frames_ = 0;
};

class TraceWriter {
 public:
  // Creates (truncates) PATH as a nanosecond-resolution Ethernet pcap.
  static std::unique_ptr<TraceWriter> create(const std::string& path, std::string* error,
                                             int link_type = DLT_EN10MB, int snaplen = 65535);
  ~TraceWriter();
  TraceWriter(const TraceWriter&) = delete;
  TraceWriter& operator=(const TraceWriter&) = delete;

  void write(std::span<const uint8_t> data, uint64_t timestamp_ns, uint32_t orig_len = 0);
  void flush();
  uint64_t frames_written() const { return frames_; }

 private:
  TraceWriter(pcap_t* handle, pcap_dumper_t* dumper) : handle_(handle), dumper_(dumper) {}
  pcap_t* handle_;
  pcap_dumper_t* dumper_;
  uint64_t frames_ = 0;
};

}  // namespace ofkit::pcap
