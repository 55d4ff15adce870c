// Text as a moderator reads it: the form that prohibited-word checks (and
// anything else that judges text) compare, so that spelling tricks do not
// get past them.
#ifndef QRCLOUD_LIBS_TEXT_NORMALIZE_H_
#define QRCLOUD_LIBS_TEXT_NORMALIZE_H_

#include <string>

#include "absl/strings/string_view.h"

namespace qrcloud::text {

// UTF-8 `text` folded for matching, in this order:
//  1. NFKC with case folding, which also drops the default-ignorable
//     characters (zero-width spaces and joiners, the soft hyphen, bidi
//     marks): "Ｃａｓｉｎｏ", "CASINO" and "ca\u00adsi\u200bno" all read "casino";
//  2. traditional Chinese to simplified ("賭博" reads "赌博");
//  3. a letter of another script that looks like one Latin letter or digit
//     becomes that letter (Cyrillic "а", Greek "ο" and the like, by Unicode's
//     confusables data); Latin text itself is left alone, so "m" never reads
//     as "rn".
// Invalid UTF-8 is replaced (U+FFFD) first. The result is meant for
// comparison only, never for display.
std::string NormalizeForMatching(absl::string_view text);

}  // namespace qrcloud::text

#endif  // QRCLOUD_LIBS_TEXT_NORMALIZE_H_
