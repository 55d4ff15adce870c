// Where the center keeps what it knows of landing nodes, as its logic sees
// it: configurations with versions, nodes and their keys, the sync records
// each node sent (once), the landing orders, and redemption conflicts.
// MySQL in the service (mysql_landing_store.h).
#ifndef QRCLOUD_SERVICES_CENTER_LANDING_STORE_H_
#define QRCLOUD_SERVICES_CENTER_LANDING_STORE_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/auth/authenticator.h"
#include "qrcloud/v1/landing_admin.pb.h"

namespace qrcloud::center {

// A sync record as stored: its outcome, once.
struct KnownRecord {
  int64_t sequence = 0;
  bool rejected = false;
  std::string reason;
};

// A conflict found while applying a node's redemption.
struct ConflictRecord {
  std::string order_id;
  std::optional<absl::Time> node_redeemed_at;
  std::optional<absl::Time> other_redeemed_at;
  std::string reason;
};

// One record of a batch not seen before, as the logic judged it.
struct PlannedRecord {
  std::string uuid;
  int64_t sequence = 0;
  std::string rejection;           // non-empty: rejected with this reason
  std::optional<v1::Order> order;  // a landing order to upsert (LandingOrderOf)
  std::optional<ConflictRecord> conflict;
};

struct SyncPlan {
  std::string node_id;
  std::string merchant_id;
  // Records of the batch the logic saw as new, in the batch's order.
  std::vector<PlannedRecord> records;
  // Every record of the batch (duplicates too), for the answer.
  std::vector<std::string> uuids;
  int64_t high_water_mark = 0;  // the batch's highest sequence
  absl::Time now;
};

class LandingStore {
 public:
  virtual ~LandingStore() = default;

  // The stored configuration; nullopt before the first update.
  virtual absl::StatusOr<std::optional<v1::LandingConfig>> GetConfig(
      absl::string_view merchant_id) = 0;
  // Stores `config` (its version one above `previous_version`, 0 for none)
  // if the stored version is still `previous_version`; ABORTED otherwise.
  virtual absl::Status PutConfig(const v1::LandingConfig& config, int64_t previous_version,
                                 absl::Time now) = 0;

  // A new node and its key (its hash only). ALREADY_EXISTS when the
  // merchant's request id registered a node already.
  virtual absl::Status InsertNode(const v1::LandingNode& node, absl::string_view request_id,
                                  const auth::NewApiKey& key) = 0;
  virtual absl::StatusOr<std::optional<v1::LandingNode>> FindNodeByRequest(
      absl::string_view merchant_id, absl::string_view request_id) = 0;
  // Revokes the node's live keys and gives it `key`; the old keys' hashes.
  virtual absl::StatusOr<std::vector<std::string>> ReplaceNodeKey(absl::string_view node_id,
                                                                  const auth::NewApiKey& key,
                                                                  absl::Time now) = 0;
  // NOT_FOUND naming the node.
  virtual absl::StatusOr<v1::LandingNode> GetNode(absl::string_view node_id) = 0;
  // Oldest first (by id), after the node `after_id` ("" for the start), at
  // most `limit`.
  virtual absl::StatusOr<std::vector<v1::LandingNode>> ListNodes(absl::string_view merchant_id,
                                                                 absl::string_view after_id,
                                                                 int limit) = 0;
  // Marks the node and its keys revoked; the keys' hashes (to drop from the
  // cache). Revoking twice changes nothing.
  virtual absl::StatusOr<std::vector<std::string>> RevokeNode(absl::string_view node_id,
                                                              absl::Time now) = 0;
  // The node was seen now (and pulled `config_version`, if given).
  virtual absl::Status TouchNode(absl::string_view node_id, absl::Time now,
                                 std::optional<int64_t> config_version) = 0;

  // The records of `uuids` the node sent before.
  virtual absl::StatusOr<std::map<std::string, KnownRecord>> KnownRecords(
      absl::string_view node_id, const std::vector<std::string>& uuids) = 0;
  // Applies a batch in one transaction: under the node's row lock, records
  // already stored are duplicates (a concurrent replay), an order whose id
  // is another merchant's or node's is rejected, the rest are upserted (an
  // order keeps the state of its highest sequence), every new record is
  // remembered with its outcome, conflicts are recorded once, and the
  // node's high-water mark rises to the batch's. Answers as
  // SyncOrdersResponse says.
  virtual absl::StatusOr<v1::SyncOrdersResponse> ApplySync(const SyncPlan& plan) = 0;

  // An order taken at the center for a node's table: the landing order
  // and its row to pull, in one transaction. ALREADY_EXISTS when the node's
  // request id took an order already.
  virtual absl::Status InsertCenterOrder(const v1::Order& order, absl::string_view request_id) = 0;
  // The id of the order the node's request id took, if any.
  virtual absl::StatusOr<std::optional<std::string>> FindCenterOrder(
      absl::string_view node_id, absl::string_view request_id) = 0;
  // Up to `limit` (pull_seq, order id) of the node's center orders after
  // `after`, created before `before` (a row committed late never falls
  // behind a cursor already past it), oldest first.
  virtual absl::StatusOr<std::vector<std::pair<int64_t, std::string>>> CenterOrders(
      absl::string_view node_id, int64_t after, absl::Time before, int limit) = 0;

  // Who redeemed the order, and when; nullopt if it was not redeemed.
  struct Redemption {
    std::string redeemed_by;
    absl::Time redeemed_at;
  };
  virtual absl::StatusOr<std::optional<Redemption>> RedemptionOf(absl::string_view order_id) = 0;
  // Newest order first (by order id, then node id), after the conflict
  // `after` ({} for the start), at most `limit`.
  struct ConflictKey {
    std::string order_id;
    std::string node_id;
  };
  virtual absl::StatusOr<std::vector<v1::LandingConflict>> ListConflicts(
      absl::string_view merchant_id, const ConflictKey& after, int limit) = 0;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_LANDING_STORE_H_
