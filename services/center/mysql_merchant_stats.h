// MerchantStats from MySQL (scan rollups, orders, redemptions) and Redis
// (page views).
#ifndef QRCLOUD_SERVICES_CENTER_MYSQL_MERCHANT_STATS_H_
#define QRCLOUD_SERVICES_CENTER_MYSQL_MERCHANT_STATS_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "libs/cache/redis.h"
#include "libs/store/mysql.h"
#include "services/center/merchant_stats.h"

namespace qrcloud::center {

class MysqlMerchantStats final : public MerchantStats {
 public:
  MysqlMerchantStats(store::MysqlPool& mysql, cache::RedisPool& redis)
      : mysql_(mysql), redis_(redis) {}

  absl::StatusOr<v1::GetMerchantStatsResponse> Read(absl::string_view merchant_id,
                                                    absl::string_view campaign_id,
                                                    const StatsWindow& window) override;

 private:
  // (campaign, day) → its figures, as they are added up.
  using Days = std::map<std::pair<std::string, std::string>, v1::CampaignDayStats>;
  struct Campaign {
    std::string id, page_slug, code_id;
  };

  absl::StatusOr<std::vector<Campaign>> Campaigns(store::Connection& conn,
                                                  absl::string_view merchant_id,
                                                  absl::string_view campaign_id);
  absl::Status AddScans(store::Connection& conn, const std::vector<Campaign>& campaigns,
                        const StatsWindow& w, Days& days);
  absl::Status AddOrders(store::Connection& conn, absl::string_view merchant_id,
                         absl::string_view campaign_id, const StatsWindow& w, Days& days);
  absl::Status AddRedemptions(store::Connection& conn, absl::string_view merchant_id,
                              absl::string_view campaign_id, const StatsWindow& w, Days& days);
  // Best effort: Redis down leaves the other figures standing.
  void AddPageViews(const std::vector<Campaign>& campaigns, const StatsWindow& w, Days& days);

  store::MysqlPool& mysql_;
  cache::RedisPool& redis_;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_MYSQL_MERCHANT_STATS_H_
