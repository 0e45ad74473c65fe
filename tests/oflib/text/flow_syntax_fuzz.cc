// libFuzzer target for the ovs-ofctl flow-syntax parser. Besides "never
// crash or hang", it checks the printing contract: whatever parses prints to
// text that parses back to the same value.

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "oflib/text/flow_syntax.h"

using namespace ofkit;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view s(reinterpret_cast<const char*>(data), size);

  for (const bool require_actions : {true, false}) {
    if (auto f = text::parse_flow(s, require_actions)) {
      auto again = text::parse_flow(text::format_flow(*f));
      if (!again || !(*again == *f)) std::abort();
      (void)text::format_flow_mod(of::FlowModCommand::kAdd, *f);
    }
  }
  if (auto m = text::parse_match(s)) {
    auto again = text::parse_match(text::format_match(*m));
    if (!again || !(*again == *m)) std::abort();
  }
  if (auto a = text::parse_actions(s)) {
    auto again = text::parse_actions(text::format_actions(*a));
    if (!again || !(*again == *a)) std::abort();
  }
  return 0;
}
