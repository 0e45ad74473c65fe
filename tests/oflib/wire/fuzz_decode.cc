// libFuzzer target: the stream framer and the strict message decoder.
//
// The input is cut into chunks (sizes taken from the input itself) and fed
// to a Framer; every framed message goes through decode_message() and the
// zero-copy views. Oracles: no crash/UB/leak; a view accepts exactly what
// decode_message accepts for its type; whatever decodes re-encodes to bytes
// that decode to an equal value.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "oflib/wire/framer.h"
#include "oflib/wire/message.h"

namespace {

using namespace ofkit::of;

void check(bool ok) {
  if (!ok) std::abort();
}

void one_message(std::span<const uint8_t> msg) {
  for (bool vendor : {false, true}) {
    const ActionDecodeOptions opts{.accept_vendor = vendor};
    auto m = decode_message(msg, opts);
    switch (static_cast<MsgType>(msg[1])) {
      case MsgType::kPacketIn:
        check(PacketInView::parse(msg).has_value() == m.has_value());
        break;
      case MsgType::kPacketOut:
        check(PacketOutView::parse(msg, opts).has_value() == m.has_value());
        break;
      case MsgType::kFlowMod:
        check(FlowModView::parse(msg, opts).has_value() == m.has_value());
        break;
      default:
        break;
    }
    if (!m) continue;
    const auto again = encode_message(*m, 1);
    check(!again.empty());
    auto m2 = decode_message(again, {.accept_vendor = true});
    check(m2.has_value());
    // Port and table names longer than the field are cut on encode, so
    // compare after one more round.
    const auto third = encode_message(*m2, 1);
    check(third == again);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Whole input as one message.
  if (size >= kHeaderLen && size <= kMaxMsgLen && ofkit::load_be16(data + 2) == size)
    one_message({data, size});
  else
    (void)decode_message({data, size});

  // Whole input as a stream, in chunks of 1..64 bytes chosen by the bytes themselves.
  Framer f;
  size_t off = 0;
  while (off < size) {
    const size_t chunk = std::min<size_t>(size - off, 1 + (data[off] & 63));
    f.push({data + off, chunk}, [](std::span<const uint8_t> m) { one_message(m); });
    off += chunk;
  }
  return 0;
}
