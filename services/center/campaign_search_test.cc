// Search through the center's logic on memory stores: what a person finds
// follows the campaign's state, its window, its stock and its merchant's
// name and place, and a center that starts afresh finds the same.
#include "services/center/campaign_search.h"

#include <catch2/catch.hpp>

#include "libs/core/proto_time.h"
#include "libs/core/status.h"
#include "services/center/testing/center_world.h"

namespace qrcloud::center {
namespace {

using testing::Caller;
using testing::CenterWorld;

v1::Campaign Offer(CenterWorld& w, const std::string& title) {
  v1::Campaign c = w.OrderCampaign();
  c.set_title(title);
  c.clear_tags();
  return c;
}

// The ids a search finds, in order.
std::vector<std::string> Found(CenterWorld& w, v1::SearchCampaignsRequest req) {
  v1::SearchCampaignsResponse resp;
  const absl::Status s = w.campaign.Search(CenterWorld::Anonymous().call(), req, resp);
  INFO(s);
  REQUIRE(s.ok());
  std::vector<std::string> ids;
  for (const auto& c : resp.campaigns()) ids.push_back(c.id());
  return ids;
}

std::vector<std::string> Found(CenterWorld& w, const std::string& q) {
  v1::SearchCampaignsRequest req;
  req.set_q(q);
  return Found(w, req);
}

void Act(CenterWorld& w, const Caller& m, const v1::Campaign& c,
         absl::Status (CampaignLogic::*action)(const rpc::CallContext&,
                                               const v1::CampaignActionRequest&, v1::Campaign&)) {
  v1::CampaignActionRequest req;
  req.set_id(c.id());
  v1::Campaign out;
  const absl::Status s = (w.campaign.*action)(m.call(), req, out);
  INFO(s);
  REQUIRE(s.ok());
}

TEST_CASE("Only published campaigns are found, and they go when paused or ended") {
  CenterWorld w;
  Caller m = w.Qualified();
  const v1::Campaign live = w.Published(m, Offer(w, "重庆老火锅双人套餐"));
  v1::CreateCampaignRequest draft;
  draft.set_merchant_id(m.merchant_id());
  *draft.mutable_campaign() = Offer(w, "火锅 draft");
  v1::Campaign drafted;
  REQUIRE(w.campaign.Create(m.call(), draft, drafted).ok());

  CHECK(Found(w, "火锅") == std::vector<std::string>{live.id()});
  CHECK(Found(w, "火鍋") == std::vector<std::string>{live.id()});
  Act(w, m, live, &CampaignLogic::Pause);
  CHECK(Found(w, "火锅").empty());
  Act(w, m, live, &CampaignLogic::Resume);
  CHECK(Found(w, "火锅") == std::vector<std::string>{live.id()});
  Act(w, m, live, &CampaignLogic::End);
  CHECK(Found(w, "火锅").empty());
}

TEST_CASE("A campaign is found inside its window and while it has stock") {
  CenterWorld w;
  Caller m = w.Qualified();
  v1::Campaign timed = Offer(w, "Hotpot night");
  core::ToProto(w.clock.Now() + absl::Hours(1), timed.mutable_start_time());
  core::ToProto(w.clock.Now() + absl::Hours(3), timed.mutable_end_time());
  const v1::Campaign later = w.Published(m, timed);
  CHECK(Found(w, "hotpot").empty());  // not yet
  w.clock.Advance(absl::Hours(2));
  CHECK(Found(w, "hotpot") == std::vector<std::string>{later.id()});
  w.clock.Advance(absl::Hours(1));
  CHECK(Found(w, "hotpot").empty());  // over

  const v1::Campaign limited = w.Published(m, [&] {
    v1::Campaign c = Offer(w, "Last bowls of noodles");
    c.set_stock(2);
    return c;
  }());
  CHECK(Found(w, "noodles") == std::vector<std::string>{limited.id()});
  // The order's trigger takes the last unit in the campaign's row.
  REQUIRE(w.db.Run([&](store::Tx& tx) -> absl::Status {
                auto rec = w.campaigns.Get(tx, limited.id(), true);
                if (!rec.ok()) return rec.status();
                rec->campaign.set_stock_left(0);
                return w.campaigns.Save(tx, *rec);
              })
              .ok());
  // Stock once read holds for a second (SearchOptions::stock_ttl).
  CHECK(Found(w, "noodles") == std::vector<std::string>{limited.id()});
  w.clock.Advance(absl::Seconds(1));
  CHECK(Found(w, "noodles").empty());
}

TEST_CASE("A campaign is found by its merchant's approved name and near its place") {
  CenterWorld w;
  Caller m = w.Qualified();
  const v1::Campaign c = w.Published(m, Offer(w, "周末特惠"));
  auto rename = [&](const std::string& name) {
    v1::UpdateMerchantRequest req;
    req.set_id(m.merchant_id());
    req.mutable_merchant()->set_display_name(name);
    req.mutable_update_mask()->add_paths("display_name");
    v1::Merchant out;
    REQUIRE(w.merchant.Update(m.call(), req, out).ok());
  };
  rename("蜀香园 Sichuan House");
  CHECK(Found(w, "蜀香园").empty());  // waiting for audit: the pages keep the old name
  v1::Merchant out;
  REQUIRE(w.merchant
              .RecordProfileDecision(w.Auditor().call(),
                                     w.Decision("profile.submitted", m.merchant_id(), true), out)
              .ok());
  CHECK(Found(w, "蜀香园") == std::vector<std::string>{c.id()});
  CHECK(Found(w, "sichuan house") == std::vector<std::string>{c.id()});

  v1::SearchCampaignsRequest near;
  near.set_q("特惠");
  near.set_lat(26.0760);
  near.set_lng(119.2970);
  near.set_radius_m(1000);
  CHECK(Found(w, near).empty());  // the merchant has no place yet
  v1::SetLocationRequest locate;
  locate.set_id(m.merchant_id());
  locate.mutable_location()->set_lat(26.0745);
  locate.mutable_location()->set_lng(119.2965);
  v1::SetLocationResponse located;
  REQUIRE(w.merchant.SetLocation(m.call(), locate, located).ok());
  CHECK(Found(w, near) == std::vector<std::string>{c.id()});
  near.set_lat(39.9);  // Beijing
  near.set_lng(116.4);
  CHECK(Found(w, near).empty());
}

TEST_CASE("Pages follow one another newest first, and bad input names its field") {
  CenterWorld w;
  Caller m = w.Qualified();
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(w.Published(m, Offer(w, "奶茶 milk tea")).id());
  v1::SearchCampaignsRequest req;
  req.set_q("milk tea");
  req.mutable_page()->set_page_size(2);
  std::vector<std::string> seen;
  for (int page = 0; page < 5; ++page) {
    v1::SearchCampaignsResponse resp;
    REQUIRE(w.campaign.Search(CenterWorld::Anonymous().call(), req, resp).ok());
    for (const auto& c : resp.campaigns()) seen.push_back(c.id());
    if (resp.page().next_page_token().empty()) break;
    req.mutable_page()->set_page_token(resp.page().next_page_token());
  }
  CHECK(seen == std::vector<std::string>(ids.rbegin(), ids.rend()));

  v1::SearchCampaignsRequest bad;
  bad.set_q("奶茶");
  bad.set_radius_m(900000);
  v1::SearchCampaignsResponse resp;
  const absl::Status s = w.campaign.Search(CenterWorld::Anonymous().call(), bad, resp);
  REQUIRE(s.code() == absl::StatusCode::kInvalidArgument);
  CHECK(core::FieldViolations(s)[0].field == "radiusM");
}

TEST_CASE("A center that starts afresh loads what is found, and rebuilds what is stale") {
  CenterWorld w;
  Caller m = w.Qualified();
  const v1::Campaign c = w.Published(m, Offer(w, "烤鱼 Grilled fish"));
  // Another process on the same records.
  CampaignSearch fresh(w.db, w.search_store, w.campaigns, w.merchants, w.clock);
  REQUIRE(fresh.Load().ok());
  CHECK(fresh.size() == 1);

  // reindex-search: every document is stale until written again; the
  // running index keeps finding them meanwhile.
  REQUIRE(w.search_store.MarkAllStale().ok());
  CampaignSearch restarted(w.db, w.search_store, w.campaigns, w.merchants, w.clock);
  REQUIRE(restarted.Load().ok());
  CHECK(restarted.size() == 0);
  CHECK(Found(w, "烤鱼") == std::vector<std::string>{c.id()});
  auto more = restarted.Backfill();
  REQUIRE(more.ok());
  CHECK_FALSE(*more);
  CHECK(restarted.size() == 1);
  v1::SearchCampaignsRequest req;
  req.set_q("grilled fish");
  v1::SearchCampaignsResponse resp;
  REQUIRE(restarted.Search(req, resp).ok());
  REQUIRE(resp.campaigns_size() == 1);
  CHECK(resp.campaigns(0).id() == c.id());
  CHECK(resp.campaigns(0).title() == "烤鱼 Grilled fish");
}

}  // namespace
}  // namespace qrcloud::center
