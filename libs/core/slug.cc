#include "libs/core/slug.h"

#include <sodium.h>

#include "absl/strings/ascii.h"
#include "libs/core/encoding.h"

namespace qrcloud::core {

std::string NewSlug() {
  EnsureSodium();
  std::string slug(kSlugLength, ' ');
  for (char& c : slug) {
    c = kSlugAlphabet[randombytes_uniform(static_cast<uint32_t>(kSlugAlphabet.size()))];
  }
  return slug;
}

std::optional<std::string> NormalizeSlug(absl::string_view text) {
  if (text.size() != kSlugLength) return std::nullopt;
  std::string slug = absl::AsciiStrToLower(text);
  for (char c : slug) {
    if (kSlugAlphabet.find(c) == absl::string_view::npos) return std::nullopt;
  }
  return slug;
}

}  // namespace qrcloud::core
