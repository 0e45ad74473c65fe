#include "oflib/wire/header.h"

namespace ofkit::of {

Result<Header> parse_header(std::span<const uint8_t> bytes) {
  if (bytes.size() < kHeaderLen) return fail(Ofperr::kBadRequestBadLen);
  Header h = read_header(bytes.data());
  if (h.length < kHeaderLen) return fail(Ofperr::kBadRequestBadLen);
  return h;
}

}  // namespace ofkit::of
