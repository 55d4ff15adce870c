// How an order is paid. This release takes payment at the shop, when the
// receipt is redeemed: PayAtShop records it, charging nothing. A provider
// that charges a card or a wallet implements the same interface.
#ifndef QRCLOUD_LIBS_ORDERING_PAYMENT_H_
#define QRCLOUD_LIBS_ORDERING_PAYMENT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/core/money.h"

namespace qrcloud::ordering {

struct Payment {
  std::string provider;   // "pay_at_shop"
  std::string reference;  // the provider's reference; the redemption id here
};

class PaymentProvider {
 public:
  virtual ~PaymentProvider() = default;
  virtual std::string name() const = 0;
  // Settles `amount` for `order_id` as the receipt is redeemed. Must be
  // idempotent on `redemption_id`.
  virtual absl::StatusOr<Payment> Settle(absl::string_view order_id,
                                         absl::string_view redemption_id,
                                         const core::Money& amount) = 0;
};

// The merchant takes the money at the counter; the platform only records
// that the order was paid there.
class PayAtShop : public PaymentProvider {
 public:
  std::string name() const override { return "pay_at_shop"; }
  absl::StatusOr<Payment> Settle(absl::string_view order_id, absl::string_view redemption_id,
                                 const core::Money& amount) override {
    (void)order_id;
    (void)amount;
    return Payment{name(), std::string(redemption_id)};
  }
};

}  // namespace qrcloud::ordering

#endif  // QRCLOUD_LIBS_ORDERING_PAYMENT_H_
