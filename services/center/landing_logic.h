// The center's side of landing nodes (LandingAdminService): a merchant's
// landing configuration with versions and table tokens, node registration
// with a key scoped to the node, and the node's calls: pulling its
// configuration, syncing what it took exactly once, pulling orders. Who may
// do what is here; what is valid is landing_rules.h; storage is
// LandingStore. See docs/landing.md, "The center's side".
#ifndef QRCLOUD_SERVICES_CENTER_LANDING_LOGIC_H_
#define QRCLOUD_SERVICES_CENTER_LANDING_LOGIC_H_

#include "google/api/httpbody.pb.h"
#include "libs/auth/authenticator.h"
#include "libs/core/clock.h"
#include "libs/ordering/order_book.h"
#include "libs/rpc/dispatcher.h"
#include "qrcloud/v1/landing_admin.pb.h"
#include "services/center/landing_store.h"
#include "services/center/merchant_store.h"

namespace qrcloud::center {

struct LandingOptions {
  // The gateway's public base URL, for center links (/l/{node}/{table}).
  std::string public_url = "http://localhost:8080";
  // The platform's receipt public key, handed to nodes with their config.
  std::string receipt_public_key;
  // A center order is given to its node once it is this old, so that one
  // committed late never falls behind a node's cursor.
  absl::Duration pull_settle = absl::Seconds(1);
};

class LandingLogic {
 public:
  LandingLogic(LandingStore& store, MerchantStore& merchants, ordering::OrderBook& book,
               ordering::OrderStore& orders, auth::Authenticator& keys, const core::Clock& clock,
               LandingOptions options)
      : store_(store),
        merchants_(merchants),
        book_(book),
        orders_(orders),
        keys_(keys),
        clock_(clock),
        options_(std::move(options)) {}

  // The merchant's owner only, while landing business is on
  // (FAILED_PRECONDITION otherwise). The answer carries the node's API key,
  // once; a retry with the same request id answers the same node with a new
  // key (the key of the lost answer stops working).
  absl::Status RegisterNode(const rpc::CallContext& call, const v1::RegisterNodeRequest& req,
                            v1::RegisterNodeResponse& resp);
  absl::Status ListNodes(const rpc::CallContext& call, const v1::ListNodesRequest& req,
                         v1::ListNodesResponse& resp);
  // The node's key stops working at once (dropped from the key cache).
  absl::Status RevokeNode(const rpc::CallContext& call, const v1::RevokeNodeRequest& req,
                          v1::RevokeNodeResponse& resp);
  absl::Status GetConfig(const rpc::CallContext& call, const v1::GetLandingConfigRequest& req,
                         v1::LandingConfig& resp);
  absl::Status UpdateConfig(const rpc::CallContext& call, const v1::UpdateLandingConfigRequest& req,
                            v1::LandingConfig& resp);
  absl::Status RotateTableToken(const rpc::CallContext& call,
                                const v1::RotateTableTokenRequest& req, v1::LandingConfig& resp);
  absl::Status ListConflicts(const rpc::CallContext& call,
                             const v1::ListLandingConflictsRequest& req,
                             v1::ListLandingConflictsResponse& resp);

  // Center links (anonymous): the table page, and an order through the
  // center for the node to pull. The table's token is checked (403 for a
  // rotated or forged one, 404 for a table or node the shop does not have);
  // FAILED_PRECONDITION while landing business is off.
  absl::Status GetTablePage(const rpc::CallContext& call, const v1::CenterTablePageRequest& req,
                            google::api::HttpBody& resp);
  // The same request id answers the same order (unique per node).
  absl::Status PlaceTableOrder(const rpc::CallContext& call, const v1::PlaceTableOrderRequest& req,
                               v1::PlaceTableOrderResponse& resp);
  // A PDF sheet of the node's table codes and the Wi-Fi join code: the
  // merchant's owner or staff.
  absl::Status GetTableSheet(const rpc::CallContext& call, const v1::GetTableSheetRequest& req,
                             google::api::HttpBody& resp);

  // A node's own calls (its API key; another node's id is PERMISSION_DENIED;
  // FAILED_PRECONDITION "landing business is off" while the merchant's
  // switch is off).
  absl::Status PullNodeConfig(const rpc::CallContext& call, const v1::PullNodeConfigRequest& req,
                              v1::PullNodeConfigResponse& resp);
  // The menu edited at the node's desk: replaces the menu by the merchant's
  // rules (UpdateConfig's), keeping the tables, their tokens and the Wi-Fi.
  absl::Status UpdateNodeMenu(const rpc::CallContext& call, const v1::UpdateNodeMenuRequest& req,
                              v1::LandingConfig& resp);
  absl::Status SyncOrders(const rpc::CallContext& call, const v1::SyncOrdersRequest& req,
                          v1::SyncOrdersResponse& resp);
  absl::Status PullOrders(const rpc::CallContext& call, const v1::PullOrdersRequest& req,
                          v1::PullOrdersResponse& resp);

 private:
  // The caller's node, live, of a merchant whose landing business is on.
  absl::StatusOr<v1::LandingNode> CallingNode(const rpc::CallContext& call,
                                              absl::string_view node_id);
  // The stored configuration or an empty one at version 0, with the
  // merchant's name and switch.
  absl::StatusOr<v1::LandingConfig> ConfigOf(const v1::Merchant& merchant);
  // Applies a node's redemption with the order book: the outcome as a
  // planned record (stored, stored with a conflict, or rejected).
  absl::StatusOr<PlannedRecord> Redeem(const v1::LandingNode& node, const v1::SyncRecord& record);
  // A live node of a merchant whose landing business is on, its
  // configuration and the table `table` with `token`.
  struct TableOf {
    v1::LandingNode node;
    v1::LandingConfig config;
    v1::LandingTable table;
  };
  absl::StatusOr<TableOf> PublicTable(absl::string_view node_id, absl::string_view table,
                                      absl::string_view token);
  absl::StatusOr<v1::Merchant> WritableMerchant(const rpc::CallContext& call,
                                                absl::string_view merchant_id);
  // `edit` applied to `current` by the merchant's rules and stored, if the
  // stored version is still current's (and the one expected, when given).
  absl::StatusOr<v1::LandingConfig> PutEdit(const v1::LandingConfig& current,
                                            const v1::UpdateLandingConfigRequest& edit);

  LandingStore& store_;
  MerchantStore& merchants_;
  ordering::OrderBook& book_;
  ordering::OrderStore& orders_;
  auth::Authenticator& keys_;
  const core::Clock& clock_;
  const LandingOptions options_;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_LANDING_LOGIC_H_
