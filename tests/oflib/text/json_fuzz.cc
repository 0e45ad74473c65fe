// libFuzzer target for the JSON message decoder: any input either fails with
// an error string or yields a message whose JSON form decodes back to the
// same message.

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "oflib/text/json.h"

using namespace ofkit;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view s(reinterpret_cast<const char*>(data), size);
  auto m = text::message_from_json_text(s);
  if (!m) return 0;
  const text::Json j = text::to_json(*m);
  auto again = text::message_from_json(j);
  if (!again || !(again->msg == m->msg) || !(again->header == m->header)) std::abort();
  (void)j.dump();
  return 0;
}
