#pragma once
// Names of the agent's OpenFlow endpoints, in Open vSwitch's syntax:
//
//   active  (--controller)  tcp:HOST[:PORT]  (default port 6653), tcp:[V6ADDR]:PORT,
//                           unix:PATH, local (in-process controller), none
//   passive (--listen)      ptcp:[PORT][:ADDR]  (default port 6634, every address),
//                           punix:PATH

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ofkit::dp {

struct Target {
  enum class Kind { kTcp, kUnix, kLocal, kNone, kPtcp, kPunix };
  Kind kind = Kind::kNone;
  std::string host;  // kTcp: peer; kPtcp: bind address ("" = any)
  uint16_t port = 0;
  std::string path;  // kUnix, kPunix

  bool passive() const { return kind == Kind::kPtcp || kind == Kind::kPunix; }
  std::string to_string() const;
};

inline constexpr uint16_t kDefaultControllerPort = 6653;
inline constexpr uint16_t kDefaultListenPort = 6634;

// Returns nullopt and sets *error ("bad controller 'x': ...") for a malformed name.
std::optional<Target> parse_active_target(std::string_view text, std::string* error);
std::optional<Target> parse_passive_target(std::string_view text, std::string* error);

}  // namespace ofkit::dp
