// Search documents in MySQL (tables campaign_search and campaign_search_clock).
// Only the center touches them.
#ifndef QRCLOUD_SERVICES_CENTER_MYSQL_SEARCH_STORE_H_
#define QRCLOUD_SERVICES_CENTER_MYSQL_SEARCH_STORE_H_

#include "libs/store/mysql.h"
#include "services/center/search_store.h"

namespace qrcloud::center {

class MysqlSearchStore final : public SearchStore {
 public:
  explicit MysqlSearchStore(store::MysqlPool& mysql) : mysql_(mysql) {}

  absl::Status Put(store::Tx& tx, const v1::Campaign& card,
                   const SearchDocument& document) override;
  absl::Status Remove(store::Tx& tx, absl::string_view campaign_id) override;
  absl::StatusOr<std::vector<v1::Campaign>> LiveCards(store::Tx& tx,
                                                      absl::string_view merchant_id) override;
  absl::StatusOr<std::vector<SearchRow>> Changes(int64_t version, uint32_t doc, int limit) override;
  absl::StatusOr<std::vector<CampaignStock>> StockOf(
      const std::vector<std::string>& campaign_ids) override;
  absl::StatusOr<std::vector<std::string>> Stale(absl::string_view after_id, int limit) override;
  absl::Status MarkAllStale() override;

 private:
  store::MysqlPool& mysql_;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_MYSQL_SEARCH_STORE_H_
