// The unified social credit code (统一社会信用代码) of GB 32100-2015: the
// 18-character business licence number every Chinese merchant has.
#ifndef QRCLOUD_LIBS_CORE_CREDIT_CODE_H_
#define QRCLOUD_LIBS_CORE_CREDIT_CODE_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace qrcloud::core {

// OK if `code` is 18 characters from the GB 32100 alphabet (0-9 and A-Z
// without I, O, S, V, Z) whose last character is the check character computed
// from the first 17. Otherwise INVALID_ARGUMENT naming `field` and saying
// which rule failed (and, for a wrong check character, which one was expected).
// Lower-case letters are accepted; NormalizeCreditCode() upper-cases them.
absl::Status ValidateCreditCode(absl::string_view code, absl::string_view field = "licenseNumber");

// The check character for the first 17 characters, or nullopt if one of them
// is outside the alphabet.
std::optional<char> CreditCodeCheckCharacter(absl::string_view first17);

std::string NormalizeCreditCode(absl::string_view code);

}  // namespace qrcloud::core

#endif  // QRCLOUD_LIBS_CORE_CREDIT_CODE_H_
