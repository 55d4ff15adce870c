// OrderStore on SQLite, for a landing node (tables orders, offer_stock,
// offer_buyers, redemptions in the node's database; libs/store/sqlite_tx.h).
// The same guarantees as the center's MySQL store, kept inside the unit:
// a SqliteDb unit holds the database's write lock from its first statement
// (BEGIN IMMEDIATE), so what Place reads (the buyer's count, the stock left)
// cannot change before it writes; the unique keys on (buyer, request id),
// (merchant, receipt number), (merchant, refund request id) and a
// redemption's order are the last word all the same.
//
// Like the memory store, it takes its figures from the offer it is given
// (a node's menu item is not a table here yet): a limited offer's stock is
// counted from its first order on, and whether an offer takes orders is the
// caller's business. `for_update` needs no lock of its own: the unit holds
// the write lock already.
//
// Threads: as its SqliteDb (one connection under one mutex).
//
//   QRCLOUD_ASSIGN_OR_RETURN(auto db, store::SqliteDb::Open(path));
//   QRCLOUD_ASSIGN_OR_RETURN(auto orders, ordering::SqliteOrderStore::Open(*db));
//   OrderBook book(*db, *orders, signer, payments, clock, {.source = v1::Order::LANDING});
#ifndef QRCLOUD_LIBS_ORDERING_SQLITE_ORDER_STORE_H_
#define QRCLOUD_LIBS_ORDERING_SQLITE_ORDER_STORE_H_

#include <memory>
#include <string>

#include "libs/ordering/order_store.h"
#include "libs/store/sqlite_tx.h"

namespace qrcloud::ordering {

class SqliteOrderStore final : public OrderStore {
 public:
  // Applies the store's migrations (component "ordering") to `db`, which
  // must outlive the store.
  static absl::StatusOr<std::unique_ptr<SqliteOrderStore>> Open(store::SqliteDb& db);

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

  // Keeps an order placed elsewhere (one the center took for a landing
  // node's table) as it is, in `tx`: no stock, no allowance, no receipt
  // drawn. Its request id is "import:<id>", so importing it again is
  // ALREADY_EXISTS and writes nothing.
  absl::Status Import(store::Tx& tx, const v1::Order& order);

  // What is left of a limited offer's stock; -1 before its first order.
  absl::StatusOr<int64_t> StockLeft(const std::string& offer_id);
  absl::StatusOr<int> RedemptionCount(const std::string& order_id);

 private:
  explicit SqliteOrderStore(store::SqliteDb& db) : db_(db) {}

  store::SqliteDb& db_;
};

}  // namespace qrcloud::ordering

#endif  // QRCLOUD_LIBS_ORDERING_SQLITE_ORDER_STORE_H_
