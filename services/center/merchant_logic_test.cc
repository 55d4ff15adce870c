// The merchant's profile, qualification and business switches on memory
// stores: what goes to audit, what a decision does, who may change what.
#include "services/center/merchant_logic.h"

#include <catch2/catch.hpp>

#include <google/protobuf/util/json_util.h>

#include "libs/core/status.h"
#include "services/center/testing/center_world.h"

namespace qrcloud::center {
namespace {

using testing::Caller;
using testing::CenterWorld;

absl::Status Qualify(CenterWorld& w, const Caller& m, const std::string& licence) {
  v1::SubmitQualificationRequest req;
  req.set_id(m.merchant_id());
  req.set_license_number(licence);
  req.set_legal_name("福州小店有限公司");
  v1::SubmitQualificationResponse resp;
  return w.merchant.SubmitQualification(m.call(), req, resp);
}

TEST_CASE("A qualification goes to audit, and only the decision on it applies") {
  CenterWorld w;
  Caller m = w.Merchant();
  // A wrong check character is refused, naming the field, and nothing is sent.
  absl::Status bad = Qualify(w, m, "91350100M000100Y44");
  REQUIRE(bad.code() == absl::StatusCode::kInvalidArgument);
  CHECK(core::FieldViolations(bad)[0].field == "licenseNumber");
  CHECK(w.LastSubmission("qualification.submitted", m.merchant_id()).empty());

  REQUIRE(Qualify(w, m, "91350100M000100Y43").ok());
  const v1::AuditDecision first = w.Decision("qualification.submitted", m.merchant_id(), true);
  // Submitted again before a decision: the first submission is replaced.
  REQUIRE(Qualify(w, m, "91350100M000100Y43").ok());
  v1::Merchant out;
  CHECK(w.merchant.RecordQualificationDecision(w.Auditor().call(), first, out).code() ==
        absl::StatusCode::kFailedPrecondition);
  REQUIRE(w.merchant
              .RecordQualificationDecision(
                  w.Auditor().call(),
                  w.Decision("qualification.submitted", m.merchant_id(), false, "unreadable"), out)
              .ok());
  CHECK(out.qualification().state() == v1::Qualification::REJECTED);
  CHECK(out.qualification().reasons(0) == "unreadable");
  REQUIRE(Qualify(w, m, "91350100M000100Y43").ok());
  REQUIRE(
      w.merchant
          .RecordQualificationDecision(
              w.Auditor().call(), w.Decision("qualification.submitted", m.merchant_id(), true), out)
          .ok());
  CHECK(out.qualification().state() == v1::Qualification::APPROVED);
  CHECK(out.qualification().reasons().empty());
  // Approved is final here: a change of licence goes through support.
  CHECK(Qualify(w, m, "91350100M000100Y43").code() == absl::StatusCode::kFailedPrecondition);
}

TEST_CASE("A licence another merchant submitted or holds is told to the audit") {
  CenterWorld w;
  Caller first = w.Merchant(), second = w.Merchant(), third = w.Merchant();
  REQUIRE(Qualify(w, first, "91350100M000100Y43").ok());
  v1::Merchant seen;
  REQUIRE(w.merchant
              .RecordQualificationDecision(
                  w.Auditor().call(),
                  w.Decision("qualification.submitted", first.merchant_id(), true), seen)
              .ok());
  CHECK(seen.qualification().other_holders() == 0);
  v1::SubmitQualificationRequest req;
  req.set_id(second.merchant_id());
  req.set_license_number("91350100m000100y43");  // the same licence, in lower case
  req.set_legal_name("别人的公司");
  v1::SubmitQualificationResponse resp;
  REQUIRE(w.merchant.SubmitQualification(second.call(), req, resp).ok());
  CHECK(resp.merchant().qualification().other_holders() == 1);
  // Pending ones count too.
  REQUIRE(Qualify(w, third, "91350100M000100Y43").ok());
  CHECK(w.merchant
            .Get(
                third.call(),
                [&] {
                  v1::GetMerchantRequest g;
                  g.set_id(third.merchant_id());
                  return g;
                }(),
                seen)
            .ok());
  CHECK(seen.qualification().other_holders() == 2);
}

TEST_CASE("Landing business turns on only through audit, and off at once") {
  CenterWorld w;
  Caller m = w.Qualified();
  v1::SetBusinessSwitchesRequest on;
  on.set_id(m.merchant_id());
  on.set_cloud_business_enabled(true);
  on.set_landing_business_enabled(true);
  v1::Merchant asked;
  REQUIRE(w.merchant.SetBusinessSwitches(m.call(), on, asked).ok());
  CHECK_FALSE(asked.landing_business_enabled());
  CHECK(asked.landing_review().state() == v1::LandingReview::PENDING_AUDIT);
  v1::Merchant decided;
  REQUIRE(w.merchant
              .RecordLandingDecision(w.Auditor().call(),
                                     w.Decision("landing.requested", m.merchant_id(), true),
                                     decided)
              .ok());
  CHECK(decided.landing_business_enabled());

  v1::SetBusinessSwitchesRequest off = on;
  off.set_landing_business_enabled(false);
  v1::Merchant now;
  REQUIRE(w.merchant.SetBusinessSwitches(m.call(), off, now).ok());
  CHECK_FALSE(now.landing_business_enabled());
  // Staff may not switch the business.
  CHECK(w.merchant.SetBusinessSwitches(w.Staff(m).call(), on, now).code() ==
        absl::StatusCode::kPermissionDenied);
}

TEST_CASE("A qualified merchant's edits of its public profile wait for audit") {
  CenterWorld w;
  Caller m = w.Qualified();
  v1::GetMerchantRequest get;
  get.set_id(m.merchant_id());
  v1::Merchant before;
  REQUIRE(w.merchant.Get(m.call(), get, before).ok());
  auto rename = [&](const std::string& name) {
    v1::UpdateMerchantRequest req;
    req.set_id(m.merchant_id());
    req.mutable_merchant()->set_display_name(name);
    req.mutable_update_mask()->add_paths("display_name");
    v1::Merchant out;
    REQUIRE(w.merchant.Update(m.call(), req, out).ok());
    return out;
  };
  // The pages keep the approved name; the edit waits, and goes to audit as
  // the pages would show it.
  v1::Merchant waiting = rename("赌博之家");
  CHECK(waiting.display_name() == before.display_name());
  CHECK(waiting.profile_review().state() == v1::ProfileReview::PENDING_AUDIT);
  CHECK(waiting.profile_review().proposed().display_name() == "赌博之家");
  v1::Merchant sent;
  const std::string submission = w.LastSubmission("profile.submitted", m.merchant_id());
  REQUIRE(!submission.empty());
  for (const auto& [id, event] : w.db.events()) {
    if (id == submission)
      REQUIRE(google::protobuf::util::JsonStringToMessage(event.data, &sent).ok());
  }
  CHECK(sent.display_name() == "赌博之家");
  v1::Merchant out;
  REQUIRE(w.merchant
              .RecordProfileDecision(
                  w.Auditor().call(),
                  w.Decision("profile.submitted", m.merchant_id(), false, "prohibited word"), out)
              .ok());
  CHECK(out.display_name() == before.display_name());
  CHECK(out.profile_review().state() == v1::ProfileReview::REJECTED);
  CHECK(out.profile_review().reasons(0) == "prohibited word");

  // A second edit replaces a waiting one: a decision on the first changes nothing.
  rename("老王火锅");
  const v1::AuditDecision stale = w.Decision("profile.submitted", m.merchant_id(), true);
  rename("老王火锅 Lao Wang");
  CHECK(w.merchant.RecordProfileDecision(w.Auditor().call(), stale, out).code() ==
        absl::StatusCode::kFailedPrecondition);
  REQUIRE(w.merchant
              .RecordProfileDecision(w.Auditor().call(),
                                     w.Decision("profile.submitted", m.merchant_id(), true), out)
              .ok());
  CHECK(out.display_name() == "老王火锅 Lao Wang");
  CHECK(out.profile_review().state() == v1::ProfileReview::APPROVED);
  CHECK_FALSE(out.profile_review().has_proposed());
  // Only an auditor decides.
  CHECK(w.merchant
            .RecordProfileDecision(m.call(), w.Decision("profile.submitted", m.merchant_id(), true),
                                   out)
            .code() == absl::StatusCode::kPermissionDenied);
}

TEST_CASE("An edit that changes nothing the pages show sends nothing to audit") {
  CenterWorld w;
  Caller m = w.Qualified();
  v1::GetMerchantRequest get;
  get.set_id(m.merchant_id());
  v1::Merchant before;
  REQUIRE(w.merchant.Get(m.call(), get, before).ok());
  const std::string submitted = w.LastSubmission("profile.submitted", m.merchant_id());
  v1::UpdateMerchantRequest req;
  req.set_id(m.merchant_id());
  req.mutable_merchant()->set_display_name(before.display_name());
  req.mutable_update_mask()->add_paths("display_name");
  v1::Merchant out;
  REQUIRE(w.merchant.Update(m.call(), req, out).ok());
  CHECK(out.profile_review().state() != v1::ProfileReview::PENDING_AUDIT);
  CHECK(w.LastSubmission("profile.submitted", m.merchant_id()) == submitted);
}

TEST_CASE("A profile edit changes only the named, editable fields, each checked") {
  CenterWorld w;
  Caller m = w.Merchant();
  v1::UpdateMerchantRequest req;
  req.set_id(m.merchant_id());
  req.mutable_merchant()->set_description("Hotpot since 1998");
  req.mutable_merchant()->set_display_name("ignored: not in the mask");
  req.mutable_update_mask()->add_paths("description");
  v1::Merchant out;
  REQUIRE(w.merchant.Update(m.call(), req, out).ok());
  CHECK(out.description() == "Hotpot since 1998");
  CHECK(out.display_name() != "ignored: not in the mask");

  req.mutable_update_mask()->add_paths("qualification");
  absl::Status refused = w.merchant.Update(m.call(), req, out);
  CHECK(refused.code() == absl::StatusCode::kInvalidArgument);
  CHECK(refused.message().find("these can:") != std::string::npos);

  v1::UpdateMerchantRequest phone;
  phone.set_id(m.merchant_id());
  phone.mutable_merchant()->set_contact_phone("not a phone");
  phone.mutable_update_mask()->add_paths("contact_phone");
  CHECK(core::FieldViolations(w.merchant.Update(m.call(), phone, out))[0].field == "contactPhone");
}

TEST_CASE("Another merchant, a person or nobody reads and changes nothing of a merchant") {
  CenterWorld w;
  Caller m = w.Merchant();
  v1::GetMerchantRequest get;
  get.set_id(m.merchant_id());
  v1::Merchant out;
  CHECK(w.merchant.Get(m.call(), get, out).ok());
  CHECK(w.merchant.Get(w.Merchant().call(), get, out).code() == absl::StatusCode::kNotFound);
  CHECK(w.merchant.Get(w.Person().call(), get, out).code() == absl::StatusCode::kNotFound);
  CHECK(w.merchant.Get(w.Auditor().call(), get, out).ok());  // auditors read
  v1::SetLocationRequest move;
  move.set_id(m.merchant_id());
  move.mutable_location()->set_lat(26);
  move.mutable_location()->set_lng(119);
  v1::SetLocationResponse moved;
  CHECK(w.merchant.SetLocation(w.Merchant().call(), move, moved).code() ==
        absl::StatusCode::kNotFound);
  CHECK(w.merchant.SetLocation(w.Auditor().call(), move, moved).code() ==
        absl::StatusCode::kNotFound);
  move.mutable_location()->set_lat(91);
  CHECK(core::FieldViolations(w.merchant.SetLocation(m.call(), move, moved))[0].field ==
        "location.lat");
}

TEST_CASE("Statistics cover the days asked for, 366 at most") {
  CenterWorld w;
  Caller m = w.Merchant();
  v1::GetMerchantStatsRequest req;
  req.set_id(m.merchant_id());
  req.set_from_day("2025-12-01");
  req.set_to_day("2025-12-31");
  v1::GetMerchantStatsResponse resp;
  REQUIRE(w.merchant.Stats(m.call(), req, resp).ok());
  CHECK(w.merchant_stats.asked.to - w.merchant_stats.asked.from == absl::Hours(24 * 31));
  req.set_from_day("2024-01-01");
  CHECK(core::FieldViolations(w.merchant.Stats(m.call(), req, resp))[0].field == "fromDay");
  req.set_from_day("12/01/2025");
  CHECK(core::FieldViolations(w.merchant.Stats(m.call(), req, resp))[0].field == "fromDay");
}

}  // namespace
}  // namespace qrcloud::center
