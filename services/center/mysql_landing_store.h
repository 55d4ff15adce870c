// LandingStore in MySQL (migration 0018): landing_configs, landing_nodes
// (keys in api_keys with node_id), landing_sync_records, landing orders in
// `orders` (source LANDING), landing_conflicts. A batch is a handful of
// multi-row statements (libs/store/chunks.h) in one transaction.
#ifndef QRCLOUD_SERVICES_CENTER_MYSQL_LANDING_STORE_H_
#define QRCLOUD_SERVICES_CENTER_MYSQL_LANDING_STORE_H_

#include "libs/store/mysql.h"
#include "services/center/landing_store.h"

namespace qrcloud::center {

class MysqlLandingStore final : public LandingStore {
 public:
  explicit MysqlLandingStore(store::MysqlPool& mysql) : mysql_(mysql) {}

  absl::StatusOr<std::optional<v1::LandingConfig>> GetConfig(
      absl::string_view merchant_id) override;
  absl::Status PutConfig(const v1::LandingConfig& config, int64_t previous_version,
                         absl::Time now) override;
  absl::Status InsertNode(const v1::LandingNode& node, absl::string_view request_id,
                          const auth::NewApiKey& key) override;
  absl::StatusOr<std::optional<v1::LandingNode>> FindNodeByRequest(
      absl::string_view merchant_id, absl::string_view request_id) override;
  absl::StatusOr<std::vector<std::string>> ReplaceNodeKey(absl::string_view node_id,
                                                          const auth::NewApiKey& key,
                                                          absl::Time now) override;
  absl::StatusOr<v1::LandingNode> GetNode(absl::string_view node_id) override;
  absl::StatusOr<std::vector<v1::LandingNode>> ListNodes(absl::string_view merchant_id,
                                                         absl::string_view after_id,
                                                         int limit) override;
  absl::StatusOr<std::vector<std::string>> RevokeNode(absl::string_view node_id,
                                                      absl::Time now) override;
  absl::Status TouchNode(absl::string_view node_id, absl::Time now,
                         std::optional<int64_t> config_version) override;
  absl::StatusOr<std::map<std::string, KnownRecord>> KnownRecords(
      absl::string_view node_id, const std::vector<std::string>& uuids) override;
  absl::StatusOr<v1::SyncOrdersResponse> ApplySync(const SyncPlan& plan) override;
  absl::Status InsertCenterOrder(const v1::Order& order, absl::string_view request_id) override;
  absl::StatusOr<std::optional<std::string>> FindCenterOrder(absl::string_view node_id,
                                                             absl::string_view request_id) override;
  absl::StatusOr<std::vector<std::pair<int64_t, std::string>>> CenterOrders(
      absl::string_view node_id, int64_t after, absl::Time before, int limit) override;
  absl::StatusOr<std::optional<Redemption>> RedemptionOf(absl::string_view order_id) override;
  absl::StatusOr<std::vector<v1::LandingConflict>> ListConflicts(absl::string_view merchant_id,
                                                                 const ConflictKey& after,
                                                                 int limit) override;

 private:
  store::MysqlPool& mysql_;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_MYSQL_LANDING_STORE_H_
