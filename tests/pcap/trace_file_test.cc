#include "pcap/trace_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <vector>

namespace ofkit::pcap {
namespace {

TEST(TraceFile, WritesAndReadsBackFramesWithNanosecondTimes) {
  const auto path = std::filesystem::temp_directory_path() / ("ofkit_trace_" + std::to_string(getpid()) + ".pcap");
  std::string err;
  {
    auto w = TraceWriter::create(path, &err);
    ASSERT_TRUE(w) << err;
    std::vector<uint8_t> a(60, 0xaa), b(1514, 0xbb);
    w->write(a, 1'000'000'123);
    w->write(b, 2'500'000'000, 1600);
    EXPECT_EQ(w->frames_written(), 2u);
  }
  auto r = TraceReader::open(path, &err);
  ASSERT_TRUE(r) << err;
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
  std::filesystem::remove(path);
}

TEST(TraceFile, MissingFileIsAClearError) {
  std::string err;
  EXPECT_FALSE(TraceReader::open("/nonexistent/x.pcap", &err));
  EXPECT_NE(err.find("/nonexistent/x.pcap"), std::string::npos);
}

}  // namespace
}  // namespace ofkit::pcap
