// Campaigns in MySQL (table campaigns): the content as protobuf JSON, with
// the columns queries need beside it.
#ifndef QRCLOUD_SERVICES_CENTER_MYSQL_CAMPAIGN_STORE_H_
#define QRCLOUD_SERVICES_CENTER_MYSQL_CAMPAIGN_STORE_H_

#include "libs/store/mysql.h"
#include "services/center/campaign_store.h"

namespace qrcloud::center {

class MysqlCampaignStore final : public CampaignStore {
 public:
  explicit MysqlCampaignStore(store::MysqlPool& mysql) : mysql_(mysql) {}

  absl::Status Insert(store::Tx& tx, const CampaignRecord& record) override;
  absl::Status Save(store::Tx& tx, const CampaignRecord& record) override;
  absl::StatusOr<CampaignRecord> Get(store::Tx& tx, absl::string_view id, bool for_update) override;
  absl::StatusOr<CampaignRecord> Get(absl::string_view id) override;
  absl::StatusOr<CampaignRecord> GetByPageSlug(absl::string_view slug) override;
  absl::StatusOr<std::vector<v1::Campaign>> ListForMerchant(absl::string_view merchant_id,
                                                            absl::string_view state,
                                                            absl::string_view after_id,
                                                            int limit) override;
  // Only what an order is checked against (id, merchant, state, mode, price,
  // stock, per-person limit, window, fence), from their columns: no content
  // to parse on the order path. In the same query, the buyer's earlier order
  // with the request id and the merchant's cloud business switch.
  absl::StatusOr<OrderTerms> GetOrderTerms(absl::string_view id, absl::string_view account_id,
                                           absl::string_view request_id) override;

 private:
  absl::StatusOr<CampaignRecord> Load(store::Connection& conn, absl::string_view id,
                                      bool for_update);

  store::MysqlPool& mysql_;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_MYSQL_CAMPAIGN_STORE_H_
