// The stream framer: any fragmentation and coalescing gives the same
// messages; a length below 8 is a sticky error; memory never grows.
#include "oflib/wire/framer.h"

#include <gtest/gtest.h>

#include "oflib/wire/message_table.h"
#include "tests/oflib/wire/samples.h"
#include "tests/oflib/wire/wire_test_util.h"

namespace ofkit::of {
namespace {

using test::hex;
using Bytes = std::vector<uint8_t>;

// Every sample message, several times over, plus one 65535-byte echo.
std::vector<Bytes> stream_messages() {
  std::vector<Bytes> msgs;
  uint32_t xid = 1;
  for (int round = 0; round < 3; ++round)
    for (const auto& i : kMsgTable) msgs.push_back(encode_message(test::sample_message(i.type), xid++));
  msgs.push_back(encode_message(EchoRequest{Bytes(kMaxMsgLen - kHeaderLen, 0x5a)}, xid++));
  msgs.push_back(encode_message(BarrierRequest{}, xid++));
  return msgs;
}

Bytes concat(const std::vector<Bytes>& msgs) {
  Bytes all;
  for (const auto& m : msgs) all.insert(all.end(), m.begin(), m.end());
  return all;
}

// Pull style: feed chunks of the given sizes, drain with next().
std::vector<Bytes> frame_pull(const Bytes& stream, const std::vector<size_t>& chunks) {
  Framer f;
  std::vector<Bytes> out;
  size_t off = 0, ci = 0;
  while (off < stream.size()) {
    const size_t want = std::min(chunks[ci++ % chunks.size()], stream.size() - off);
    size_t done = 0;
    while (done < want) {
      done += f.feed(std::span(stream).subspan(off + done, want - done));
      while (auto m = f.next()) out.emplace_back(m->begin(), m->end());
    }
    off += want;
  }
  EXPECT_EQ(f.buffered(), 0u);
  EXPECT_FALSE(f.failed());
  return out;
}

// Push style with the same chunks.
std::vector<Bytes> frame_push(const Bytes& stream, const std::vector<size_t>& chunks) {
  Framer f;
  std::vector<Bytes> out;
  size_t off = 0, ci = 0;
  while (off < stream.size()) {
    const size_t want = std::min(chunks[ci++ % chunks.size()], stream.size() - off);
    EXPECT_TRUE(f.push(std::span(stream).subspan(off, want),
                       [&](std::span<const uint8_t> m) { out.emplace_back(m.begin(), m.end()); }));
    off += want;
  }
  EXPECT_EQ(f.buffered(), 0u);
  return out;
}

TEST(Framer, ByteByByte) {
  const auto msgs = stream_messages();
  const auto stream = concat(msgs);
  EXPECT_EQ(frame_pull(stream, {1}), msgs);
  EXPECT_EQ(frame_push(stream, {1}), msgs);
}

TEST(Framer, AllAtOnce) {
  const auto msgs = stream_messages();
  const auto stream = concat(msgs);
  EXPECT_EQ(frame_pull(stream, {stream.size()}), msgs);
  EXPECT_EQ(frame_push(stream, {stream.size()}), msgs);
}

TEST(Framer, RandomChunks) {
  const auto msgs = stream_messages();
  const auto stream = concat(msgs);
  test::Gen g(5);
  for (int i = 0; i < 30; ++i) {
    std::vector<size_t> chunks(50);
    for (auto& c : chunks) c = 1 + g.below(i % 2 ? 20 : 9000);
    EXPECT_EQ(frame_pull(stream, chunks), msgs);
    EXPECT_EQ(frame_push(stream, chunks), msgs);
  }
}

TEST(Framer, EveryFramedMessageDecodes) {
  Framer f;
  const auto stream = concat(stream_messages());
  size_t n = 0;
  f.push(stream, [&](std::span<const uint8_t> m) {
    EXPECT_TRUE(decode_message(m));
    ++n;
  });
  EXPECT_EQ(n, 3 * kMsgTable.size() + 2);
}

TEST(Framer, NeverHandsOutAPartialMessage) {
  Framer f;
  const auto m = encode_message(EchoRequest{{1, 2, 3, 4}}, 1);
  for (size_t i = 0; i + 1 < m.size(); ++i) {
    EXPECT_EQ(f.feed(std::span(m).subspan(i, 1)), 1u);
    EXPECT_FALSE(f.next());
  }
  f.feed(std::span(m).last(1));
  auto got = f.next();
  ASSERT_TRUE(got);
  EXPECT_EQ(Bytes(got->begin(), got->end()), m);
  EXPECT_FALSE(f.next());
}

TEST(Framer, LengthBelowEightIsAStickyError) {
  for (uint16_t bad : {0, 1, 7}) {
    Framer f;
    auto good = encode_message(BarrierRequest{}, 1);
    f.feed(good);
    auto b = hex("01 00 0000 00000001");
    b[3] = static_cast<uint8_t>(bad);
    f.feed(b);
    EXPECT_TRUE(f.next());  // the good message before it still comes out
    EXPECT_FALSE(f.next());
    EXPECT_TRUE(f.failed());
    EXPECT_EQ(f.error(), Ofperr::kBadRequestBadLen);
    f.feed(good);
    EXPECT_FALSE(f.next());  // sticky
    EXPECT_TRUE(f.write_space().empty());
    f.reset();
    f.feed(good);
    EXPECT_TRUE(f.next());
  }
  Framer p;
  int n = 0;
  EXPECT_FALSE(p.push(hex("01 12 0008 00000001 | 01 00 0004 00000001 | 01 12 0008 00000002"),
                      [&](std::span<const uint8_t>) { ++n; }));
  EXPECT_EQ(n, 1);
  EXPECT_FALSE(p.push(hex("01 12 0008 00000003"), [&](std::span<const uint8_t>) { ++n; }));
  EXPECT_EQ(n, 1);
}

TEST(Framer, ErrorIsNotSeenBeforeTheLengthArrives) {
  Framer f;
  f.feed(hex("01 00 00"));
  EXPECT_FALSE(f.next());
  EXPECT_FALSE(f.failed());
  f.feed(hex("04 000000"));
  EXPECT_FALSE(f.next());
  EXPECT_FALSE(f.failed());
  f.feed(hex("01"));
  EXPECT_FALSE(f.next());
  EXPECT_TRUE(f.failed());
}

TEST(Framer, SocketStyleWithBoundedMemory) {
  const auto stream = concat(stream_messages());
  Framer f;
  const size_t cap = f.capacity();
  std::vector<Bytes> out;
  size_t off = 0;
  while (off < stream.size()) {
    auto space = f.write_space();
    ASSERT_FALSE(space.empty());
    const size_t n = std::min({space.size(), stream.size() - off, size_t{70000}});
    std::memcpy(space.data(), stream.data() + off, n);
    f.commit(n);
    off += n;
    while (auto m = f.next()) out.emplace_back(m->begin(), m->end());
    EXPECT_LE(f.buffered(), cap);
  }
  EXPECT_EQ(out, stream_messages());
  EXPECT_EQ(f.capacity(), cap);
}

TEST(Framer, ZeroCopyForWholeMessagesInPush) {
  Framer f;
  const auto m = encode_message(BarrierRequest{}, 1);
  Bytes two = concat({m, m});
  std::vector<const uint8_t*> seen;
  f.push(two, [&](std::span<const uint8_t> s) { seen.push_back(s.data()); });
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0], two.data());
  EXPECT_EQ(seen[1], two.data() + 8);
}

}  // namespace
}  // namespace ofkit::of
