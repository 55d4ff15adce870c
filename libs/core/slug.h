// Short links for codes: /s/{slug}. A slug is 10 characters from an alphabet
// without look-alikes (no 0/o, 1/l/i, u/v), about 49 random bits: far beyond
// guessing, short enough for a small QR version. Case-insensitive: stored
// and compared in lower case.
#ifndef QRCLOUD_LIBS_CORE_SLUG_H_
#define QRCLOUD_LIBS_CORE_SLUG_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace qrcloud::core {

inline constexpr absl::string_view kSlugAlphabet = "23456789abcdefghjkmnpqrstwxyz";
inline constexpr size_t kSlugLength = 10;

std::string NewSlug();

// The canonical (lower-case) slug, or nullopt if `text` cannot be one.
std::optional<std::string> NormalizeSlug(absl::string_view text);

}  // namespace qrcloud::core

#endif  // QRCLOUD_LIBS_CORE_SLUG_H_
