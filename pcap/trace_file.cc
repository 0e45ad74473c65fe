#include "pcap/trace_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace ofkit::pcap {
namespace {

// Classic pcap file header and record header (both 4-byte aligned fields in
// the file's byte order, see the pcap format draft, section 4 and 5).
constexpr size_t kFileHeaderLen = 24;
constexpr size_t kRecordHeaderLen = 16;
constexpr uint32_t kMagicMicro = 0xa1b2c3d4;
constexpr uint32_t kMagicNano = 0xa1b23c4d;
constexpr uint32_t kLinkTypeEthernet = 1;  // LINKTYPE_ETHERNET == DLT_EN10MB
constexpr size_t kPrefetchDistance = 4096;

inline uint32_t load32(const uint8_t* p, bool swapped) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return swapped ? __builtin_bswap32(v) : v;
}

}  // namespace

std::string link_type_name(int dlt) {
  const char* name = pcap_datalink_val_to_name(dlt);
  const char* desc = pcap_datalink_val_to_description(dlt);
  std::string s = name ? name : "unknown";
  s += " (";
  if (desc) {
    s += desc;
    s += ", ";
  }
  s += "DLT " + std::to_string(dlt) + ")";
  return s;
}

std::unique_ptr<TraceReader> TraceReader::finish_open(std::unique_ptr<TraceReader> r,
                                                      const OpenOptions& options, std::string* error) {
  std::string err;
  bool ok = false;
  if (options.backend == OpenOptions::Backend::kAuto) ok = r->open_mapped(&err);
  if (!ok && err.empty()) ok = r->open_libpcap(&err);
  if (ok && options.require_ethernet && r->link_type_ != DLT_EN10MB) {
    err = r->path_ + ": link type " + link_type_name(r->link_type_) +
          " is not Ethernet; only Ethernet (EN10MB) captures can be forwarded";
    ok = false;
  }
  if (!ok) {
    if (error) *error = err;
    return nullptr;
  }
  return r;
}

std::unique_ptr<TraceReader> TraceReader::open(const std::string& path, std::string* error,
                                               const OpenOptions& options) {
  std::unique_ptr<TraceReader> r(new TraceReader());
  r->path_ = path;
  r->options_ = options;
  return finish_open(std::move(r), options, error);
}

std::unique_ptr<TraceReader> TraceReader::open_memory(std::span<const uint8_t> bytes, const std::string& name,
                                                      std::string* error, const OpenOptions& options) {
  std::unique_ptr<TraceReader> r(new TraceReader());
  r->path_ = name;
  r->options_ = options;
  r->memory_ = bytes;
  r->in_memory_ = true;
  return finish_open(std::move(r), options, error);
}

// Maps the file (or takes the memory buffer) if it is a classic Ethernet
// pcap. Returns false with *error empty when it is something else (libpcap
// then gets to try), false with *error set when the file cannot be opened.
bool TraceReader::open_mapped(std::string* error) {
  const uint8_t* p = nullptr;
  size_t len = 0;
  if (in_memory_) {
    p = memory_.data();
    len = memory_.size();
    if (len < kFileHeaderLen) return false;
  } else {
    const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      *error = path_ + ": " + std::strerror(errno);
      return false;
    }
    struct stat st = {};
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < static_cast<off_t>(kFileHeaderLen)) {
      ::close(fd);
      return false;  // pipes, devices, short files: libpcap's messages are fine
    }
    len = static_cast<size_t>(st.st_size);
    void* m = mmap(nullptr, len, PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (m == MAP_FAILED) return false;
    p = static_cast<const uint8_t*>(m);
  }
  const auto give_up = [&] {
    if (!in_memory_) munmap(const_cast<uint8_t*>(p), len);
    return false;
  };
  uint32_t magic;
  std::memcpy(&magic, p, 4);
  bool swapped = false, nano = false;
  if (magic == kMagicMicro || magic == kMagicNano) {
    nano = magic == kMagicNano;
  } else if (__builtin_bswap32(magic) == kMagicMicro || __builtin_bswap32(magic) == kMagicNano) {
    swapped = true;
    nano = __builtin_bswap32(magic) == kMagicNano;
  } else {
    return give_up();
  }
  uint16_t major;  // version is two 16-bit fields, major then minor
  std::memcpy(&major, p + 4, 2);
  if (swapped) major = __builtin_bswap16(major);
  const uint32_t link = load32(p + 20, swapped) & 0x03ffffff;  // low bits: LINKTYPE; high: FCS info
  if (major != 2 || link != kLinkTypeEthernet) {
    return give_up();  // libpcap knows the LINKTYPE -> DLT mapping and old versions
  }
  if (!in_memory_) madvise(const_cast<uint8_t*>(p), len, MADV_SEQUENTIAL);
  map_ = p;
  map_len_ = len;
  pos_ = kFileHeaderLen;
  swapped_ = swapped;
  nanosecond_file_ = nano;
  link_type_ = DLT_EN10MB;
  return true;
}

