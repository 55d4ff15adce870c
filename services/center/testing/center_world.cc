#include "services/center/testing/center_world.h"

#include <catch2/catch.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/core/ids.h"
#include "libs/core/proto_time.h"

namespace qrcloud::center::testing {

rpc::CallContext Caller::call() const {
  rpc::CallContext c;
  c.principal = anonymous ? nullptr : &principal;
  c.request_id = core::NewId();
  c.client_address = "127.0.0.1";
  return c;
}

CenterWorld::CenterWorld() : signer(*core::ReceiptSigner::FromSeed(std::string(32, 'k'))) {
  merchant.set_follower(&search);
}

Caller CenterWorld::Register(v1::Account::Kind kind) {
  v1::CreateAccountRequest req;
  req.set_kind(kind);
  req.set_login(absl::StrCat("user", ++registered_, "@example.com"));
  req.set_password("a long enough password");
  req.set_display_name(absl::StrCat("User ", registered_));
  v1::CreateAccountResponse resp;
  absl::Status s = auth.CreateAccount(Anonymous().call(), req, resp);
  INFO(s);
  REQUIRE(s.ok());
  auto account = accounts.FindById(resp.account().id());
  REQUIRE(account.ok());
  return Caller{account->ToPrincipal()};
}

Caller CenterWorld::Person() { return Register(v1::Account::PERSON); }
Caller CenterWorld::Merchant() { return Register(v1::Account::MERCHANT); }

Caller CenterWorld::Qualified() {
  Caller m = Merchant();
  v1::SubmitQualificationRequest req;
  req.set_id(m.merchant_id());
  req.set_license_number("91350100M000100Y43");
  req.set_legal_name("福州小店有限公司");
  v1::SubmitQualificationResponse submitted;
  REQUIRE(merchant.SubmitQualification(m.call(), req, submitted).ok());
  v1::Merchant decided;
  absl::Status s = merchant.RecordQualificationDecision(
      Auditor().call(), Decision("qualification.submitted", m.merchant_id(), true), decided);
  INFO(s);
  REQUIRE(s.ok());
  REQUIRE(decided.qualification().state() == v1::Qualification::APPROVED);
  return m;
}

Caller CenterWorld::Auditor() {
  Caller c;
  c.principal.account_id = core::NewId();
  c.principal.kind = "STAFF";
  c.principal.Grant(auth::Role::kAuditor);
  return c;
}

Caller CenterWorld::Staff(const Caller& owner) {
  Caller c;
  c.principal.account_id = core::NewId();
  c.principal.kind = "STAFF";
  c.principal.merchant_id = owner.merchant_id();
  c.principal.Grant(auth::Role::kMerchantStaff);
  return c;
}

Caller CenterWorld::Anonymous() {
  Caller c;
  c.anonymous = true;
  return c;
}

v1::Campaign CenterWorld::OrderCampaign(int64_t stock, int32_t per_person_limit) {
  v1::Campaign c;
  c.set_title("Hotpot for two");
  c.set_description("Spring offer");
  c.set_mode(v1::Campaign::ORDER);
  c.mutable_price()->set_currency("CNY");
  c.mutable_price()->set_minor(1990);
  c.set_stock(stock);
  c.set_per_person_limit(per_person_limit);
  c.add_tags("hotpot");
  return c;
}

std::string CenterWorld::LastSubmission(absl::string_view type, absl::string_view subject_id) {
  std::string found;
  const std::string needle = absl::StrCat("\"id\":\"", subject_id, "\"");
  for (const auto& [event_id, event] : db.events()) {
    if (event.type == type && absl::StrContains(event.data, needle)) found = event_id;
  }
  return found;
}

v1::AuditDecision CenterWorld::Decision(absl::string_view type, absl::string_view subject_id,
                                        bool approve, std::string reason) {
  v1::AuditDecision d;
  d.set_subject_id(std::string(subject_id));
  d.set_submission_id(LastSubmission(type, subject_id));
  d.set_approve(approve);
  if (!reason.empty()) d.add_reasons(std::move(reason));
  d.set_decided_by("test-auditor");
  return d;
}

v1::Campaign CenterWorld::Published(const Caller& m, const v1::Campaign& content) {
  v1::CreateCampaignRequest create;
  create.set_merchant_id(m.merchant_id());
  *create.mutable_campaign() = content;
  v1::Campaign draft;
  absl::Status s = campaign.Create(m.call(), create, draft);
  INFO(s);
  REQUIRE(s.ok());
  v1::CampaignActionRequest submit;
  submit.set_id(draft.id());
  v1::Campaign pending;
  s = campaign.Submit(m.call(), submit, pending);
  INFO(s);
  REQUIRE(s.ok());
  v1::Campaign live;
  s = campaign.RecordAuditDecision(Auditor().call(),
                                   Decision("campaign.submitted", draft.id(), true), live);
  INFO(s);
  REQUIRE(s.ok());
  REQUIRE(live.state() == v1::Campaign::PUBLISHED);
  return live;
}

}  // namespace qrcloud::center::testing
