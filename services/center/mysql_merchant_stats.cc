#include "services/center/mysql_merchant_stats.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/core/status.h"
#include "services/center/redis_page_cache.h"

namespace qrcloud::center {
namespace {

// Days are counted in Shanghai, whatever the server's zone.
constexpr char kLocal[] = "'+08:00'";

v1::CampaignDayStats& At(std::map<std::pair<std::string, std::string>, v1::CampaignDayStats>& days,
                         const std::string& campaign, const std::string& day) {
  auto& d = days[{campaign, day}];
  d.set_campaign_id(campaign);
  d.set_day(day);
  return d;
}

}  // namespace

absl::StatusOr<v1::GetMerchantStatsResponse> MysqlMerchantStats::Read(absl::string_view merchant_id,
                                                                      absl::string_view campaign_id,
                                                                      const StatsWindow& window) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  QRCLOUD_ASSIGN_OR_RETURN(auto campaigns, Campaigns(*conn, merchant_id, campaign_id));
  Days days;
  QRCLOUD_RETURN_IF_ERROR(AddScans(*conn, campaigns, window, days));
  QRCLOUD_RETURN_IF_ERROR(AddOrders(*conn, merchant_id, campaign_id, window, days));
  QRCLOUD_RETURN_IF_ERROR(AddRedemptions(*conn, merchant_id, campaign_id, window, days));
  AddPageViews(campaigns, window, days);
  v1::GetMerchantStatsResponse resp;
  for (auto& [key, d] : days) *resp.add_days() = std::move(d);
  return resp;
}

absl::StatusOr<std::vector<MysqlMerchantStats::Campaign>> MysqlMerchantStats::Campaigns(
    store::Connection& conn, absl::string_view merchant_id, absl::string_view campaign_id) {
  std::string sql = "SELECT id, page_slug, code_id FROM campaigns WHERE merchant_id = ?";
  store::Params params = {std::string(merchant_id)};
  if (!campaign_id.empty()) {
    sql += " AND id = ?";
    params.push_back(std::string(campaign_id));
  }
  QRCLOUD_ASSIGN_OR_RETURN(auto rows, conn.Query(sql, params));
  std::vector<Campaign> out;
  for (const auto& r : rows)
    out.push_back({r.String("id"), r.String("page_slug"), r.String("code_id")});
  return out;
}

absl::Status MysqlMerchantStats::AddScans(store::Connection& conn,
                                          const std::vector<Campaign>& campaigns,
                                          const StatsWindow& w, Days& days) {
  std::map<std::string, std::string> campaign_of_code;
  for (const Campaign& c : campaigns) {
    if (!c.code_id.empty()) campaign_of_code[c.code_id] = c.id;
  }
  if (campaign_of_code.empty()) return absl::OkStatus();
  std::vector<std::string> marks(campaign_of_code.size(), "?");
  store::Params params;
  for (const auto& [code, unused] : campaign_of_code) params.push_back(code);
  params.push_back(w.from);
  params.push_back(w.to);
  QRCLOUD_ASSIGN_OR_RETURN(
      auto rows,
      conn.Query(absl::StrCat("SELECT code_id, DATE(CONVERT_TZ(hour, '+00:00', ", kLocal,
                              ")) AS day, SUM(scans) AS scans, SUM(unique_scans) AS uniques FROM "
                              "code_scan_hours WHERE code_id IN (",
                              absl::StrJoin(marks, ","),
                              ") AND hour >= ? AND hour < ? GROUP BY code_id, day"),
                 params));
  for (const auto& r : rows) {
    auto& d = At(days, campaign_of_code[r.String("code_id")], r.String("day"));
    d.set_scans(r.Int("scans"));
    d.set_unique_visitors(r.Int("uniques"));
  }
  return absl::OkStatus();
}

absl::Status MysqlMerchantStats::AddOrders(store::Connection& conn, absl::string_view merchant_id,
                                           absl::string_view campaign_id, const StatsWindow& w,
                                           Days& days) {
  store::Params params = {std::string(merchant_id), w.from, w.to};
  if (!campaign_id.empty()) params.push_back(std::string(campaign_id));
  QRCLOUD_ASSIGN_OR_RETURN(
      auto rows,
      conn.Query(absl::StrCat("SELECT campaign_id, DATE(CONVERT_TZ(created_at, '+00:00', ", kLocal,
                              ")) AS day, COUNT(*) AS n FROM orders WHERE merchant_id = ? AND "
                              "created_at >= ? AND created_at < ? AND state <> 'CANCELLED'",
                              campaign_id.empty() ? "" : " AND campaign_id = ?",
                              " GROUP BY campaign_id, day"),
                 params));
  for (const auto& r : rows)
    At(days, r.String("campaign_id"), r.String("day")).set_orders(r.Int("n"));
  return absl::OkStatus();
}

absl::Status MysqlMerchantStats::AddRedemptions(store::Connection& conn,
                                                absl::string_view merchant_id,
                                                absl::string_view campaign_id, const StatsWindow& w,
                                                Days& days) {
  store::Params params = {std::string(merchant_id), w.from, w.to};
  if (!campaign_id.empty()) params.push_back(std::string(campaign_id));
  QRCLOUD_ASSIGN_OR_RETURN(
      auto rows,
      conn.Query(absl::StrCat("SELECT o.campaign_id AS campaign_id, DATE(CONVERT_TZ(r.redeemed_at, "
                              "'+00:00', ",
                              kLocal,
                              ")) AS day, COUNT(*) AS n FROM redemptions r JOIN orders o ON o.id "
                              "= r.order_id WHERE r.merchant_id = ? AND r.redeemed_at >= ? AND "
                              "r.redeemed_at < ?",
                              campaign_id.empty() ? "" : " AND o.campaign_id = ?",
                              " GROUP BY o.campaign_id, day"),
                 params));
  for (const auto& r : rows) {
    At(days, r.String("campaign_id"), r.String("day")).set_redemptions(r.Int("n"));
  }
  return absl::OkStatus();
}

void MysqlMerchantStats::AddPageViews(const std::vector<Campaign>& campaigns, const StatsWindow& w,
                                      Days& days) {
  const std::string first_day = ShanghaiDay(w.from);
  const std::string last_day = ShanghaiDay(w.to - absl::Hours(24));
  for (const Campaign& c : campaigns) {
    if (c.page_slug.empty()) continue;
    auto views = redis_.Command({"HGETALL", PageViewsKey(c.page_slug)});
    if (!views.ok()) continue;
    for (size_t i = 0; i + 1 < views->size(); i += 2) {
      const std::string day = (*views)[i].str();
      if (day < first_day || day > last_day) continue;
      At(days, c.id, day).set_page_views((*views)[i + 1].integer());
    }
  }
}

}  // namespace qrcloud::center