bool TraceReader::open_libpcap(std::string* error) {
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  if (in_memory_) {
    FILE* f =
        memory_.empty() ? nullptr : fmemopen(const_cast<uint8_t*>(memory_.data()), memory_.size(), "rb");
    if (f == nullptr) {
      *error = path_ + ": empty capture";
      return false;
    }
    handle_ = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, errbuf);
    if (handle_ == nullptr) fclose(f);  // on success pcap_close() closes it
  } else {
    handle_ = pcap_open_offline_with_tstamp_precision(path_.c_str(), PCAP_TSTAMP_PRECISION_NANO, errbuf);
  }
  if (handle_ == nullptr) {
    *error = path_ + ": " + errbuf;
    return false;
  }
  link_type_ = pcap_datalink(handle_);
  return true;
}

TraceReader::~TraceReader() {
  if (map_ != nullptr && !in_memory_) munmap(const_cast<uint8_t*>(map_), map_len_);
  if (handle_ != nullptr) pcap_close(handle_);
}

ReadStatus TraceReader::fail(uint64_t offset, const std::string& why) {
  error_ = path_ + ": damaged at frame " + std::to_string(frames_ + 1) + " (byte offset " +
           std::to_string(offset) + "): " + why;
  status_ = ReadStatus::kError;
  return status_;
}

ReadStatus TraceReader::next_mapped(TraceFrame* frame) {
  if (status_ != ReadStatus::kFrame) return status_;
  // Record headers sit at irregular offsets, each found only by reading the
  // previous one: a chain of dependent loads the hardware prefetcher does not
  // follow across pages. Streaming prefetches a fixed distance ahead turn it
  // into a sequential read.
  const size_t ahead = std::min(pos_ + kPrefetchDistance, map_len_);
  for (; prefetched_ < ahead; prefetched_ += 64) __builtin_prefetch(map_ + prefetched_);
  const size_t left = map_len_ - pos_;
  if (left < kRecordHeaderLen) {
    if (left == 0) return status_ = ReadStatus::kEnd;
    return fail(pos_, "record header truncated (" + std::to_string(left) + " of 16 bytes present)");
  }
  const uint8_t* h = map_ + pos_;
  const uint32_t caplen = load32(h + 8, swapped_);
  if (caplen > kMaxRecordLen) {
    return fail(pos_, "record length " + std::to_string(caplen) + " is larger than the maximum " +
                          std::to_string(kMaxRecordLen));
  }
  if (left - kRecordHeaderLen < caplen) {
    return fail(pos_, "record truncated (" + std::to_string(left - kRecordHeaderLen) + " of " +
                          std::to_string(caplen) + " captured bytes present)");
  }
  const uint64_t sec = load32(h, swapped_);
  const uint64_t frac = load32(h + 4, swapped_);
  frame->timestamp_ns = sec * 1000000000ull + (nanosecond_file_ ? frac : frac * 1000ull);
  frame->orig_len = load32(h + 12, swapped_);
  frame->data = std::span<const uint8_t>(h + kRecordHeaderLen, caplen);
  pos_ += kRecordHeaderLen + caplen;
  ++frames_;
  return ReadStatus::kFrame;
}

