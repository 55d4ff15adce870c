// The center's orders in MySQL (tables orders, campaign_buyers, redemptions;
// stock in campaigns; a refund in its order's row): ordering::OrderStore, with the guarantees the
// order rules rely on kept by the database itself.
#ifndef QRCLOUD_SERVICES_CENTER_MYSQL_ORDER_STORE_H_
#define QRCLOUD_SERVICES_CENTER_MYSQL_ORDER_STORE_H_

#include "libs/ordering/order_store.h"
#include "libs/store/mysql.h"

namespace qrcloud::center {

class MysqlOrderStore final : public ordering::OrderStore {
 public:
  explicit MysqlOrderStore(store::MysqlPool& mysql) : mysql_(mysql) {}

  // One autocommit INSERT: the trigger orders_take_stock (migration 0009)
  // counts the buyer against the per-person limit and takes the stock only
  // while it lasts, inside the same statement, with the campaign's own
  // columns as the authority. A refusal rolls the statement back whole.
  absl::StatusOr<ordering::Placed> Place(store::Tx& tx, const v1::Order& order,
                                         const ordering::Offer& offer,
                                         absl::string_view request_id) override;
  absl::StatusOr<std::optional<v1::Order>> FindByRequest(absl::string_view account_id,
                                                         absl::string_view request_id) override;
  absl::StatusOr<v1::Order> Get(absl::string_view id) override;
  absl::StatusOr<v1::Order> Get(store::Tx& tx, absl::string_view id, bool for_update) override;
  absl::StatusOr<v1::Order> GetByReceiptNumber(store::Tx& tx, absl::string_view merchant_id,
                                               absl::string_view number, bool for_update) override;
  absl::StatusOr<std::vector<v1::Order>> List(const ordering::OrderFilter& filter) override;
  absl::StatusOr<bool> MarkCancelled(store::Tx& tx, const v1::Order& order,
                                     absl::Time now) override;
  absl::Status InsertRedemption(store::Tx& tx, const v1::Redemption& redemption) override;
  absl::Status MarkRedeemed(store::Tx& tx, absl::string_view order_id, absl::Time now) override;
  absl::StatusOr<std::optional<ordering::RefundRecord>> GetRefund(
      store::Tx& tx, absl::string_view order_id) override;
  // The unique key orders_refund_request (migration 0017) is the last word
  // on a request id reused for another order.
  absl::Status MarkRefunded(store::Tx& tx, const ordering::RefundRecord& refund) override;

 private:
  store::MysqlPool& mysql_;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_MYSQL_ORDER_STORE_H_
