#pragma once
// OpenFlow 1.0 errors as one enum whose values are the wire (type, code)
// pairs, in the spirit of Open vSwitch's enum ofperr: every decode failure is
// already the OFPT_ERROR a switch would send, and names print as
// "OFPET_BAD_REQUEST/OFPBRC_BAD_LEN".
//
// Result<T> is the return type of anything that validates input.

#include <cstdint>
#include <optional>
#include <string_view>

#include <tl/expected.hpp>

namespace ofkit::of {

// X(enumerator, type value, type name, code value, code name)
#define OFKIT_OFPERR_LIST(X)                                                               \
  X(kHelloFailedIncompatible, 0, OFPET_HELLO_FAILED, 0, OFPHFC_INCOMPATIBLE)               \
  X(kHelloFailedEperm, 0, OFPET_HELLO_FAILED, 1, OFPHFC_EPERM)                             \
  X(kBadRequestBadVersion, 1, OFPET_BAD_REQUEST, 0, OFPBRC_BAD_VERSION)                    \
  X(kBadRequestBadType, 1, OFPET_BAD_REQUEST, 1, OFPBRC_BAD_TYPE)                          \
  X(kBadRequestBadStat, 1, OFPET_BAD_REQUEST, 2, OFPBRC_BAD_STAT)                          \
  X(kBadRequestBadVendor, 1, OFPET_BAD_REQUEST, 3, OFPBRC_BAD_VENDOR)                      \
  X(kBadRequestBadSubtype, 1, OFPET_BAD_REQUEST, 4, OFPBRC_BAD_SUBTYPE)                    \
  X(kBadRequestEperm, 1, OFPET_BAD_REQUEST, 5, OFPBRC_EPERM)                               \
  X(kBadRequestBadLen, 1, OFPET_BAD_REQUEST, 6, OFPBRC_BAD_LEN)                            \
  X(kBadRequestBufferEmpty, 1, OFPET_BAD_REQUEST, 7, OFPBRC_BUFFER_EMPTY)                  \
  X(kBadRequestBufferUnknown, 1, OFPET_BAD_REQUEST, 8, OFPBRC_BUFFER_UNKNOWN)              \
  X(kBadActionBadType, 2, OFPET_BAD_ACTION, 0, OFPBAC_BAD_TYPE)                            \
  X(kBadActionBadLen, 2, OFPET_BAD_ACTION, 1, OFPBAC_BAD_LEN)                              \
  X(kBadActionBadVendor, 2, OFPET_BAD_ACTION, 2, OFPBAC_BAD_VENDOR)                        \
  X(kBadActionBadVendorType, 2, OFPET_BAD_ACTION, 3, OFPBAC_BAD_VENDOR_TYPE)               \
  X(kBadActionBadOutPort, 2, OFPET_BAD_ACTION, 4, OFPBAC_BAD_OUT_PORT)                     \
  X(kBadActionBadArgument, 2, OFPET_BAD_ACTION, 5, OFPBAC_BAD_ARGUMENT)                    \
  X(kBadActionEperm, 2, OFPET_BAD_ACTION, 6, OFPBAC_EPERM)                                 \
  X(kBadActionTooMany, 2, OFPET_BAD_ACTION, 7, OFPBAC_TOO_MANY)                            \
  X(kBadActionBadQueue, 2, OFPET_BAD_ACTION, 8, OFPBAC_BAD_QUEUE)                          \
  X(kFlowModFailedAllTablesFull, 3, OFPET_FLOW_MOD_FAILED, 0, OFPFMFC_ALL_TABLES_FULL)     \
  X(kFlowModFailedOverlap, 3, OFPET_FLOW_MOD_FAILED, 1, OFPFMFC_OVERLAP)                   \
  X(kFlowModFailedEperm, 3, OFPET_FLOW_MOD_FAILED, 2, OFPFMFC_EPERM)                       \
  X(kFlowModFailedBadEmergTimeout, 3, OFPET_FLOW_MOD_FAILED, 3, OFPFMFC_BAD_EMERG_TIMEOUT) \
  X(kFlowModFailedBadCommand, 3, OFPET_FLOW_MOD_FAILED, 4, OFPFMFC_BAD_COMMAND)            \
  X(kFlowModFailedUnsupported, 3, OFPET_FLOW_MOD_FAILED, 5, OFPFMFC_UNSUPPORTED)           \
  X(kPortModFailedBadPort, 4, OFPET_PORT_MOD_FAILED, 0, OFPPMFC_BAD_PORT)                  \
  X(kPortModFailedBadHwAddr, 4, OFPET_PORT_MOD_FAILED, 1, OFPPMFC_BAD_HW_ADDR)             \
  X(kQueueOpFailedBadPort, 5, OFPET_QUEUE_OP_FAILED, 0, OFPQOFC_BAD_PORT)                  \
  X(kQueueOpFailedBadQueue, 5, OFPET_QUEUE_OP_FAILED, 1, OFPQOFC_BAD_QUEUE)                \
  X(kQueueOpFailedEperm, 5, OFPET_QUEUE_OP_FAILED, 2, OFPQOFC_EPERM)

// enum ofp_error_type
enum class ErrorType : uint16_t {
  kHelloFailed = 0,    // OFPET_HELLO_FAILED
  kBadRequest = 1,     // OFPET_BAD_REQUEST
  kBadAction = 2,      // OFPET_BAD_ACTION
  kFlowModFailed = 3,  // OFPET_FLOW_MOD_FAILED
  kPortModFailed = 4,  // OFPET_PORT_MOD_FAILED
  kQueueOpFailed = 5,  // OFPET_QUEUE_OP_FAILED
};

// The value is (type << 16) | code, exactly the two 16-bit wire fields.
enum class Ofperr : uint32_t {
#define OFKIT_X(e, t, tn, c, cn) e = (uint32_t{t} << 16) | uint32_t{c},
  OFKIT_OFPERR_LIST(OFKIT_X)
#undef OFKIT_X
};

constexpr uint16_t ofperr_type(Ofperr e) { return static_cast<uint16_t>(static_cast<uint32_t>(e) >> 16); }
constexpr uint16_t ofperr_code(Ofperr e) { return static_cast<uint16_t>(static_cast<uint32_t>(e) & 0xffff); }

// "OFPET_BAD_REQUEST", "OFPBRC_BAD_LEN", "OFPET_BAD_REQUEST/OFPBRC_BAD_LEN".
std::string_view ofperr_type_name(Ofperr e);
std::string_view ofperr_code_name(Ofperr e);
std::string_view ofperr_name(Ofperr e);
// Name of a type value alone ("OFPET_BAD_ACTION"), or empty if unknown.
std::string_view error_type_name(uint16_t type);
// The enumerator for wire values, or nullopt for a pair the spec does not define.
std::optional<Ofperr> ofperr_from_wire(uint16_t type, uint16_t code);
// Parses "OFPET_BAD_REQUEST/OFPBRC_BAD_LEN" or the code name alone.
std::optional<Ofperr> ofperr_from_name(std::string_view name);

// All defined errors, in wire order, for tests and printers.
inline constexpr Ofperr kAllOfperrs[] = {
#define OFKIT_X(e, t, tn, c, cn) Ofperr::e,
    OFKIT_OFPERR_LIST(OFKIT_X)
#undef OFKIT_X
};

template <typename T>
using Result = tl::expected<T, Ofperr>;
using Unexpected = tl::unexpected<Ofperr>;
inline Unexpected fail(Ofperr e) { return Unexpected(e); }

}  // namespace ofkit::of
