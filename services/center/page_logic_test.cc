// Pages on memory stores: rendered when a campaign goes live, served from
// the cache, views counted per day, a notice once paused.
#include "services/center/page_logic.h"

#include <catch2/catch.hpp>

#include "absl/strings/match.h"
#include "services/center/testing/center_world.h"

namespace qrcloud::center {
namespace {

using testing::Caller;
using testing::CenterWorld;

std::string SlugOf(const v1::Campaign& c) {
  return c.page_url().substr(c.page_url().rfind('/') + 1);
}

TEST_CASE("A live campaign's page is served from the cache, and each view is counted") {
  CenterWorld w;
  Caller m = w.Qualified();
  v1::Campaign live = w.Published(m, w.OrderCampaign());
  const std::string slug = SlugOf(live);
  REQUIRE(w.page.Refresh(live).ok());  // the center's listener does this on change
  REQUIRE(w.pages.pages.count(slug + ":zh") == 1);
  REQUIRE(w.pages.pages.count(slug + ":en") == 1);

  v1::GetPageRequest req;
  req.set_slug(slug);
  req.set_lang("en");
  google::api::HttpBody body;
  REQUIRE(w.page.GetPage(CenterWorld::Anonymous().call(), req, body).ok());
  CHECK(body.content_type() == "text/html; charset=utf-8");
  CHECK(absl::StrContains(body.data(), "Hotpot for two"));
  REQUIRE(w.page.GetPage(CenterWorld::Anonymous().call(), req, body).ok());
  CHECK(w.pages.views[slug]["2026-01-01"] == 2);  // the fake clock's day, in Shanghai
}

TEST_CASE("A lost page is rendered again, and a paused campaign's page says so") {
  CenterWorld w;
  Caller m = w.Qualified();
  v1::Campaign live = w.Published(m, w.OrderCampaign());
  v1::GetPageRequest req;
  req.set_slug(SlugOf(live));
  google::api::HttpBody body;
  REQUIRE(w.page.GetPage(CenterWorld::Anonymous().call(), req, body).ok());
  CHECK(absl::StrContains(body.data(), "Hotpot for two"));

  v1::CampaignActionRequest pause;
  pause.set_id(live.id());
  v1::Campaign paused;
  REQUIRE(w.campaign.Pause(m.call(), pause, paused).ok());
  REQUIRE(w.page.Refresh(paused).ok());
  REQUIRE(w.page.GetPage(CenterWorld::Anonymous().call(), req, body).ok());
  CHECK(absl::StrContains(body.data(), "活动暂停中"));

  req.set_slug("nosuchpage");
  CHECK(w.page.GetPage(CenterWorld::Anonymous().call(), req, body).code() ==
        absl::StatusCode::kNotFound);
}

TEST_CASE("A merchant's card carries its name and a vCard, once the merchant is qualified") {
  CenterWorld w;
  // Not qualified: no public card or page, whatever its profile says.
  Caller unchecked = w.Merchant();
  v1::GetMerchantCardRequest none;
  none.set_merchant_id(unchecked.merchant_id());
  v1::MerchantCard card;
  CHECK(w.page.GetMerchantCard(CenterWorld::Anonymous().call(), none, card).code() ==
        absl::StatusCode::kNotFound);
  v1::GetPageRequest page;
  page.set_slug(unchecked.merchant_id());
  google::api::HttpBody html;
  CHECK(w.page.GetPage(CenterWorld::Anonymous().call(), page, html).code() ==
        absl::StatusCode::kNotFound);

  Caller m = w.Qualified();
  v1::GetMerchantCardRequest req;
  req.set_merchant_id(m.merchant_id());
  REQUIRE(w.page.GetMerchantCard(CenterWorld::Anonymous().call(), req, card).ok());
  CHECK(card.page_url() == "https://qr.test/m/" + m.merchant_id());
  CHECK(absl::StrContains(card.vcard(), "BEGIN:VCARD"));
}

}  // namespace
}  // namespace qrcloud::center
