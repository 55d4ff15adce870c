// Money as an exact integer count of a currency's minor unit. There is no
// floating point anywhere on this path: every operation either gives the exact
// result or an error (overflow, currency mismatch), never a rounded value.
#ifndef QRCLOUD_LIBS_CORE_MONEY_H_
#define QRCLOUD_LIBS_CORE_MONEY_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"

namespace qrcloud::core {

class Money {
 public:
  // Validates the currency (three upper-case letters).
  static absl::StatusOr<Money> Of(absl::string_view currency, int64_t minor);
  // Parses a decimal amount such as "19.90" or "-0.05" in a currency whose
  // minor unit is 1/100 (every currency qrcloud settles in). At most two
  // decimal places; more is an error, never rounded.
  static absl::StatusOr<Money> Parse(absl::string_view currency, absl::string_view decimal);
  static Money Zero(absl::string_view currency);

  const std::string& currency() const { return currency_; }
  int64_t minor() const { return minor_; }
  bool is_zero() const { return minor_ == 0; }
  bool is_negative() const { return minor_ < 0; }

  absl::StatusOr<Money> Add(const Money& other) const;
  absl::StatusOr<Money> Subtract(const Money& other) const;
  absl::StatusOr<Money> Multiply(int64_t factor) const;
  Money Negated() const;

  // Splits this amount into parts proportional to `weights` (all >= 0, at
  // least one > 0). The parts always sum exactly to this amount: the minor
  // units left over after integer division go, one each, to the parts with
  // the largest remainders (ties to the earlier part).
  absl::StatusOr<std::vector<Money>> Allocate(std::span<const int64_t> weights) const;

  // `bps` basis points (1/10000) of this amount, rounded half away from zero.
  absl::StatusOr<Money> Share(int64_t bps) const;

  // "19.90 CNY".
  std::string ToString() const;
  // "19.90".
  std::string ToDecimal() const;

  friend bool operator==(const Money&, const Money&) = default;

 private:
  Money(std::string currency, int64_t minor) : currency_(std::move(currency)), minor_(minor) {}
  absl::Status SameCurrency(const Money& other) const;

  std::string currency_;
  int64_t minor_ = 0;
};

}  // namespace qrcloud::core

#endif  // QRCLOUD_LIBS_CORE_MONEY_H_
