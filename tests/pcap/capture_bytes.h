#pragma once
// Builds capture files byte by byte from the format descriptions (pcap:
// draft-ietf-opsawg-pcap, pcapng: draft-ietf-opsawg-pcapng), independent of
// the code under test, and writes them to temporary files.

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace ofkit::pcap::testing {

struct Record {
  uint32_t sec = 0;
  uint32_t frac = 0;  // micro- or nanoseconds, as the file says
  std::vector<uint8_t> data;
  uint32_t orig_len = 0;  // 0: data.size()
};

class ByteWriter {
 public:
  explicit ByteWriter(bool big_endian) : big_(big_endian) {}
  void u8(uint8_t v) { out_.push_back(v); }
  void u16(uint16_t v) {
    if (big_) {
      u8(v >> 8), u8(v & 0xff);
    } else {
      u8(v & 0xff), u8(v >> 8);
    }
  }
  void u32(uint32_t v) {
    for (int i = 0; i < 4; ++i) u8(static_cast<uint8_t>(big_ ? v >> (24 - 8 * i) : v >> (8 * i)));
  }
  void bytes(const std::vector<uint8_t>& b) { out_.insert(out_.end(), b.begin(), b.end()); }
  void pad4() {
    while (out_.size() % 4) u8(0);
  }
  std::vector<uint8_t>& out() { return out_; }

 private:
  bool big_;
  std::vector<uint8_t> out_;
};

// Classic pcap: 24-byte file header, then 16-byte record headers.
inline std::vector<uint8_t> classic_pcap(bool big_endian, bool nano, uint32_t link_type,
                                         const std::vector<Record>& records, uint32_t snaplen = 65535) {
  ByteWriter w(big_endian);
  w.u32(nano ? 0xa1b23c4d : 0xa1b2c3d4);
  w.u16(2);  // version 2.4
  w.u16(4);
  w.u32(0);  // thiszone
  w.u32(0);  // sigfigs
  w.u32(snaplen);
  w.u32(link_type);
  for (const auto& r : records) {
    w.u32(r.sec);
    w.u32(r.frac);
    w.u32(static_cast<uint32_t>(r.data.size()));
    w.u32(r.orig_len ? r.orig_len : static_cast<uint32_t>(r.data.size()));
    w.bytes(r.data);
  }
  return w.out();
}

// pcapng: section header, one interface description (if_tsresol 9 when
// NANO, else the default microseconds), one enhanced packet block per record
// (timestamp in the interface's units: sec * 10^k + frac).
inline std::vector<uint8_t> pcapng(bool big_endian, bool nano, uint16_t link_type,
                                   const std::vector<Record>& records) {
  ByteWriter w(big_endian);
  w.u32(0x0a0d0d0a);  // SHB
  w.u32(28);
  w.u32(0x1a2b3c4d);  // byte-order magic
  w.u16(1);
  w.u16(0);
  w.u32(0xffffffff);  // section length -1: unknown
  w.u32(0xffffffff);
  w.u32(28);
  const uint32_t idb_len = nano ? 32 : 20;
  w.u32(1);  // IDB
  w.u32(idb_len);
  w.u16(link_type);
  w.u16(0);
  w.u32(65535);
  if (nano) {
    w.u16(9);  // if_tsresol
    w.u16(1);
    w.u8(9);  // 10^-9
    w.pad4();
    w.u16(0);  // opt_endofopt
    w.u16(0);
  }
  w.u32(idb_len);
  for (const auto& r : records) {
    const uint32_t padded = (static_cast<uint32_t>(r.data.size()) + 3) & ~3u;
    const uint64_t ts = static_cast<uint64_t>(r.sec) * (nano ? 1000000000ull : 1000000ull) + r.frac;
    w.u32(6);  // EPB
    w.u32(32 + padded);
    w.u32(0);  // interface 0
    w.u32(static_cast<uint32_t>(ts >> 32));
    w.u32(static_cast<uint32_t>(ts));
    w.u32(static_cast<uint32_t>(r.data.size()));
    w.u32(r.orig_len ? r.orig_len : static_cast<uint32_t>(r.data.size()));
    w.bytes(r.data);
    w.pad4();
    w.u32(32 + padded);
  }
  return w.out();
}

// A temporary file removed when the object goes away.
class TempFile {
 public:
  explicit TempFile(const std::vector<uint8_t>& bytes, const std::string& suffix = ".pcap") {
    static int counter = 0;
    path_ = (std::filesystem::temp_directory_path() /
             ("ofkit_pcap_test_" + std::to_string(getpid()) + "_" + std::to_string(counter++) + suffix))
                .string();
    std::ofstream f(path_, std::ios::binary);
    f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  }
  ~TempFile() { std::filesystem::remove(path_); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A frame of LEN bytes whose bytes are SEED, SEED+1, ...
inline std::vector<uint8_t> pattern(size_t len, uint8_t seed) {
  std::vector<uint8_t> v(len);
  for (size_t i = 0; i < len; ++i) v[i] = static_cast<uint8_t>(seed + i);
  return v;
}

}  // namespace ofkit::pcap::testing
