// The landing node's own tables, in its SQLite database beside the order
// rules' (component "landing"; libs/store/sqlite_tx.h): the configuration
// it last pulled, what the desk set sold out, each landing order's table,
// lines and desk status, shifts, the cloud receipts redeemed here, and the
// sync's marks on the outbox ("sending" while a batch is out, "parked" once
// rejected) and its state.
//
// LandingOrderStore is the OrderStore the node's OrderBook runs on: the
// rules' SQLite store, with each landing order's table, lines and desk status
// written in the same unit as the order and read back with it.
#ifndef QRCLOUD_SERVICES_LANDING_NODE_STORE_H_
#define QRCLOUD_SERVICES_LANDING_NODE_STORE_H_

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/ordering/sqlite_order_store.h"
#include "libs/store/sqlite_tx.h"
#include "qrcloud/v1/landing.pb.h"
#include "qrcloud/v1/landing_admin.pb.h"

namespace qrcloud::landing {

// An outbox row as the flusher sends it.
struct OutboxRow {
  int64_t sequence = 0;  // the outbox's id: strictly increasing, never reused
  std::string uuid;      // its event id, minted once in the unit of the change
  std::string stream;
  std::string type;
  std::string data;
};

struct SyncCounts {
  int64_t pending = 0;  // not yet acknowledged, not parked
  int64_t sending = 0;
  int64_t parked = 0;
};

class NodeStore {
 public:
  // Applies the node's migrations to `db` (which must outlive the store).
  static absl::StatusOr<std::unique_ptr<NodeStore>> Open(store::SqliteDb& db);

  store::SqliteDb& db() { return db_; }

  // The configuration last pulled; version 0 when there is none yet.
  absl::StatusOr<v1::LandingConfig> Config();
  absl::Status SaveConfig(const v1::LandingConfig& config);

  absl::StatusOr<std::set<std::string>> SoldOutHere();
  absl::Status SetSoldOut(const std::string& menu_item_id, bool sold_out);

  // A landing order's row, in the unit that writes the order.
  // `origin`: "node" (placed here) or "center" (pulled).
  absl::Status InsertLanding(store::Tx& tx, const v1::Order& order, absl::string_view origin);
  absl::Status SetStatus(store::Tx& tx, const std::string& order_id,
                         v1::Order::LandingStatus status, absl::string_view reason, absl::Time now);
  // Fills in the order's table, lines, node and desk status, if it has them.
  absl::Status Decorate(store::SqliteConnection& conn, v1::Order& order);
  // "node" or "center"; NOT_FOUND for an order that is not a landing order.
  absl::StatusOr<std::string> OriginOf(store::SqliteConnection& conn, const std::string& order_id);
  // Landing order ids, newest first.
  absl::StatusOr<std::vector<std::string>> LandingOrderIds(v1::Order::LandingStatus status,
                                                           const std::string& table, int limit,
                                                           bool open_only);

  // Shifts: the open one, if any.
  struct ShiftRow {
    std::string id;
    absl::Time opened;
    std::optional<absl::Time> closed;
    int64_t unsynced_at_close = 0;
  };
  absl::StatusOr<std::optional<ShiftRow>> OpenShift(store::SqliteConnection& conn);
  absl::StatusOr<std::optional<ShiftRow>> LastShift(store::SqliteConnection& conn);
  absl::Status InsertShift(store::Tx& tx, const ShiftRow& shift);
  absl::Status CloseShift(store::Tx& tx, const std::string& id, absl::Time at, int64_t unsynced);
  // Orders placed in [from, to) not rejected: count and total (minor, by currency).
  absl::StatusOr<std::pair<int64_t, v1::Money>> ShiftTotals(store::SqliteConnection& conn,
                                                            absl::Time from, absl::Time to);

  // A cloud receipt redeemed here: ALREADY_EXISTS (saying when) the second time.
  absl::Status InsertCloudRedemption(store::Tx& tx, const std::string& order_id,
                                     const std::string& merchant_id, absl::Time at);

  // The next batch of unsent records, oldest first, marked "sending" in the
  // same unit.
  absl::StatusOr<std::vector<OutboxRow>> TakeBatch(int limit, absl::Time now);
  // After the center's answer: synced rows are marked sent, parked rows
  // parked with their reason, the rest go back to unsent.
  absl::Status Settle(const std::vector<int64_t>& synced,
                      const std::vector<std::pair<int64_t, std::string>>& parked,
                      const std::vector<int64_t>& retry, absl::Time now);
  // Parks rows the node itself cannot send (unreadable).
  absl::Status Park(const std::vector<std::pair<int64_t, std::string>>& parked, absl::Time now);
  // Rows left "sending" (by a crash) go back to unsent; how many.
  absl::StatusOr<int64_t> ResetSending();
  absl::StatusOr<SyncCounts> Counts();
  absl::StatusOr<std::vector<v1::ParkedRecord>> Parked(int limit);

  // Small named values of the sync (high-water mark, pull cursor).
  absl::StatusOr<std::string> GetState(const std::string& key);
  absl::Status PutState(const std::string& key, const std::string& value);

 private:
  explicit NodeStore(store::SqliteDb& db) : db_(db) {}
  store::SqliteDb& db_;
};

// The OrderStore of the node's OrderBook (see the file comment).
class LandingOrderStore final : public ordering::OrderStore {
 public:
  LandingOrderStore(ordering::SqliteOrderStore& orders, NodeStore& node, store::SqliteDb& db)
      : orders_(orders), node_(node), db_(db) {}

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
  absl::Status MarkRefunded(store::Tx& tx, const ordering::RefundRecord& refund) override;

  // An order the center took for one of this node's tables, kept with its
  // landing row; ALREADY_EXISTS if it is here already.
  absl::Status Import(store::Tx& tx, const v1::Order& order);

 private:
  absl::StatusOr<v1::Order> Decorated(absl::StatusOr<v1::Order> order);

  ordering::SqliteOrderStore& orders_;
  NodeStore& node_;
  store::SqliteDb& db_;
};

}  // namespace qrcloud::landing

#endif  // QRCLOUD_SERVICES_LANDING_NODE_STORE_H_
