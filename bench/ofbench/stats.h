#pragma once
// Statistics for ofbench: summaries of per-loop rates (min/median/max) and a
// latency histogram with bounded relative error.
//
// The histogram is log-linear (HdrHistogram's layout, simplified): values
// below 2^kSubBits ns are exact, above that each power of two is split into
// 2^kSubBits buckets, so a bucket's width is at most 1/2^kSubBits (~0.8 %) of
// its value. Recording is one index computation and an increment: no
// allocation, cheap enough for every answered PacketIn.

#include <array>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace ofkit::bench {

struct Summary {
  double min = 0;
  double median = 0;  // the middle value; mean of the two middle values for an even count
  double max = 0;
  double mean = 0;
  size_t count = 0;
  friend bool operator==(const Summary&, const Summary&) = default;
};

// Summary of values (order does not matter). All zero for no values.
Summary summarize(std::span<const double> values);

class LatencyHistogram {
 public:
  static constexpr int kSubBits = 7;
  static constexpr int kMaxExp = 40;  // up to ~2^40 ns (18 minutes); larger values clamp
  static constexpr size_t kBuckets = (kMaxExp - kSubBits + 2) << kSubBits;

  void record(uint64_t ns) {
    ++counts_[index_of(ns)];
    ++total_;
    if (ns > max_) max_ = ns;
    if (total_ == 1 || ns < min_) min_ = ns;
  }
  void merge(const LatencyHistogram& o);
  void clear() { *this = LatencyHistogram(); }

  uint64_t count() const { return total_; }
  uint64_t min() const { return total_ ? min_ : 0; }
  uint64_t max() const { return max_; }
  // The value at quantile q in [0, 1] (an upper bound of its bucket, clamped
  // to the recorded max); 0 when empty.
  uint64_t quantile(double q) const;
  // (value_ns, cumulative fraction) at every non-empty bucket, for CDF plots.
  std::vector<std::pair<uint64_t, double>> cdf() const;

  static size_t index_of(uint64_t ns);
  // Largest value that falls in bucket i.
  static uint64_t bucket_upper(size_t i);

 private:
  std::array<uint64_t, kBuckets> counts_{};
  uint64_t total_ = 0;
  uint64_t min_ = 0;
  uint64_t max_ = 0;
};

}  // namespace ofkit::bench
