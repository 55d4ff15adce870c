// Campaign state changes on memory stores: draft, audit, publication,
// revisions, pause, end; and who may see and change a campaign.
#include "services/center/campaign_logic.h"

#include <catch2/catch.hpp>

#include <google/protobuf/util/json_util.h>

#include "libs/core/status.h"
#include "services/center/testing/center_world.h"

namespace qrcloud::center {
namespace {

using testing::Caller;
using testing::CenterWorld;
using v1::Campaign;

absl::StatusOr<Campaign> Act(CenterWorld& w, const Caller& who,
                             absl::Status (CampaignLogic::*action)(const rpc::CallContext&,
                                                                   const v1::CampaignActionRequest&,
                                                                   Campaign&),
                             const std::string& id) {
  v1::CampaignActionRequest req;
  req.set_id(id);
  Campaign out;
  absl::Status s = (w.campaign.*action)(who.call(), req, out);
  if (!s.ok()) return s;
  return out;
}

Campaign Draft(CenterWorld& w, const Caller& m, const Campaign& content) {
  v1::CreateCampaignRequest req;
  req.set_merchant_id(m.merchant_id());
  *req.mutable_campaign() = content;
  Campaign out;
  absl::Status s = w.campaign.Create(m.call(), req, out);
  INFO(s);
  REQUIRE(s.ok());
  return out;
}

TEST_CASE("A campaign goes from draft through audit to published, with a page and a code") {
  CenterWorld w;
  Caller m = w.Qualified();
  Campaign draft = Draft(w, m, w.OrderCampaign(/*stock=*/10));
  CHECK(draft.state() == Campaign::DRAFT);
  CHECK(draft.stock_left() == 10);
  CHECK(draft.template_() == "coupon");  // the order mode's default

  auto pending = Act(w, m, &CampaignLogic::Submit, draft.id());
  REQUIRE(pending.ok());
  CHECK(pending->state() == Campaign::PENDING_AUDIT);
  // The audit service hears of it through the outbox, in the same unit.
  REQUIRE_FALSE(w.LastSubmission("campaign.submitted", draft.id()).empty());
  // Under audit it cannot change.
  v1::UpdateCampaignRequest edit;
  edit.set_id(draft.id());
  edit.mutable_campaign()->set_title("Changed");
  edit.mutable_update_mask()->add_paths("title");
  Campaign out;
  CHECK(w.campaign.Update(m.call(), edit, out).code() == absl::StatusCode::kFailedPrecondition);

  Campaign live;
  REQUIRE(w.campaign
              .RecordAuditDecision(w.Auditor().call(),
                                   w.Decision("campaign.submitted", draft.id(), true), live)
              .ok());
  CHECK(live.state() == Campaign::PUBLISHED);
  CHECK(live.page_url().rfind("https://qr.test/m/", 0) == 0);
  REQUIRE_FALSE(live.code_id().empty());
  auto code = w.codes.Get(live.code_id());
  REQUIRE(code.ok());
  CHECK(code->code.target_url() == live.page_url());
  CHECK(code->code.owner_account_id() == m.account_id());
  // After the commit: the code's resolution is published and the page rendered.
  CHECK(w.slugs.resolutions.at(code->code.slug()).state() == v1::Code::ACTIVE);
}

TEST_CASE("Submitting needs an approved qualification and a valid campaign") {
  CenterWorld w;
  Caller unqualified = w.Merchant();
  Campaign draft = Draft(w, unqualified, w.OrderCampaign());
  auto refused = Act(w, unqualified, &CampaignLogic::Submit, draft.id());
  CHECK(refused.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(refused.status().message().find("qualification") != std::string::npos);
  CHECK(w.LastSubmission("campaign.submitted", draft.id()).empty());

  Caller m = w.Qualified();
  Campaign bad = w.OrderCampaign();
  bad.mutable_price()->set_currency("USD");
  v1::CreateCampaignRequest req;
  req.set_merchant_id(m.merchant_id());
  *req.mutable_campaign() = bad;
  Campaign out;
  absl::Status s = w.campaign.Create(m.call(), req, out);
  REQUIRE(s.code() == absl::StatusCode::kInvalidArgument);
  CHECK(core::FieldViolations(s)[0].field == "price.currency");
}

TEST_CASE("A rejection carries its reasons, and the fixed campaign is resubmitted") {
  CenterWorld w;
  Caller m = w.Qualified();
  Campaign draft = Draft(w, m, w.OrderCampaign());
  REQUIRE(Act(w, m, &CampaignLogic::Submit, draft.id()).ok());
  Campaign rejected;
  REQUIRE(w.campaign
              .RecordAuditDecision(
                  w.Auditor().call(),
                  w.Decision("campaign.submitted", draft.id(), false, "the photo is blurred"),
                  rejected)
              .ok());
  CHECK(rejected.state() == Campaign::REJECTED);
  REQUIRE(rejected.reject_reasons_size() == 1);
  CHECK(rejected.reject_reasons(0) == "the photo is blurred");

  v1::UpdateCampaignRequest edit;
  edit.set_id(draft.id());
  edit.mutable_campaign()->set_description("A sharper photo");
  edit.mutable_update_mask()->add_paths("description");
  Campaign fixed;
  REQUIRE(w.campaign.Update(m.call(), edit, fixed).ok());
  CHECK(fixed.state() == Campaign::DRAFT);
  CHECK(fixed.reject_reasons().empty());
  CHECK(Act(w, m, &CampaignLogic::Submit, draft.id())->state() == Campaign::PENDING_AUDIT);
}

TEST_CASE("A decision answering an old submission changes nothing") {
  CenterWorld w;
  Caller m = w.Qualified();
  Campaign draft = Draft(w, m, w.OrderCampaign());
  REQUIRE(Act(w, m, &CampaignLogic::Submit, draft.id()).ok());
  v1::AuditDecision stale = w.Decision("campaign.submitted", draft.id(), true);
  stale.set_submission_id("01h0000000000000000000000z");
  Campaign out;
  CHECK(w.campaign.RecordAuditDecision(w.Auditor().call(), stale, out).code() ==
        absl::StatusCode::kFailedPrecondition);
  CHECK(w.campaigns.Get(draft.id())->campaign.state() == Campaign::PENDING_AUDIT);
  // Only auditors decide.
  CHECK(w.campaign
            .RecordAuditDecision(m.call(), w.Decision("campaign.submitted", draft.id(), true), out)
            .code() == absl::StatusCode::kPermissionDenied);
}

TEST_CASE("An edit of a live campaign waits for audit, and the live one stays until approved") {
  CenterWorld w;
  Caller m = w.Qualified();
  Campaign live = w.Published(m, w.OrderCampaign());
  v1::UpdateCampaignRequest edit;
  edit.set_id(live.id());
  edit.mutable_campaign()->set_title("Hotpot for four");
  edit.mutable_update_mask()->add_paths("title");
  Campaign revised;
  REQUIRE(w.campaign.Update(m.call(), edit, revised).ok());
  CHECK(revised.state() == Campaign::PUBLISHED);
  CHECK(revised.title() == "Hotpot for two");
  CHECK(revised.has_pending_revision());
  v1::GetCampaignRequest get;
  get.set_id(live.id());
  Campaign seen;
  REQUIRE(w.campaign.Get(CenterWorld::Anonymous().call(), get, seen).ok());
  CHECK_FALSE(seen.has_pending_revision());  // not audited: not public

  SECTION("a rejected revision is dropped") {
    Campaign after;
    REQUIRE(w.campaign
                .RecordAuditDecision(w.Auditor().call(),
                                     w.Decision("campaign.submitted", live.id(), false, "no"),
                                     after)
                .ok());
    CHECK(after.title() == "Hotpot for two");
    CHECK_FALSE(after.has_pending_revision());
    CHECK(after.state() == Campaign::PUBLISHED);
    // The reasons are the merchant's to read, not every visitor's.
    v1::GetCampaignRequest get;
    get.set_id(live.id());
    Campaign owner_view, public_view, person_view;
    REQUIRE(w.campaign.Get(m.call(), get, owner_view).ok());
    CHECK(owner_view.reject_reasons_size() == 1);
    REQUIRE(w.campaign.Get(CenterWorld::Anonymous().call(), get, public_view).ok());
    CHECK(public_view.reject_reasons().empty());
    REQUIRE(w.campaign.Get(w.Person().call(), get, person_view).ok());
    CHECK(person_view.reject_reasons().empty());
  }
  SECTION("an approved revision replaces the live content") {
    Campaign after;
    REQUIRE(w.campaign
                .RecordAuditDecision(w.Auditor().call(),
                                     w.Decision("campaign.submitted", live.id(), true), after)
                .ok());
    CHECK(after.title() == "Hotpot for four");
    CHECK(after.code_id() == live.code_id());  // the same code and page
    CHECK(after.page_url() == live.page_url());
  }
}

TEST_CASE("Pause, resume and end move the code and the map along") {
  CenterWorld w;
  Caller m = w.Qualified();
  v1::Merchant located;
  v1::SetLocationRequest where;
  where.set_id(m.merchant_id());
  where.mutable_location()->set_lat(26.0745);
  where.mutable_location()->set_lng(119.2965);
  v1::SetLocationResponse set;
  REQUIRE(w.merchant.SetLocation(m.call(), where, set).ok());
  Campaign live = w.Published(m, w.OrderCampaign());
  CHECK(w.geo.Has(live.id()));
  const std::string slug = w.codes.Get(live.code_id())->code.slug();

  CHECK(Act(w, m, &CampaignLogic::Resume, live.id()).status().code() ==
        absl::StatusCode::kFailedPrecondition);
  REQUIRE(Act(w, m, &CampaignLogic::Pause, live.id())->state() == Campaign::PAUSED);
  CHECK(w.slugs.resolutions.at(slug).state() == v1::Code::PAUSED);
  CHECK_FALSE(w.geo.Has(live.id()));
  REQUIRE(Act(w, m, &CampaignLogic::Resume, live.id())->state() == Campaign::PUBLISHED);
  CHECK(w.geo.Has(live.id()));
  REQUIRE(Act(w, m, &CampaignLogic::End, live.id())->state() == Campaign::ENDED);
  CHECK(w.slugs.resolutions.at(slug).state() == v1::Code::EXPIRED);
  CHECK_FALSE(w.geo.Has(live.id()));
  // Ended is final.
  CHECK(Act(w, m, &CampaignLogic::Resume, live.id()).status().code() ==
        absl::StatusCode::kFailedPrecondition);
  v1::UpdateCampaignRequest edit;
  edit.set_id(live.id());
  edit.mutable_campaign()->set_title("Again");
  edit.mutable_update_mask()->add_paths("title");
  Campaign out;
  CHECK(w.campaign.Update(m.call(), edit, out).code() == absl::StatusCode::kFailedPrecondition);
}

TEST_CASE(
    "Another merchant neither sees a draft nor changes a campaign, and anyone sees a live one") {
  CenterWorld w;
  Caller m = w.Qualified();
  Caller other = w.Qualified();
  Campaign draft = Draft(w, m, w.OrderCampaign());
  v1::GetCampaignRequest get;
  get.set_id(draft.id());
  Campaign seen;
  CHECK(w.campaign.Get(other.call(), get, seen).code() == absl::StatusCode::kNotFound);
  CHECK(w.campaign.Get(CenterWorld::Anonymous().call(), get, seen).code() ==
        absl::StatusCode::kNotFound);
  CHECK(w.campaign.Get(m.call(), get, seen).ok());
  CHECK(Act(w, other, &CampaignLogic::Submit, draft.id()).status().code() ==
        absl::StatusCode::kNotFound);

  Campaign live = w.Published(m, w.OrderCampaign());
  get.set_id(live.id());
  CHECK(w.campaign.Get(CenterWorld::Anonymous().call(), get, seen).ok());
  CHECK(Act(w, other, &CampaignLogic::Pause, live.id()).status().code() ==
        absl::StatusCode::kNotFound);
  // Staff of the merchant may act for it.
  CHECK(Act(w, w.Staff(m), &CampaignLogic::Pause, live.id()).ok());
}

TEST_CASE("A public campaign's changes are published as they commit, and drafts are not") {
  CenterWorld w;
  Caller shop = w.Qualified();
  const size_t before = w.db.events().size();
  Campaign c = w.Published(shop, w.OrderCampaign(/*stock=*/5));
  v1::CampaignActionRequest action;
  action.set_id(c.id());
  Campaign paused, ended;
  REQUIRE(w.campaign.Pause(shop.call(), action, paused).ok());
  REQUIRE(w.campaign.End(shop.call(), action, ended).ok());

  std::vector<std::string> states;
  const auto events = w.db.events();
  for (size_t i = before; i < events.size(); ++i) {
    const store::OutboxEvent& e = events[i].second;
    if (e.stream != kCampaignStream) continue;
    CHECK(e.type == kCampaignChanged);
    Campaign published;
    REQUIRE(google::protobuf::util::JsonStringToMessage(e.data, &published).ok());
    CHECK(published.id() == c.id());
    CHECK(published.reject_reasons().empty());
    states.push_back(Campaign::State_Name(published.state()));
  }
  // The draft and its submission stay the merchant's own.
  CHECK(states == std::vector<std::string>{"PUBLISHED", "PAUSED", "ENDED"});
}

}  // namespace
}  // namespace qrcloud::center
