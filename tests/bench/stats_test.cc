// ofbench statistics: per-loop summaries and the latency histogram.
#include "bench/ofbench/stats.h"

#include <gtest/gtest.h>

#include <vector>

namespace ofkit::bench {
namespace {

TEST(Summarize, EmptyIsAllZero) {
  const Summary s = summarize({});
  EXPECT_EQ(s.count, 0u);
  EXPECT_EQ(s.min, 0);
  EXPECT_EQ(s.median, 0);
  EXPECT_EQ(s.max, 0);
}

TEST(Summarize, OddCountMedianIsMiddleValue) {
  const std::vector<double> v{30, 10, 50, 20, 40};
  const Summary s = summarize(v);
  EXPECT_EQ(s.count, 5u);
  EXPECT_EQ(s.min, 10);
  EXPECT_EQ(s.median, 30);
  EXPECT_EQ(s.max, 50);
  EXPECT_EQ(s.mean, 30);
}

TEST(Summarize, EvenCountMedianIsMeanOfMiddlePair) {
  const std::vector<double> v{4, 1, 3, 100};
  const Summary s = summarize(v);
  EXPECT_EQ(s.median, 3.5);
  EXPECT_EQ(s.min, 1);
  EXPECT_EQ(s.max, 100);
  EXPECT_EQ(s.mean, 27);
}

TEST(Summarize, SingleValue) {
  const std::vector<double> v{7};
  const Summary s = summarize(v);
  EXPECT_EQ(s.min, 7);
  EXPECT_EQ(s.median, 7);
  EXPECT_EQ(s.max, 7);
}

TEST(Summarize, OutlierDoesNotMoveMedian) {
  const std::vector<double> v{100, 101, 99, 1e9, 100};
  EXPECT_EQ(summarize(v).median, 100);
}

TEST(LatencyHistogram, SmallValuesAreExact) {
  for (uint64_t v = 0; v < 128; ++v)
    EXPECT_EQ(LatencyHistogram::bucket_upper(LatencyHistogram::index_of(v)), v);
}

TEST(LatencyHistogram, BucketsContainTheirValuesWithinOnePercent) {
  for (uint64_t v : {128ull, 129ull, 255ull, 256ull, 1000ull, 123456ull, 999999999ull, 1ull << 39}) {
    const size_t i = LatencyHistogram::index_of(v);
    const uint64_t hi = LatencyHistogram::bucket_upper(i);
    EXPECT_GE(hi, v) << v;
    EXPECT_LE(static_cast<double>(hi - v), static_cast<double>(v) / 128.0) << v;
    if (i > 0) {
      EXPECT_LT(LatencyHistogram::bucket_upper(i - 1), v) << v;
    }
  }
}

TEST(LatencyHistogram, IndexIsMonotonic) {
  size_t last = 0;
  for (uint64_t v = 0; v < 100000; v += 7) {
    const size_t i = LatencyHistogram::index_of(v);
    EXPECT_GE(i, last);
    last = i;
  }
  EXPECT_LT(LatencyHistogram::index_of(~0ull), LatencyHistogram::kBuckets);
}

TEST(LatencyHistogram, Quantiles) {
  LatencyHistogram h;
  EXPECT_EQ(h.quantile(0.5), 0u);
  for (uint64_t v = 1; v <= 100; ++v) h.record(v);  // exact region
  EXPECT_EQ(h.count(), 100u);
  EXPECT_EQ(h.min(), 1u);
  EXPECT_EQ(h.max(), 100u);
  EXPECT_EQ(h.quantile(0.5), 50u);
  EXPECT_EQ(h.quantile(0.99), 99u);
  EXPECT_EQ(h.quantile(1.0), 100u);
  EXPECT_EQ(h.quantile(0.0), 1u);
}

TEST(LatencyHistogram, QuantileOfLargeValuesWithinBucketError) {
  LatencyHistogram h;
  for (int i = 0; i < 99; ++i) h.record(10'000);
  h.record(5'000'000);
  const uint64_t p50 = h.quantile(0.5);
  EXPECT_GE(p50, 10'000u);
  EXPECT_LE(p50, 10'000u + 10'000u / 128);
  EXPECT_EQ(h.quantile(1.0), 5'000'000u);  // clamped to the recorded max
}

TEST(LatencyHistogram, MergeAddsCountsAndKeepsExtremes) {
  LatencyHistogram a, b;
  a.record(10);
  a.record(20);
  b.record(5);
  b.record(1000);
  a.merge(b);
  EXPECT_EQ(a.count(), 4u);
  EXPECT_EQ(a.min(), 5u);
  EXPECT_EQ(a.max(), 1000u);
  LatencyHistogram empty;
  empty.merge(a);
  EXPECT_EQ(empty.min(), 5u);
}

TEST(LatencyHistogram, CdfIsMonotonicAndEndsAtOne) {
  LatencyHistogram h;
  for (uint64_t v : {3ull, 3ull, 50ull, 7000ull, 90000ull}) h.record(v);
  const auto cdf = h.cdf();
  ASSERT_EQ(cdf.size(), 4u);
  EXPECT_EQ(cdf[0].first, 3u);
  EXPECT_DOUBLE_EQ(cdf[0].second, 0.4);
  for (size_t i = 1; i < cdf.size(); ++i) {
    EXPECT_GT(cdf[i].first, cdf[i - 1].first);
    EXPECT_GT(cdf[i].second, cdf[i - 1].second);
  }
  EXPECT_DOUBLE_EQ(cdf.back().second, 1.0);
  EXPECT_EQ(cdf.back().first, 90000u);
}

}  // namespace
}  // namespace ofkit::bench
