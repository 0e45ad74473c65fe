#pragma once
// Big-endian loads and stores for wire formats.
//
// OpenFlow and every packet header are big-endian. Fields are read with
// memcpy + byte swap (never by casting a pointer to a packed struct, which is
// undefined behaviour on misaligned data and hides the swap). The Be16/Be32/
// Be64 wrappers hold a value in network order and convert only explicitly, so
// forgetting a swap is a compile error rather than a wrong field.

#include <bit>
#include <cstdint>
#include <cstring>

namespace ofkit {

constexpr uint16_t bswap16(uint16_t v) { return static_cast<uint16_t>((v >> 8) | (v << 8)); }
constexpr uint32_t bswap32(uint32_t v) { return __builtin_bswap32(v); }
constexpr uint64_t bswap64(uint64_t v) { return __builtin_bswap64(v); }

static_assert(std::endian::native == std::endian::little || std::endian::native == std::endian::big);

constexpr uint16_t host_to_be16(uint16_t v) {
  if constexpr (std::endian::native == std::endian::little) return bswap16(v);
  return v;
}
constexpr uint32_t host_to_be32(uint32_t v) {
  if constexpr (std::endian::native == std::endian::little) return bswap32(v);
  return v;
}
constexpr uint64_t host_to_be64(uint64_t v) {
  if constexpr (std::endian::native == std::endian::little) return bswap64(v);
  return v;
}
constexpr uint16_t be16_to_host(uint16_t v) { return host_to_be16(v); }
constexpr uint32_t be32_to_host(uint32_t v) { return host_to_be32(v); }
constexpr uint64_t be64_to_host(uint64_t v) { return host_to_be64(v); }

inline uint8_t load_u8(const uint8_t* p) { return *p; }
inline uint16_t load_be16(const uint8_t* p) {
  uint16_t v;
  std::memcpy(&v, p, sizeof v);
  return be16_to_host(v);
}
inline uint32_t load_be32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return be32_to_host(v);
}
inline uint64_t load_be64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return be64_to_host(v);
}
inline void store_u8(uint8_t* p, uint8_t v) { *p = v; }
inline void store_be16(uint8_t* p, uint16_t v) {
  v = host_to_be16(v);
  std::memcpy(p, &v, sizeof v);
}
inline void store_be32(uint8_t* p, uint32_t v) {
  v = host_to_be32(v);
  std::memcpy(p, &v, sizeof v);
}
inline void store_be64(uint8_t* p, uint64_t v) {
  v = host_to_be64(v);
  std::memcpy(p, &v, sizeof v);
}

// A value held in network byte order. Construct from host order with
// from_host(), read back with to_host(); there is no implicit conversion.
template <typename T>
class BigEndian {
 public:
  constexpr BigEndian() = default;
  static constexpr BigEndian from_host(T v) { return BigEndian(swap(v)); }
  static constexpr BigEndian from_raw(T raw) { return BigEndian(raw); }
  constexpr T to_host() const { return swap(raw_); }
  constexpr T raw() const { return raw_; }
  friend constexpr bool operator==(BigEndian, BigEndian) = default;

 private:
  constexpr explicit BigEndian(T raw) : raw_(raw) {}
  static constexpr T swap(T v) {
    if constexpr (sizeof(T) == 2) return host_to_be16(v);
    if constexpr (sizeof(T) == 4) return host_to_be32(v);
    if constexpr (sizeof(T) == 8) return host_to_be64(v);
  }
  T raw_ = 0;
};

using Be16 = BigEndian<uint16_t>;
using Be32 = BigEndian<uint32_t>;
using Be64 = BigEndian<uint64_t>;
static_assert(sizeof(Be16) == 2 && sizeof(Be32) == 4 && sizeof(Be64) == 8);

}  // namespace ofkit
