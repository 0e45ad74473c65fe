#include "pcap/trace_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <vector>

#include "tests/pcap/capture_bytes.h"

namespace ofkit::pcap {
namespace {

using testing::classic_pcap;
using testing::pattern;
using testing::Record;
using testing::TempFile;
using Backend = OpenOptions::Backend;

std::vector<Record> three_records() {
  return {
      {1700000000, 1, pattern(60, 0x10), 0},
      {1700000000, 999999, pattern(1514, 0x20), 1600},
      {1700000001, 500000, pattern(64, 0x30), 0},
  };
}

std::unique_ptr<TraceReader> open_ok(const std::string& path, Backend backend, bool ethernet = false) {
  std::string err;
  OpenOptions o;
  o.backend = backend;
  o.require_ethernet = ethernet;
  auto r = TraceReader::open(path, &err, o);
  EXPECT_TRUE(r) << err;
  return r;
}

TEST(TraceFile, WritesAndReadsBackFramesWithNanosecondTimes) {
  const auto path =
      std::filesystem::temp_directory_path() / ("ofkit_trace_" + std::to_string(getpid()) + ".pcap");
  std::string err;
  {
    auto w = TraceWriter::create(path, &err);
    ASSERT_TRUE(w) << err;
    std::vector<uint8_t> a(60, 0xaa), b(1514, 0xbb);
    w->write(a, 1'000'000'123);
    w->write(b, 2'500'000'000, 1600);
    EXPECT_EQ(w->frames_written(), 2u);
  }
  for (Backend backend : {Backend::kAuto, Backend::kLibpcap}) {
    auto r = open_ok(path, backend);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->stable_views(), backend == Backend::kAuto);
    EXPECT_EQ(r->link_type(), DLT_EN10MB);
    TraceFrame f;
    ASSERT_EQ(r->next(&f), ReadStatus::kFrame);
    EXPECT_EQ(f.timestamp_ns, 1'000'000'123u);
    EXPECT_EQ(f.data.size(), 60u);
    EXPECT_EQ(f.data[59], 0xaa);
    ASSERT_EQ(r->next(&f), ReadStatus::kFrame);
    EXPECT_EQ(f.timestamp_ns, 2'500'000'000u);
    EXPECT_EQ(f.data.size(), 1514u);
    EXPECT_EQ(f.orig_len, 1600u);
    EXPECT_EQ(r->next(&f), ReadStatus::kEnd);
    EXPECT_EQ(r->next(&f), ReadStatus::kEnd);
  }
  std::filesystem::remove(path);
}

TEST(TraceFile, MicrosecondWriterWritesTheClassicHeaderByHand) {
  const std::string path =
      (std::filesystem::temp_directory_path() / ("ofkit_trace_us_" + std::to_string(getpid()) + ".pcap"))
          .string();
  std::string err;
  {
    auto w = TraceWriter::create(path, &err, DLT_EN10MB, 65535, TraceWriter::Precision::kMicro);
    ASSERT_TRUE(w) << err;
    w->write(pattern(60, 1), 7'000'123'456);
  }
  auto r = open_ok(path, Backend::kAuto);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->nanosecond_file());
  TraceFrame f;
  ASSERT_EQ(r->next(&f), ReadStatus::kFrame);
  EXPECT_EQ(f.timestamp_ns, 7'000'123'000u);  // microsecond file: nanoseconds dropped
  std::filesystem::remove(path);
}

TEST(TraceFile, HandWrittenHeaderGoldenBytes) {
  // A little-endian microsecond Ethernet pcap with one 4-byte frame, byte for
  // byte from the format description.
  const std::vector<uint8_t> golden = {
      0xd4, 0xc3, 0xb2, 0xa1, 0x02, 0x00, 0x04, 0x00,  // magic, version 2.4
      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // thiszone, sigfigs
      0xff, 0xff, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,  // snaplen 65535, LINKTYPE_ETHERNET
      0x02, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,  // ts 2 s 3 us
      0x04, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00,  // caplen 4, len 5
      0xde, 0xad, 0xbe, 0xef,
  };
  EXPECT_EQ(classic_pcap(false, false, 1, {{2, 3, {0xde, 0xad, 0xbe, 0xef}, 5}}), golden);
  TempFile file(golden);
  for (Backend backend : {Backend::kAuto, Backend::kLibpcap}) {
    auto r = open_ok(file.path(), backend);
    ASSERT_TRUE(r);
    TraceFrame f;
    ASSERT_EQ(r->next(&f), ReadStatus::kFrame);
    EXPECT_EQ(f.timestamp_ns, 2'000'003'000u);
    EXPECT_EQ(f.orig_len, 5u);
    ASSERT_EQ(f.data.size(), 4u);
    EXPECT_EQ(f.data[0], 0xde);
    EXPECT_EQ(f.data[3], 0xef);
    EXPECT_EQ(r->next(&f), ReadStatus::kEnd);
  }
}

struct Format {
  const char* name;
  bool ng;
  bool big_endian;
  bool nano;
};

class EveryFormat : public ::testing::TestWithParam<std::tuple<Format, Backend>> {};

TEST_P(EveryFormat, ReadsFramesTimesAndLengths) {
  const auto [fmt, backend] = GetParam();
  auto records = three_records();
  if (fmt.nano) {
    records[0].frac = 1;          // 1 ns
    records[1].frac = 999999999;  // 999999999 ns
    records[2].frac = 500000000;
  }
  const auto bytes = fmt.ng ? testing::pcapng(fmt.big_endian, fmt.nano, 1, records)
                            : classic_pcap(fmt.big_endian, fmt.nano, 1, records);
  TempFile file(bytes, fmt.ng ? ".pcapng" : ".pcap");
  auto r = open_ok(file.path(), backend, /*ethernet=*/true);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->link_type(), DLT_EN10MB);
  EXPECT_EQ(r->stable_views(), !fmt.ng && backend == Backend::kAuto);
  const uint64_t unit = fmt.nano ? 1 : 1000;
  for (const auto& rec : records) {
    TraceFrame f;
    ASSERT_EQ(r->next(&f), ReadStatus::kFrame) << r->error();
    EXPECT_EQ(f.timestamp_ns, rec.sec * 1000000000ull + rec.frac * unit);
    EXPECT_EQ(f.orig_len, rec.orig_len ? rec.orig_len : rec.data.size());
    EXPECT_EQ(std::vector<uint8_t>(f.data.begin(), f.data.end()), rec.data);
  }
  TraceFrame f;
  EXPECT_EQ(r->next(&f), ReadStatus::kEnd);
  EXPECT_EQ(r->frames_read(), 3u);
  // Rewind starts over.
  ASSERT_TRUE(r->rewind());
  ASSERT_EQ(r->next(&f), ReadStatus::kFrame);
  EXPECT_EQ(f.data.size(), 60u);
}

const Format kFormats[] = {
    {"pcap_us_le", false, false, false},  {"pcap_us_be", false, true, false},
    {"pcap_ns_le", false, false, true},   {"pcap_ns_be", false, true, true},
    {"pcapng_us_le", true, false, false}, {"pcapng_ns_be", true, true, true},
};

INSTANTIATE_TEST_SUITE_P(Formats, EveryFormat,
                         ::testing::Combine(::testing::ValuesIn(kFormats),
                                            ::testing::Values(Backend::kAuto, Backend::kLibpcap)),
                         [](const auto& info) {
                           return std::string(std::get<0>(info.param).name) +
                                  (std::get<1>(info.param) == Backend::kAuto ? "_auto" : "_libpcap");
                         });

TEST(TraceFile, BurstReadsStopAtTheEnd) {
  TempFile file(classic_pcap(false, false, 1, three_records()));
  auto r = open_ok(file.path(), Backend::kAuto);
  ASSERT_TRUE(r);
  TraceFrame frames[2];
  EXPECT_EQ(r->next_burst(frames, 2), 2u);
  EXPECT_EQ(frames[0].data.size(), 60u);  // mapped views outlive the next read
  EXPECT_EQ(frames[0].data[0], 0x10);
  EXPECT_EQ(frames[1].data.size(), 1514u);
  EXPECT_EQ(r->next_burst(frames, 2), 1u);
  EXPECT_EQ(r->status(), ReadStatus::kEnd);
  EXPECT_EQ(r->next_burst(frames, 2), 0u);
}

TEST(TraceFile, EveryCutOfTheLastRecordYieldsGoodFramesThenAnError) {
  const auto full = classic_pcap(false, false, 1, three_records());
  const size_t last_record = 24 + (16 + 60) + (16 + 1514);
  ASSERT_EQ(full.size(), last_record + 16 + 64);
  for (Backend backend : {Backend::kAuto, Backend::kLibpcap}) {
    for (size_t cut = last_record + 1; cut < full.size(); ++cut) {
      SCOPED_TRACE("cut at " + std::to_string(cut));
      TempFile file(std::vector<uint8_t>(full.begin(), full.begin() + static_cast<long>(cut)));
      auto r = open_ok(file.path(), backend);
      ASSERT_TRUE(r);
      TraceFrame f;
      ASSERT_EQ(r->next(&f), ReadStatus::kFrame);
      EXPECT_EQ(f.data.size(), 60u);
      ASSERT_EQ(r->next(&f), ReadStatus::kFrame);
      EXPECT_EQ(f.data.size(), 1514u);
      ASSERT_EQ(r->next(&f), ReadStatus::kError);
      EXPECT_EQ(r->next(&f), ReadStatus::kError);  // sticky
      const std::string& e = r->error();
      EXPECT_NE(e.find(file.path()), std::string::npos) << e;
      EXPECT_NE(e.find("frame 3 "), std::string::npos) << e;
      EXPECT_NE(e.find("byte offset " + std::to_string(last_record)), std::string::npos) << e;
      EXPECT_NE(e.find("trunc"), std::string::npos) << e;
    }
  }
}

TEST(TraceFile, CutAtARecordBoundaryIsACleanEnd) {
  const auto full = classic_pcap(false, false, 1, three_records());
  TempFile file(std::vector<uint8_t>(full.begin(), full.begin() + 24 + 16 + 60));
  auto r = open_ok(file.path(), Backend::kAuto);
  ASSERT_TRUE(r);
  TraceFrame f;
  EXPECT_EQ(r->next(&f), ReadStatus::kFrame);
  EXPECT_EQ(r->next(&f), ReadStatus::kEnd);
}

TEST(TraceFile, AbsurdRecordLengthIsDamage) {
  auto bytes = classic_pcap(true, false, 1, three_records());
  // Second record's caplen (big-endian) := 0x7fffffff.
  const size_t caplen_at = 24 + 16 + 60 + 8;
  bytes[caplen_at] = 0x7f;
  bytes[caplen_at + 1] = bytes[caplen_at + 2] = bytes[caplen_at + 3] = 0xff;
  TempFile file(bytes);
  for (Backend backend : {Backend::kAuto, Backend::kLibpcap}) {
    auto r = open_ok(file.path(), backend);
    ASSERT_TRUE(r);
    TraceFrame f;
    ASSERT_EQ(r->next(&f), ReadStatus::kFrame);
    ASSERT_EQ(r->next(&f), ReadStatus::kError);
    EXPECT_NE(r->error().find("frame 2 (byte offset 100)"), std::string::npos) << r->error();
    EXPECT_NE(r->error().find("2147483647"), std::string::npos) << r->error();
  }
}

TEST(TraceFile, NonEthernetLinkTypesAreRefusedByName) {
  struct Case {
    uint32_t linktype;
    const char* name;
  };
  for (const Case c : {Case{113, "LINUX_SLL"}, Case{101, "RAW"}, Case{0, "NULL"}}) {
    for (bool ng : {false, true}) {
      SCOPED_TRACE(std::string(c.name) + (ng ? " pcapng" : " pcap"));
      const auto records = three_records();
      TempFile file(ng ? testing::pcapng(false, false, static_cast<uint16_t>(c.linktype), records)
                       : classic_pcap(false, false, c.linktype, records));
      std::string err;
      OpenOptions o;
      o.require_ethernet = true;
      EXPECT_FALSE(TraceReader::open(file.path(), &err, o));
      EXPECT_NE(err.find(file.path()), std::string::npos) << err;
      EXPECT_NE(err.find(std::string("link type ") + c.name + " ("), std::string::npos) << err;
      EXPECT_NE(err.find("not Ethernet"), std::string::npos) << err;
      // Without the requirement the file opens and says what it is.
      auto r = TraceReader::open(file.path(), &err);
      ASSERT_TRUE(r) << err;
      EXPECT_NE(r->link_type(), DLT_EN10MB);
      EXPECT_EQ(link_type_name(r->link_type()).rfind(c.name, 0), 0u);
    }
  }
}

TEST(TraceFile, NotACaptureIsAClearError) {
  for (const auto& bytes :
       {std::vector<uint8_t>{}, std::vector<uint8_t>(3, 0xd4), std::vector<uint8_t>(100, 'x'),
        std::vector<uint8_t>{0xd4, 0xc3, 0xb2, 0xa1, 0x02, 0x00}}) {
    TempFile file(bytes);
    std::string err;
    EXPECT_FALSE(TraceReader::open(file.path(), &err)) << bytes.size();
    EXPECT_NE(err.find(file.path()), std::string::npos) << err;
  }
}

TEST(TraceFile, MissingFileIsAClearError) {
  std::string err;
  EXPECT_FALSE(TraceReader::open("/nonexistent/x.pcap", &err));
  EXPECT_NE(err.find("/nonexistent/x.pcap"), std::string::npos);
  OpenOptions o;
  o.backend = Backend::kLibpcap;
  EXPECT_FALSE(TraceReader::open("/nonexistent/x.pcap", &err, o));
  EXPECT_NE(err.find("/nonexistent/x.pcap"), std::string::npos);
}

TEST(TraceFile, ReadsCapturesHeldInMemory) {
  const auto classic = classic_pcap(true, true, 1, three_records());
  const auto ng = testing::pcapng(false, false, 1, three_records());
  for (const auto* bytes : {&classic, &ng}) {
    for (Backend backend : {Backend::kAuto, Backend::kLibpcap}) {
      std::string err;
      OpenOptions o;
      o.backend = backend;
      auto r = TraceReader::open_memory(*bytes, "buffer", &err, o);
      ASSERT_TRUE(r) << err;
      EXPECT_EQ(r->stable_views(), bytes == &classic && backend == Backend::kAuto);
      TraceFrame f;
      ASSERT_EQ(r->next(&f), ReadStatus::kFrame);
      if (r->stable_views()) {
        EXPECT_EQ(f.data.data(), bytes->data() + 24 + 16);  // zero copy
      }
      EXPECT_EQ(f.data.size(), 60u);
      EXPECT_EQ(r->next_burst(&f, 1), 1u);
      EXPECT_EQ(f.orig_len, 1600u);
      EXPECT_EQ(r->next(&f), ReadStatus::kFrame);
      EXPECT_EQ(r->next(&f), ReadStatus::kEnd);
      ASSERT_TRUE(r->rewind());
      EXPECT_EQ(r->next(&f), ReadStatus::kFrame);
    }
  }
  // Damage in memory reads like damage on disk, naming the buffer.
  std::string err;
  auto r =
      TraceReader::open_memory(std::span<const uint8_t>(classic.data(), classic.size() - 1), "buffer", &err);
  ASSERT_TRUE(r) << err;
  TraceFrame f;
  while (r->next(&f) == ReadStatus::kFrame) {
  }
  EXPECT_EQ(
      r->error(),
      "buffer: damaged at frame 3 (byte offset 1630): record truncated (63 of 64 captured bytes present)");
  EXPECT_FALSE(TraceReader::open_memory({}, "empty", &err));
  EXPECT_NE(err.find("empty"), std::string::npos);
}

TEST(TraceFile, LinkTypeNames) {
  EXPECT_EQ(link_type_name(DLT_EN10MB), "EN10MB (Ethernet, DLT 1)");
  EXPECT_EQ(link_type_name(DLT_LINUX_SLL), "LINUX_SLL (Linux cooked v1, DLT 113)");
  EXPECT_EQ(link_type_name(60000), "unknown (DLT 60000)");
}

}  // namespace
}  // namespace ofkit::pcap