ReadStatus TraceReader::next_libpcap(TraceFrame* frame) {
  if (status_ != ReadStatus::kFrame) return status_;
  FILE* f = pcap_file(handle_);
  const long offset = f ? std::ftell(f) : -1;
  struct pcap_pkthdr* hdr = nullptr;
  const u_char* bytes = nullptr;
  const int rc = pcap_next_ex(handle_, &hdr, &bytes);
  if (rc == 1) {
    frame->timestamp_ns = static_cast<uint64_t>(hdr->ts.tv_sec) * 1000000000ull +
                          static_cast<uint64_t>(hdr->ts.tv_usec);  // nano precision requested
    frame->orig_len = hdr->len;
    frame->data = std::span<const uint8_t>(bytes, hdr->caplen);
    ++frames_;
    return ReadStatus::kFrame;
  }
  if (rc == PCAP_ERROR_BREAK) return status_ = ReadStatus::kEnd;
  return fail(offset < 0 ? 0 : static_cast<uint64_t>(offset), pcap_geterr(handle_));
}

size_t TraceReader::next_burst(TraceFrame* frames, size_t max) {
  size_t n = 0;
  while (n < max && next(&frames[n]) == ReadStatus::kFrame) ++n;
  return n;
}

bool TraceReader::rewind() {
  frames_ = 0;
  status_ = ReadStatus::kFrame;
  error_.clear();
  if (map_ != nullptr) {
    pos_ = kFileHeaderLen;
    prefetched_ = 0;
    return true;
  }
  pcap_close(handle_);
  handle_ = nullptr;
  std::string err;
  if (!open_libpcap(&err)) {
    error_ = err;
    status_ = ReadStatus::kError;
    return false;
  }
  return true;
}

std::unique_ptr<TraceWriter> TraceWriter::create(const std::string& path, std::string* error, int link_type,
                                                 int snaplen, Precision precision) {
  pcap_t* h = pcap_open_dead_with_tstamp_precision(
      link_type, snaplen,
      precision == Precision::kNano ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO);
  if (h == nullptr) {
    if (error) *error = "pcap_open_dead failed";
    return nullptr;
  }
  pcap_dumper_t* d = pcap_dump_open(h, path.c_str());
  if (d == nullptr) {
    if (error) *error = path + ": " + pcap_geterr(h);
    pcap_close(h);
    return nullptr;
  }
  return std::unique_ptr<TraceWriter>(new TraceWriter(h, d, precision));
}

TraceWriter::~TraceWriter() {
  pcap_dump_close(dumper_);
  pcap_close(handle_);
}

void TraceWriter::write(std::span<const uint8_t> data, uint64_t timestamp_ns, uint32_t orig_len) {
  struct pcap_pkthdr hdr = {};
  hdr.ts.tv_sec = static_cast<time_t>(timestamp_ns / 1000000000ull);
  const uint64_t frac = timestamp_ns % 1000000000ull;
  // The field is tv_usec, but it holds nanoseconds for a nanosecond dumper.
  hdr.ts.tv_usec = static_cast<suseconds_t>(precision_ == Precision::kNano ? frac : frac / 1000);
  hdr.caplen = static_cast<uint32_t>(data.size());
  hdr.len = orig_len ? orig_len : hdr.caplen;
  pcap_dump(reinterpret_cast<u_char*>(dumper_), &hdr, data.data());
  ++frames_;
}

void TraceWriter::flush() { pcap_dump_flush(dumper_); }

}  // namespace ofkit::pcap
