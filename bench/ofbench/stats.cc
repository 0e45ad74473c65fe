#include "bench/ofbench/stats.h"

#include <algorithm>
#include <bit>

namespace ofkit::bench {

Summary summarize(std::span<const double> values) {
  Summary s;
  if (values.empty()) return s;
  std::vector<double> v(values.begin(), values.end());
  std::sort(v.begin(), v.end());
  s.count = v.size();
  s.min = v.front();
  s.max = v.back();
  const size_t mid = v.size() / 2;
  s.median = v.size() % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  double sum = 0;
  for (double x : v) sum += x;
  s.mean = sum / static_cast<double>(v.size());
  return s;
}

size_t LatencyHistogram::index_of(uint64_t ns) {
  constexpr uint64_t kSub = uint64_t{1} << kSubBits;
  if (ns < kSub) return static_cast<size_t>(ns);
  const int exp = std::bit_width(ns) - 1;  // >= kSubBits
  if (exp > kMaxExp) return kBuckets - 1;
  const uint64_t sub = (ns >> (exp - kSubBits)) - kSub;  // 0 .. kSub-1
  return static_cast<size_t>((static_cast<uint64_t>(exp - kSubBits + 1) << kSubBits) + sub);
}

uint64_t LatencyHistogram::bucket_upper(size_t i) {
  constexpr uint64_t kSub = uint64_t{1} << kSubBits;
  if (i < kSub) return i;
  const uint64_t block = i >> kSubBits;  // >= 1
  const uint64_t sub = i & (kSub - 1);
  const int exp = static_cast<int>(block) + kSubBits - 1;
  const uint64_t lower = (kSub + sub) << (exp - kSubBits);
  return lower + (uint64_t{1} << (exp - kSubBits)) - 1;
}

void LatencyHistogram::merge(const LatencyHistogram& o) {
  if (o.total_ == 0) return;
  for (size_t i = 0; i < kBuckets; ++i) counts_[i] += o.counts_[i];
  min_ = total_ ? std::min(min_, o.min_) : o.min_;
  max_ = std::max(max_, o.max_);
  total_ += o.total_;
}

uint64_t LatencyHistogram::quantile(double q) const {
  if (total_ == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  // The smallest value v such that at least q of the samples are <= v.
  uint64_t rank = static_cast<uint64_t>(q * static_cast<double>(total_) + 0.5);
  rank = std::clamp<uint64_t>(rank, 1, total_);
  uint64_t seen = 0;
  for (size_t i = 0; i < kBuckets; ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::clamp(bucket_upper(i), min_, max_);
  }
  return max_;
}

std::vector<std::pair<uint64_t, double>> LatencyHistogram::cdf() const {
  std::vector<std::pair<uint64_t, double>> out;
  uint64_t seen = 0;
  for (size_t i = 0; i < kBuckets; ++i) {
    if (!counts_[i]) continue;
    seen += counts_[i];
    out.emplace_back(std::min(bucket_upper(i), max_),
                     static_cast<double>(seen) / static_cast<double>(total_));
  }
  return out;
}

}  // namespace ofkit::bench
