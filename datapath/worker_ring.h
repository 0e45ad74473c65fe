#pragma once
// Single-producer/single-consumer ring between the control thread and one
// worker (changes down, PacketIns up). Lock-free and RMW-free: each side owns
// one index and reads the other's with acquire; indices are cached so the
// common case touches only the owner's cache line. Elements are written in
// place (claim/publish, front/pop) so large PacketIn slots are not copied.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace ofkit::dp {

template <typename T>
class SpscRing {
 public:
  explicit SpscRing(size_t capacity_pow2)
      : cap_(capacity_pow2), mask_(capacity_pow2 - 1), slots_(std::make_unique<T[]>(capacity_pow2)) {}
  SpscRing(const SpscRing&) = delete;
  SpscRing& operator=(const SpscRing&) = delete;

  // Producer: a slot to fill, or nullptr when full; then publish().
  T* claim() {
    const uint64_t t = tail_.load(std::memory_order_relaxed);
    if (t - head_cache_ >= cap_) {
      head_cache_ = head_.load(std::memory_order_acquire);
      if (t - head_cache_ >= cap_) return nullptr;
    }
    return &slots_[t & mask_];
  }
  void publish() { tail_.store(tail_.load(std::memory_order_relaxed) + 1, std::memory_order_release); }
  bool push(T&& v) {
    T* s = claim();
    if (!s) return false;
    *s = std::move(v);
    publish();
    return true;
  }

  // Consumer: the oldest element, or nullptr when empty; then pop().
  T* front() {
    const uint64_t h = head_.load(std::memory_order_relaxed);
    if (h == tail_cache_) {
      tail_cache_ = tail_.load(std::memory_order_acquire);
      if (h == tail_cache_) return nullptr;
    }
    return &slots_[h & mask_];
  }
  void pop() { head_.store(head_.load(std::memory_order_relaxed) + 1, std::memory_order_release); }

  bool empty() const {
    return head_.load(std::memory_order_acquire) == tail_.load(std::memory_order_acquire);
  }
  size_t capacity() const { return cap_; }

 private:
  const size_t cap_;
  const size_t mask_;
  std::unique_ptr<T[]> slots_;
  alignas(64) std::atomic<uint64_t> head_{0};  // consumer
  uint64_t tail_cache_ = 0;                    // consumer's view of tail
  alignas(64) std::atomic<uint64_t> tail_{0};  // producer
  uint64_t head_cache_ = 0;                    // producer's view of head
};

}  // namespace ofkit::dp
