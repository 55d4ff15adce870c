#include "services/center/merchant_stats.h"

#include <map>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/core/status.h"
#include "services/center/page_service.h"

namespace qrcloud::center {
namespace {

const absl::TimeZone kShanghai = absl::FixedTimeZone(8 * 3600);
constexpr char kLocal[] = "'+08:00'";

absl::StatusOr<absl::Time> ParseDay(absl::string_view field, absl::string_view day) {
  absl::Time t;
  std::string err;
  if (!absl::ParseTime("%Y-%m-%d", day, kShanghai, &t, &err)) {
    return core::InvalidField(field, "must be a day as YYYY-MM-DD");
  }
  return t;
}

}  // namespace

absl::StatusOr<v1::GetMerchantStatsResponse> MerchantStats(store::MysqlPool& mysql,
                                                           cache::RedisPool& redis,
                                                           const v1::GetMerchantStatsRequest& req,
                                                           const core::Clock& clock) {
  const absl::Time today = absl::FromCivil(absl::ToCivilDay(clock.Now(), kShanghai), kShanghai);
  absl::Time to = today + absl::Hours(24);
  absl::Time from = to - absl::Hours(24 * 30);
  if (!req.to_day().empty()) {
    QRCLOUD_ASSIGN_OR_RETURN(absl::Time t, ParseDay("toDay", req.to_day()));
    to = t + absl::Hours(24);
  }
  if (!req.from_day().empty()) {
    QRCLOUD_ASSIGN_OR_RETURN(from, ParseDay("fromDay", req.from_day()));
  }
  if (from >= to) return core::InvalidField("fromDay", "must not be after toDay");
  if (to - from > absl::Hours(24 * 366))
    return core::InvalidField("fromDay", "a range covers at most 366 days");

  // (campaign, day) → figures.
  std::map<std::pair<std::string, std::string>, v1::CampaignDayStats> days;
  auto at = [&](const std::string& campaign, const std::string& day) -> v1::CampaignDayStats& {
    auto& d = days[{campaign, day}];
    d.set_campaign_id(campaign);
    d.set_day(day);
    return d;
  };

  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql.Acquire());
  std::string campaigns_sql = "SELECT id, page_slug, code_id FROM campaigns WHERE merchant_id = ?";
  store::Params campaign_params = {req.id()};
  if (!req.campaign_id().empty()) {
    campaigns_sql += " AND id = ?";
    campaign_params.push_back(req.campaign_id());
  }
  QRCLOUD_ASSIGN_OR_RETURN(auto campaigns, conn->Query(campaigns_sql, campaign_params));
  std::map<std::string, std::string> campaign_of_code;
  for (const auto& r : campaigns) {
    if (!r.IsNull("code_id")) campaign_of_code[r.String("code_id")] = r.String("id");
  }

  if (!campaign_of_code.empty()) {
    std::vector<std::string> marks(campaign_of_code.size(), "?");
    store::Params params;
    for (const auto& [code, unused] : campaign_of_code) params.push_back(code);
    params.push_back(from);
    params.push_back(to);
    QRCLOUD_ASSIGN_OR_RETURN(
        auto scans,
        conn->Query(absl::StrCat("SELECT code_id, DATE(CONVERT_TZ(hour, '+00:00', ", kLocal,
                                 ")) AS day, "
                                 "SUM(scans) AS scans, SUM(unique_scans) AS uniques FROM "
                                 "code_scan_hours WHERE code_id IN (",
                                 absl::StrJoin(marks, ","),
                                 ") AND hour >= ? AND hour < ? GROUP BY code_id, day"),
                    params));
    for (const auto& r : scans) {
      auto& d = at(campaign_of_code[r.String("code_id")], r.String("day"));
      d.set_scans(r.Int("scans"));
      d.set_unique_visitors(r.Int("uniques"));
    }
  }

  std::string filter = req.campaign_id().empty() ? "" : " AND campaign_id = ?";
  store::Params params = {req.id(), from, to};
  if (!req.campaign_id().empty()) params.push_back(req.campaign_id());
  QRCLOUD_ASSIGN_OR_RETURN(
      auto orders,
      conn->Query(
          absl::StrCat(
              "SELECT campaign_id, DATE(CONVERT_TZ(created_at, '+00:00', ", kLocal,
              ")) AS day, COUNT(*) AS n FROM orders WHERE merchant_id = ? AND created_at >= ? "
              "AND created_at < ? AND state <> 'CANCELLED'",
              filter, " GROUP BY campaign_id, day"),
          params));
  for (const auto& r : orders) at(r.String("campaign_id"), r.String("day")).set_orders(r.Int("n"));
  QRCLOUD_ASSIGN_OR_RETURN(
      auto redeemed,
      conn->Query(
          absl::StrCat(
              "SELECT o.campaign_id AS campaign_id, DATE(CONVERT_TZ(r.redeemed_at, '+00:00', ",
              kLocal,
              ")) AS day, COUNT(*) AS n FROM redemptions r JOIN orders o ON o.id = r.order_id "
              "WHERE "
              "r.merchant_id = ? AND r.redeemed_at >= ? AND r.redeemed_at < ?",
              req.campaign_id().empty() ? "" : " AND o.campaign_id = ?",
              " GROUP BY o.campaign_id, day"),
          params));
  for (const auto& r : redeemed)
    at(r.String("campaign_id"), r.String("day")).set_redemptions(r.Int("n"));

  const std::string first_day = absl::FormatTime("%Y-%m-%d", from, kShanghai);
  const std::string last_day = absl::FormatTime("%Y-%m-%d", to - absl::Hours(24), kShanghai);
  for (const auto& r : campaigns) {
    if (r.IsNull("page_slug")) continue;
    auto views = redis.Command({"HGETALL", PageViewsKey(r.String("page_slug"))});
    if (!views.ok()) continue;  // page views are best effort; the rest stands
    for (size_t i = 0; i + 1 < views->size(); i += 2) {
      const std::string day = (*views)[i].str();
      if (day < first_day || day > last_day) continue;
      at(r.String("id"), day).set_page_views((*views)[i + 1].integer());
    }
  }

  v1::GetMerchantStatsResponse resp;
  for (auto& [key, d] : days) *resp.add_days() = std::move(d);
  return resp;
}

}  // namespace qrcloud::center
