// The text normaliser that prohibited words are matched on, and the text
// checks every field goes through: any bytes in, valid UTF-8 out.
#include <cstddef>
#include <cstdint>
#include <string>

#include "libs/core/validate.h"
#include "libs/text/normalize.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string normalized = qrcloud::text::NormalizeForMatching(text);
  if (!qrcloud::core::IsValidUtf8(normalized)) __builtin_trap();
  if (!qrcloud::core::IsValidUtf8(qrcloud::core::ToValidUtf8(text))) __builtin_trap();
  (void)qrcloud::core::ValidateText("text", text, 0, 1000);
  return 0;
}
