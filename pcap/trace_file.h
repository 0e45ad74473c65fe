#pragma once
// Packet trace files: read pcap (micro/nanosecond, either byte order) and
// pcapng, write pcap.
//
// Two readers hide behind one class. Classic pcap files (or buffers) are mapped into
// memory and their records walked directly: no allocation, no copy, and every
// frame view stays valid for the reader's lifetime (stable_views()). pcapng,
// the rarer pcap variants and anything the mapped reader does not recognise
// go through libpcap, whose views last only until the next read. Both report
// damage the same way: the good frames up to the damage are returned, then
// kError with a message naming the file, the frame number (1-based, as
// Wireshark counts) and the byte offset of the bad record.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include <pcap/pcap.h>

namespace ofkit::pcap {

struct TraceFrame {
  uint64_t timestamp_ns = 0;
  uint32_t orig_len = 0;          // length on the wire
  std::span<const uint8_t> data;  // captured bytes (may be shorter than orig_len)
};

enum class ReadStatus { kFrame, kEnd, kError };

// The largest record a reader accepts (libpcap's limit for any link type).
inline constexpr uint32_t kMaxRecordLen = 262144;

struct OpenOptions {
  enum class Backend {
    kAuto,     // mapped reader for classic Ethernet pcap, libpcap otherwise
    kLibpcap,  // always libpcap (tests cross-check the two)
  };
  Backend backend = Backend::kAuto;
  // Refuse files whose link type is not Ethernet (DLT_EN10MB), naming the
  // type: what the switch and ofpcap need, since they forward Ethernet frames.
  bool require_ethernet = false;
};

// "LINUX_SLL (Linux cooked v1, DLT 113)" for error messages.
std::string link_type_name(int dlt);

class TraceReader {
 public:
  // Opens PATH; on failure returns nullptr and sets *error to a message
  // naming the file and the reason.
  static std::unique_ptr<TraceReader> open(const std::string& path, std::string* error,
                                           const OpenOptions& options = {});
  // Reads a capture held in memory (BYTES must outlive the reader); NAME
  // stands for the path in messages. Same formats and backends as open().
  static std::unique_ptr<TraceReader> open_memory(std::span<const uint8_t> bytes, const std::string& name,
                                                  std::string* error, const OpenOptions& options = {});
  ~TraceReader();
  TraceReader(const TraceReader&) = delete;
  TraceReader& operator=(const TraceReader&) = delete;

  // Next frame; kEnd at a clean end of file; kError (see error()) at damage.
  // After kEnd or kError every further call returns the same status.
  ReadStatus next(TraceFrame* frame) {
    if (map_ != nullptr) return next_mapped(frame);
    return next_libpcap(frame);
  }
  // Up to MAX frames into FRAMES; returns how many. Stops early at the end
  // or at damage (status() then says which).
  size_t next_burst(TraceFrame* frames, size_t max);
  // Back to the first frame (for looping replays). False (with error()) if
  // the file can no longer be opened.
  bool rewind();

  // True when frame views stay valid until the reader is destroyed (mapped
  // files); false when they last only until the next read (libpcap).
  bool stable_views() const { return map_ != nullptr; }
  ReadStatus status() const { return status_; }
  const std::string& error() const { return error_; }
  const std::string& path() const { return path_; }
  int link_type() const { return link_type_; }  // DLT_* value
  uint64_t frames_read() const { return frames_; }
  bool nanosecond_file() const { return nanosecond_file_; }

 private:
  TraceReader() = default;
  static std::unique_ptr<TraceReader> finish_open(std::unique_ptr<TraceReader> r, const OpenOptions& options,
                                                  std::string* error);
  bool open_mapped(std::string* error);
  bool open_libpcap(std::string* error);
  ReadStatus next_mapped(TraceFrame* frame);
  ReadStatus next_libpcap(TraceFrame* frame);
  ReadStatus fail(uint64_t offset, const std::string& why);

  std::string path_;
  OpenOptions options_;
  bool in_memory_ = false;
  std::span<const uint8_t> memory_;
  // Mapped classic pcap.
  const uint8_t* map_ = nullptr;
  size_t map_len_ = 0;
  size_t pos_ = 0;
  size_t prefetched_ = 0;  // every cache line below this has been prefetched
  bool swapped_ = false;
  bool nanosecond_file_ = false;
  // libpcap.
  pcap_t* handle_ = nullptr;

  int link_type_ = 0;
  ReadStatus status_ = ReadStatus::kFrame;
  std::string error_;
  uint64_t frames_ = 0;
};

class TraceWriter {
 public:
  enum class Precision { kNano, kMicro };
  // Creates (truncates) PATH as a pcap file of the given link type and
  // timestamp precision (nanoseconds unless asked otherwise).
  static std::unique_ptr<TraceWriter> create(const std::string& path, std::string* error,
                                             int link_type = DLT_EN10MB, int snaplen = 65535,
                                             Precision precision = Precision::kNano);
  ~TraceWriter();
  TraceWriter(const TraceWriter&) = delete;
  TraceWriter& operator=(const TraceWriter&) = delete;

  void write(std::span<const uint8_t> data, uint64_t timestamp_ns, uint32_t orig_len = 0);
  void flush();
  uint64_t frames_written() const { return frames_; }

 private:
  TraceWriter(pcap_t* handle, pcap_dumper_t* dumper, Precision precision)
      : handle_(handle), dumper_(dumper), precision_(precision) {}
  pcap_t* handle_;
  pcap_dumper_t* dumper_;
  Precision precision_;
  uint64_t frames_ = 0;
};

}  // namespace ofkit::pcap
