// The landing node's logic: table orders from the guests' phones, the desk's
// work on them, shifts, cloud receipts redeemed here, and what the sync
// brings in (configuration, orders the center took for this node's tables).
// Plain and synchronous over the node's SQLite stores; every change commits
// with its outbox row in one unit (the order book's for orders placed and
// settled, the node's own for the desk's changes and redemptions).
#ifndef QRCLOUD_SERVICES_LANDING_NODE_LOGIC_H_
#define QRCLOUD_SERVICES_LANDING_NODE_LOGIC_H_

#include <cstdint>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "libs/core/clock.h"
#include "libs/ordering/order_book.h"
#include "qrcloud/v1/landing.pb.h"
#include "services/landing/node_rules.h"
#include "services/landing/node_store.h"

namespace qrcloud::landing {

// The account every table order is placed as: request ids are unique per node.
inline constexpr char kGuestAccount[] = "lan-guest";

// Recent order changes, for the desk's live stream (in memory: a desk that
// reconnects asks for the open orders first).
class OrderFeed {
 public:
  void Publish(std::string change, const v1::Order& order);
  // Changes after `cursor` (0: from the start of what is kept), and the new cursor.
  std::vector<v1::DeskOrderEvent> Since(int64_t& cursor, int max);
  int64_t head();

 private:
  absl::Mutex mu_;
  int64_t next_ ABSL_GUARDED_BY(mu_) = 1;
  std::deque<std::pair<int64_t, v1::DeskOrderEvent>> kept_ ABSL_GUARDED_BY(mu_);
};

struct NodeOptions {
  // The node's id at the center (its API key is scoped to it); a ULID.
  std::string node_id;
  // The platform's Ed25519 public key (32 bytes) for cloud receipts; "" if
  // not given (then RedeemCloudReceipt is FAILED_PRECONDITION).
  std::string platform_public_key;
};

class NodeLogic {
 public:
  NodeLogic(NodeStore& node, LandingOrderStore& orders, ordering::OrderBook& book,
            const core::Clock& clock, NodeOptions options);

  // Loads the stored configuration (at start).
  absl::Status Load();

  // --- the guests ---
  absl::StatusOr<v1::Menu> Menu();
  struct TablePage {
    v1::LandingTable table;
    v1::Menu menu;
  };
  absl::StatusOr<TablePage> OpenTable(const std::string& table, const std::string& token);
  absl::StatusOr<v1::Order> PlaceTableOrder(const v1::CreateTableOrderRequest& req);

  // --- the desk ---
  absl::StatusOr<v1::Order> Apply(const std::string& order_id, DeskAction action,
                                  const std::string& reason);
  absl::StatusOr<std::vector<v1::Order>> ListOrders(const v1::ListDeskOrdersRequest& req);
  absl::StatusOr<v1::ListDeskTablesResponse> Tables();
  absl::StatusOr<v1::Menu> SetSoldOut(const v1::SetSoldOutRequest& req);
  absl::StatusOr<v1::Shift> OpenShift();
  absl::StatusOr<v1::Shift> CloseShift(bool force);
  absl::StatusOr<v1::Shift> CurrentShift();
  absl::StatusOr<v1::RedeemCloudReceiptResponse> RedeemCloudReceipt(const std::string& token);
  OrderFeed& feed() { return feed_; }

  // --- the sync ---
  v1::LandingConfig config();
  absl::Status ApplyConfig(const v1::LandingConfig& config);
  // What the center says of the merchant's landing business between
  // configurations: while off, no table orders are taken.
  absl::Status SetLandingEnabled(bool enabled);
  // An order the center took for one of this node's tables; false if it was
  // here already.
  absl::StatusOr<bool> ImportPulled(const v1::Order& order);
  const NodeOptions& options() const { return options_; }

 private:
  absl::StatusOr<v1::Shift> ShiftOf(const NodeStore::ShiftRow& row);

  NodeStore& node_;
  LandingOrderStore& orders_;
  ordering::OrderBook& book_;
  const core::Clock& clock_;
  const NodeOptions options_;
  OrderFeed feed_;
  absl::Mutex mu_;
  v1::LandingConfig config_ ABSL_GUARDED_BY(mu_);
};

}  // namespace qrcloud::landing

#endif  // QRCLOUD_SERVICES_LANDING_NODE_LOGIC_H_
