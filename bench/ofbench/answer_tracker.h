#pragma once
// Counting controller responses correctly, per PacketIn answered.
//
// cbench counts every FLOW_MOD and PACKET_OUT it receives as a "response", so
// a controller that answers one PacketIn with a FLOW_MOD and a PACKET_OUT
// (l2_learning does, whenever the destination is known) scores twice. Here
// every PacketIn carries an id (its buffer_id, its xid, and a tag inside the
// frame), and a response counts as an answer only the first time it names an
// outstanding id:
//   - buffer_id != OFP_NO_BUFFER: the buffer it releases (FLOW_MOD or PACKET_OUT);
//   - otherwise a PACKET_OUT carrying our frame: the tag inside the data;
//   - otherwise the message's xid, if it echoes the PacketIn's xid.
// FLOW_MODs and PACKET_OUTs are also counted as messages, separately, however
// many there are per answer.
//
// Outstanding ids live in a ring indexed by id & mask; an id is found only if
// its slot still holds it, so an answer to a PacketIn older than the ring
// (or a made-up id) is "extra", never an answer. Single-threaded: one
// tracker per emulated switch, owned by the switch's thread.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace ofkit::bench {

enum class ResponseKind : uint8_t { kFlowMod, kPacketOut };

struct AnswerResult {
  bool answered = false;  // first answer to an outstanding PacketIn
  uint64_t rtt_ns = 0;    // valid when answered
};

class AnswerTracker {
 public:
  // capacity: ring size, rounded up to a power of two (>= 2).
  explicit AnswerTracker(size_t capacity);

  // Next PacketIn id; never 0 and never 0xffffffff (OFP_NO_BUFFER).
  uint32_t next_id() {
    uint32_t id = next_id_++;
    if (id == 0 || id == 0xffffffffu) {
      id = 1;
      next_id_ = 2;
    }
    return id;
  }
  // Records a PacketIn with this id as sent at t_ns.
  void sent(uint32_t id, uint64_t t_ns);
  // Classifies one response. tag: the id found inside a PACKET_OUT's frame.
  AnswerResult on_response(ResponseKind kind, uint32_t buffer_id, uint32_t xid, std::optional<uint32_t> tag,
                           uint64_t now_ns);
  // Gives up on every outstanding PacketIn (the controller dropped them);
  // returns how many there were. They count as lost.
  uint64_t expire_all();

  uint64_t outstanding() const { return outstanding_; }
  uint64_t sent_count() const { return sent_; }
  uint64_t answered() const { return answered_; }
  uint64_t flow_mods() const { return flow_mods_; }
  uint64_t packet_outs() const { return packet_outs_; }
  // Responses naming no outstanding PacketIn: a second response to an
  // answered one, or an unsolicited one.
  uint64_t extra() const { return extra_; }
  // PacketIns given up on: expired, or still unanswered when their slot was
  // reused (the ring holds 2 windows: the controller dropped them).
  uint64_t lost() const { return lost_; }

 private:
  struct Slot {
    uint32_t id = 0;  // 0: empty
    bool pending = false;
    uint64_t sent_ns = 0;
  };
  Slot* find(uint32_t id) {
    Slot& s = slots_[id & mask_];
    return (s.id == id && s.pending) ? &s : nullptr;
  }

  std::vector<Slot> slots_;
  uint32_t mask_;
  uint32_t next_id_ = 1;
  uint64_t outstanding_ = 0;
  uint64_t sent_ = 0;
  uint64_t answered_ = 0;
  uint64_t flow_mods_ = 0;
  uint64_t packet_outs_ = 0;
  uint64_t extra_ = 0;
  uint64_t lost_ = 0;
};

}  // namespace ofkit::bench
