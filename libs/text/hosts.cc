#include "libs/text/hosts.h"

#include <unicode/uidna.h>
#include <unicode/uspoof.h>

#include <memory>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/core/status.h"
#include "libs/core/validate.h"

namespace qrcloud::text {
namespace {

// Longest DNS label and name, in bytes; decoded labels are UTF-8, up to
// four bytes a character.
constexpr int kMaxDecoded = 4 * 253 + 16;

struct IcuIdna {
  UIDNA* idna = nullptr;
  USpoofChecker* spoof = nullptr;

  IcuIdna() {
    UErrorCode err = U_ZERO_ERROR;
    idna = uidna_openUTS46(
        UIDNA_CHECK_BIDI | UIDNA_CHECK_CONTEXTJ | UIDNA_NONTRANSITIONAL_TO_UNICODE, &err);
    if (U_FAILURE(err)) idna = nullptr;
    err = U_ZERO_ERROR;
    spoof = uspoof_open(&err);
    if (U_FAILURE(err)) {
      spoof = nullptr;
      return;
    }
    uspoof_setRestrictionLevel(spoof, USPOOF_HIGHLY_RESTRICTIVE);
    uspoof_setChecks(spoof, USPOOF_RESTRICTION_LEVEL | USPOOF_INVISIBLE | USPOOF_MIXED_NUMBERS,
                     &err);
    if (U_FAILURE(err)) spoof = nullptr;
  }
};

// Configured once; ICU's checks on a configured checker, and IDNA
// conversions, are safe from many threads.
const IcuIdna& Icu() {
  static const IcuIdna* icu = new IcuIdna;
  return *icu;
}

bool IsAscii(absl::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

}  // namespace

absl::Status CheckHostReadsAsWritten(absl::string_view field, absl::string_view host) {
  const IcuIdna& icu = Icu();
  if (icu.idna == nullptr || icu.spoof == nullptr) {
    return absl::InternalError("ICU's IDNA or spoof data is not available");
  }
  for (absl::string_view label : absl::StrSplit(host, '.')) {
    if (!absl::StartsWithIgnoreCase(label, "xn--")) continue;
    char decoded[kMaxDecoded];
    UIDNAInfo info = UIDNA_INFO_INITIALIZER;
    UErrorCode err = U_ZERO_ERROR;
    const int32_t n =
        uidna_labelToUnicodeUTF8(icu.idna, label.data(), static_cast<int32_t>(label.size()),
                                 decoded, sizeof decoded, &info, &err);
    if (U_FAILURE(err) || info.errors != 0 || n <= 0 || n >= kMaxDecoded) {
      return core::InvalidField(field, absl::StrCat("names its host with \"", label,
                                                    "\", which is not a valid international "
                                                    "domain name"));
    }
    const absl::string_view unicode(decoded, static_cast<size_t>(n));
    if (IsAscii(unicode)) continue;  // xn-- that decodes to ASCII: refused above by IDNA
    err = U_ZERO_ERROR;
    const int32_t failed = uspoof_checkUTF8(icu.spoof, unicode.data(),
                                            static_cast<int32_t>(unicode.size()), nullptr, &err);
    char skeleton[kMaxDecoded];
    UErrorCode skeleton_err = U_ZERO_ERROR;
    const int32_t k =
        uspoof_getSkeletonUTF8(icu.spoof, 0, unicode.data(), static_cast<int32_t>(unicode.size()),
                               skeleton, sizeof skeleton, &skeleton_err);
    const bool looks_latin = U_SUCCESS(skeleton_err) && k > 0 && k < kMaxDecoded &&
                             IsAscii(absl::string_view(skeleton, static_cast<size_t>(k)));
    if (U_FAILURE(err) || failed != 0 || looks_latin) {
      return core::InvalidField(field,
                                absl::StrCat("names its host with \"", label, "\" (\"", unicode,
                                             "\"), which can pass for another name: ",
                                             looks_latin ? "its letters look like Latin ones"
                                                         : "it mixes scripts or hides characters",
                                             "; link to the site by a name that reads as it is"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateOutboundLink(absl::string_view field, absl::string_view url) {
  QRCLOUD_RETURN_IF_ERROR(core::ValidateOutboundUrl(field, url));
  return CheckHostReadsAsWritten(field, core::UrlHost(url));
}

}  // namespace qrcloud::text
