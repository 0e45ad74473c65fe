#include "oflib/wire/errors.h"

namespace ofkit::of {
namespace {

struct ErrorName {
  Ofperr err;
  std::string_view type_name;
  std::string_view code_name;
  std::string_view full_name;
};

constexpr ErrorName kNames[] = {
#define OFKIT_X(e, t, tn, c, cn) {Ofperr::e, #tn, #cn, #tn "/" #cn},
    OFKIT_OFPERR_LIST(OFKIT_X)
#undef OFKIT_X
};

const ErrorName* find(Ofperr e) {
  for (const auto& n : kNames)
    if (n.err == e) return &n;
  return nullptr;
}

}  // namespace

std::string_view ofperr_type_name(Ofperr e) {
  const ErrorName* n = find(e);
  return n ? n->type_name : std::string_view("OFPET_UNKNOWN");
}

std::string_view ofperr_code_name(Ofperr e) {
  const ErrorName* n = find(e);
  return n ? n->code_name : std::string_view("UNKNOWN");
}

std::string_view ofperr_name(Ofperr e) {
  const ErrorName* n = find(e);
  return n ? n->full_name : std::string_view("OFPET_UNKNOWN/UNKNOWN");
}

std::string_view error_type_name(uint16_t type) {
  for (const auto& n : kNames)
    if (ofperr_type(n.err) == type) return n.type_name;
  return {};
}

std::optional<Ofperr> ofperr_from_wire(uint16_t type, uint16_t code) {
  const uint32_t v = (uint32_t{type} << 16) | code;
  for (const auto& n : kNames)
    if (static_cast<uint32_t>(n.err) == v) return n.err;
  return std::nullopt;
}

std::optional<Ofperr> ofperr_from_name(std::string_view name) {
  for (const auto& n : kNames)
    if (name == n.full_name || name == n.code_name) return n.err;
  return std::nullopt;
}

}  // namespace ofkit::of
