#include "bench/ofbench/answer_tracker.h"

#include <bit>

namespace ofkit::bench {

AnswerTracker::AnswerTracker(size_t capacity)
    : slots_(std::bit_ceil(capacity < 2 ? size_t{2} : capacity)),
      mask_(static_cast<uint32_t>(slots_.size() - 1)) {}

void AnswerTracker::sent(uint32_t id, uint64_t t_ns) {
  Slot& s = slots_[id & mask_];
  if (s.pending) {  // overwritten before it was answered: it is lost
    --outstanding_;
    ++lost_;
  }
  s = Slot{id, true, t_ns};
  ++outstanding_;
  ++sent_;
}

AnswerResult AnswerTracker::on_response(ResponseKind kind, uint32_t buffer_id, uint32_t xid,
                                        std::optional<uint32_t> tag, uint64_t now_ns) {
  if (kind == ResponseKind::kFlowMod)
    ++flow_mods_;
  else
    ++packet_outs_;
  Slot* s = nullptr;
  if (buffer_id != 0xffffffffu)
    s = find(buffer_id);
  else if (tag)
    s = find(*tag);
  else
    s = find(xid);
  if (!s) {
    ++extra_;
    return {};
  }
  s->pending = false;
  --outstanding_;
  ++answered_;
  return {true, now_ns >= s->sent_ns ? now_ns - s->sent_ns : 0};
}

uint64_t AnswerTracker::expire_all() {
  const uint64_t n = outstanding_;
  for (Slot& s : slots_) s.pending = false;
  outstanding_ = 0;
  lost_ += n;
  return n;
}

}  // namespace ofkit::bench
