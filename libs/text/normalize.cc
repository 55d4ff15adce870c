#include "libs/text/normalize.h"

#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/unistr.h>
#include <unicode/uspoof.h>

#include <memory>

#include "libs/core/validate.h"

namespace qrcloud::text {
namespace {

const icu::Normalizer2& NfkcCasefold() {
  UErrorCode status = U_ZERO_ERROR;
  static const icu::Normalizer2* n = icu::Normalizer2::getNFKCCasefoldInstance(status);
  return *n;
}

// Transliterators keep state while they work: one per thread.
icu::Transliterator* TraditionalToSimplified() {
  thread_local std::unique_ptr<icu::Transliterator> t = [] {
    UErrorCode status = U_ZERO_ERROR;
    return std::unique_ptr<icu::Transliterator>(
        icu::Transliterator::createInstance("Traditional-Simplified", UTRANS_FORWARD, status));
  }();
  return t.get();
}

const USpoofChecker* Confusables() {
  static const USpoofChecker* checker = [] {
    UErrorCode status = U_ZERO_ERROR;
    return uspoof_open(&status);
  }();
  return checker;
}

// The Latin letter or digit `c` looks like, if it is of another script and
// looks like exactly one; otherwise 0.
UChar32 LatinLookAlike(UChar32 c) {
  if (c < 0x80 || Confusables() == nullptr) return 0;
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString skeleton;
  uspoof_getSkeletonUnicodeString(Confusables(), 0, icu::UnicodeString(c), skeleton, &status);
  if (U_FAILURE(status) || skeleton.length() != 1) return 0;
  const UChar32 s = skeleton.char32At(0);
  if (s >= 'A' && s <= 'Z') return s - 'A' + 'a';
  return (s >= 'a' && s <= 'z') || (s >= '0' && s <= '9') ? s : 0;
}

}  // namespace

std::string NormalizeForMatching(absl::string_view text) {
  const std::string valid = core::ToValidUtf8(text);
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString s =
      NfkcCasefold().normalize(icu::UnicodeString::fromUTF8(icu::StringPiece(
                                   valid.data(), static_cast<int32_t>(valid.size()))),
                               status);
  if (U_FAILURE(status)) s = icu::UnicodeString::fromUTF8(valid);
  if (icu::Transliterator* t = TraditionalToSimplified()) t->transliterate(s);
  icu::UnicodeString folded;
  for (int32_t i = 0; i < s.length();) {
    const UChar32 c = s.char32At(i);
    const UChar32 latin = LatinLookAlike(c);
    folded.append(latin != 0 ? latin : c);
    i += U16_LENGTH(c);
  }
  std::string out;
  folded.toUTF8String(out);
  return out;
}

}  // namespace qrcloud::text
