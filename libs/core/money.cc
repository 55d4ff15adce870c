#include "libs/core/money.h"

#include <algorithm>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace qrcloud::core {
namespace {

bool ValidCurrency(absl::string_view c) {
  return c.size() == 3 &&
         std::all_of(c.begin(), c.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; });
}

absl::Status Overflow() {
  return absl::OutOfRangeError("money amount out of range (int64 minor units)");
}

}  // namespace

absl::StatusOr<Money> Money::Of(absl::string_view currency, int64_t minor) {
  if (!ValidCurrency(currency)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "currency \"", currency, "\" is not an ISO 4217 code (three letters, e.g. CNY)"));
  }
  return Money(std::string(currency), minor);
}

Money Money::Zero(absl::string_view currency) { return Money(std::string(currency), 0); }

absl::StatusOr<Money> Money::Parse(absl::string_view currency, absl::string_view text) {
  auto bad = [&] {
    return absl::InvalidArgumentError(absl::StrCat(
        "amount \"", text, "\" is not a decimal with at most two places (e.g. 19.90)"));
  };
  absl::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return bad();
  int64_t units = 0;
  int fraction_digits = -1;  // -1 until the decimal point
  for (char c : s) {
    if (c == '.') {
      if (fraction_digits >= 0) return bad();
      fraction_digits = 0;
      continue;
    }
    if (c < '0' || c > '9') return bad();
    if (fraction_digits >= 0 && ++fraction_digits > 2) return bad();
    if (__builtin_mul_overflow(units, 10, &units) ||
        __builtin_add_overflow(units, c - '0', &units)) {
      return Overflow();
    }
  }
  if (fraction_digits == 0) return bad();  // "12." is not an amount
  for (int i = std::max(fraction_digits, 0); i < 2; ++i) {
    if (__builtin_mul_overflow(units, 10, &units)) return Overflow();
  }
  return Of(currency, negative ? -units : units);
}

absl::Status Money::SameCurrency(const Money& other) const {
  if (currency_ != other.currency_) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot combine ", currency_, " with ", other.currency_));
  }
  return absl::OkStatus();
}

absl::StatusOr<Money> Money::Add(const Money& other) const {
  if (auto s = SameCurrency(other); !s.ok()) return s;
  int64_t sum;
  if (__builtin_add_overflow(minor_, other.minor_, &sum)) return Overflow();
  return Money(currency_, sum);
}

absl::StatusOr<Money> Money::Subtract(const Money& other) const {
  if (auto s = SameCurrency(other); !s.ok()) return s;
  int64_t diff;
  if (__builtin_sub_overflow(minor_, other.minor_, &diff)) return Overflow();
  return Money(currency_, diff);
}

absl::StatusOr<Money> Money::Multiply(int64_t factor) const {
  int64_t product;
  if (__builtin_mul_overflow(minor_, factor, &product)) return Overflow();
  return Money(currency_, product);
}

Money Money::Negated() const { return Money(currency_, -minor_); }

absl::StatusOr<std::vector<Money>> Money::Allocate(std::span<const int64_t> weights) const {
  if (weights.empty()) return absl::InvalidArgumentError("allocation needs at least one weight");
  __int128 total = 0;
  for (int64_t w : weights) {
    if (w < 0) return absl::InvalidArgumentError("allocation weights must not be negative");
    total += w;
  }
  if (total == 0) return absl::InvalidArgumentError("allocation weights must not all be zero");

  // Work on the magnitude so remainders are non-negative; the sign goes back on at the end.
  const __int128 amount = minor_ < 0 ? -static_cast<__int128>(minor_) : minor_;
  std::vector<__int128> parts(weights.size());
  std::vector<__int128> remainders(weights.size());
  __int128 assigned = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    const __int128 scaled = amount * weights[i];
    parts[i] = scaled / total;
    remainders[i] = scaled % total;
    assigned += parts[i];
  }
  std::vector<size_t> order(weights.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return remainders[a] > remainders[b]; });
  // Invariant: amount - assigned < number of parts, so one pass suffices.
  for (size_t k = 0; assigned < amount; ++k) {
    ++parts[order[k]];
    ++assigned;
  }
  std::vector<Money> out;
  out.reserve(parts.size());
  for (__int128 p : parts) {
    out.push_back(Money(currency_, static_cast<int64_t>(minor_ < 0 ? -p : p)));
  }
  return out;
}

absl::StatusOr<Money> Money::Share(int64_t bps) const {
  if (bps < 0 || bps > 10000) {
    return absl::InvalidArgumentError("a share is 0 to 10000 basis points");
  }
  const __int128 scaled = static_cast<__int128>(minor_) * bps;
  __int128 q = scaled / 10000;
  const __int128 r = scaled % 10000;
  if (r >= 5000) ++q;
  if (r <= -5000) --q;
  return Money(currency_, static_cast<int64_t>(q));
}

std::string Money::ToDecimal() const {
  const uint64_t magnitude =
      minor_ < 0 ? static_cast<uint64_t>(-(minor_ + 1)) + 1 : static_cast<uint64_t>(minor_);
  return absl::StrFormat("%s%d.%02d", minor_ < 0 ? "-" : "", magnitude / 100, magnitude % 100);
}

std::string Money::ToString() const { return absl::StrCat(ToDecimal(), " ", currency_); }

}  // namespace qrcloud::core
