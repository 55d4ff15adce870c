#include "libs/core/credit_code.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "libs/core/status.h"

namespace qrcloud::core {
namespace {

// GB 32100-2015 table: the 31 characters and their values 0..30.
constexpr absl::string_view kAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
// Position weights: 3^i mod 31 for i = 0..16.
constexpr int kWeights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};

int ValueOf(char c) {
  const size_t i = kAlphabet.find(c);
  return i == absl::string_view::npos ? -1 : static_cast<int>(i);
}

}  // namespace

std::string NormalizeCreditCode(absl::string_view code) {
  return absl::AsciiStrToUpper(absl::StripAsciiWhitespace(code));
}

std::optional<char> CreditCodeCheckCharacter(absl::string_view first17) {
  if (first17.size() != 17) return std::nullopt;
  int sum = 0;
  for (int i = 0; i < 17; ++i) {
    const int v = ValueOf(first17[i]);
    if (v < 0) return std::nullopt;
    sum += v * kWeights[i];
  }
  const int check = (31 - sum % 31) % 31;
  return kAlphabet[check];
}

absl::Status ValidateCreditCode(absl::string_view raw, absl::string_view field) {
  const std::string code = NormalizeCreditCode(raw);
  if (code.size() != 18) {
    return InvalidField(
        field, absl::StrCat("a unified social credit code has 18 characters; got ", code.size()));
  }
  for (size_t i = 0; i < code.size(); ++i) {
    if (ValueOf(code[i]) < 0) {
      return InvalidField(
          field, absl::StrCat("character ", i + 1, " ('", code.substr(i, 1),
                              "') is not allowed; a unified social credit code uses 0-9 and "
                              "the letters A-Y except I, O, S, V"));
    }
  }
  const char expected = *CreditCodeCheckCharacter(absl::string_view(code).substr(0, 17));
  if (code[17] != expected) {
    return InvalidField(
        field, absl::StrCat("the check character (the 18th) should be '", std::string(1, expected),
                            "' but is '", code.substr(17, 1),
                            "'; please check the number against the licence"));
  }
  return absl::OkStatus();
}

}  // namespace qrcloud::core
