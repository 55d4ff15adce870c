// OrderStore in memory, for unit tests of the order rules and of the logic
// built on them. Keeps every guarantee of the interface (atomic stock and
// per-person counts, unique request ids and receipt numbers, one redemption
// per order, one refund per order and request id) under its MemoryDb's lock. Where the center's
// MySQL store takes its figures from the campaign's own row (stock left, the limit, and only
// published campaigns), this one takes them from the offer it is given: an
// offer's stock is counted from its first order on, and a campaign's state is
// the caller's business.
#ifndef QRCLOUD_LIBS_ORDERING_MEMORY_ORDER_STORE_H_
#define QRCLOUD_LIBS_ORDERING_MEMORY_ORDER_STORE_H_

#include <map>
#include <string>
#include <utility>

#include "libs/ordering/order_store.h"
#include "libs/store/memory_tx.h"

namespace qrcloud::ordering {

class MemoryOrderStore final : public OrderStore {
 public:
  explicit MemoryOrderStore(store::MemoryDb& db);

  absl::StatusOr<Placed> Place(store::Tx& tx, const v1::Order& order, const Offer& offer,
                               absl::string_view request_id) override;
  absl::StatusOr<std::optional<v1::Order>> FindByRequest(absl::string_view account_id,
                                                         absl::string_view request_id) override;
  absl::StatusOr<v1::Order> Get(absl::string_view id) override;
  absl::StatusOr<v1::Order> Get(store::Tx& tx, absl::string_view id, bool for_update) override;
  absl::StatusOr<v1::Order> GetByReceiptNumber(store::Tx& tx, absl::string_view merchant_id,
                                               absl::string_view number, bool for_update) override;
  absl::StatusOr<std::vector<v1::Order>> List(const OrderFilter& filter) override;
  absl::StatusOr<bool> MarkCancelled(store::Tx& tx, const v1::Order& order,
                                     absl::Time now) override;
  absl::Status InsertRedemption(store::Tx& tx, const v1::Redemption& redemption) override;
  absl::Status MarkRedeemed(store::Tx& tx, absl::string_view order_id, absl::Time now) override;
  absl::StatusOr<std::optional<RefundRecord>> GetRefund(store::Tx& tx,
                                                        absl::string_view order_id) override;
  absl::Status MarkRefunded(store::Tx& tx, const RefundRecord& refund) override;

  // What is left of a limited offer's stock; -1 before its first order.
  int64_t StockLeft(const std::string& offer_id);
  int RedemptionCount(const std::string& order_id);

 private:
  struct Tables {
    std::map<std::string, v1::Order> orders;
    std::map<std::pair<std::string, std::string>, std::string> by_request;  // (account, request)
    std::map<std::pair<std::string, std::string>, std::string> by_number;   // (merchant, number)
    std::map<std::string, int64_t> stock_left;                              // limited offers
    std::map<std::pair<std::string, std::string>, int64_t> bought;  // (offer, account) → held
    std::map<std::string, v1::Redemption> redemptions;              // by order id
    std::map<std::string, RefundRecord> refunds;                    // by order id
    // (merchant, refund request id) → order id
    std::map<std::pair<std::string, std::string>, std::string> by_refund_request;
  };

  store::MemoryDb& db_;
  Tables t_;
};

}  // namespace qrcloud::ordering

#endif  // QRCLOUD_LIBS_ORDERING_MEMORY_ORDER_STORE_H_
