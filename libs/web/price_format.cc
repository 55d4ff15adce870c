#include "libs/web/price_format.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "libs/core/money.h"

namespace qrcloud::web {
namespace {

absl::string_view Symbol(absl::string_view currency) {
  if (currency == "CNY") return "¥";
  if (currency == "USD") return "US$";
  if (currency == "HKD") return "HK$";
  if (currency == "EUR") return "€";
  return "";
}

// "1234567" → "1,234,567".
std::string Grouped(absl::string_view digits) {
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

}  // namespace

std::string FormatPrice(const qrcloud::v1::Money& price) {
  std::string currency = price.currency().empty() ? "CNY" : price.currency();
  // ToDecimal needs a Money; an unknown or malformed code still formats,
  // only without a symbol.
  absl::StatusOr<core::Money> money = core::Money::Of(currency, price.minor());
  const std::string decimal =
      money.ok() ? money->ToDecimal() : core::Money::Of("XXX", price.minor())->ToDecimal();
  absl::string_view number = decimal;
  const bool negative = absl::ConsumePrefix(&number, "-");
  const size_t dot = number.find('.');
  const std::string amount = absl::StrCat(Grouped(number.substr(0, dot)), number.substr(dot));
  const absl::string_view symbol = Symbol(currency);
  return absl::StrCat(negative ? "-" : "", symbol.empty() ? absl::StrCat(currency, " ") : symbol,
                      amount);
}

}  // namespace qrcloud::web
