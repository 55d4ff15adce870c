#include "tests/support/flow.h"

#include <catch2/catch.hpp>

#include <grpcpp/grpcpp.h>

#include <fstream>

#include "absl/strings/str_cat.h"
#include "libs/core/ids.h"
#include "libs/core/scan_event.h"
#include "qrcloud/v1/campaign.grpc.pb.h"
#include "qrcloud/v1/merchant.grpc.pb.h"
#include "tests/support/test_env.h"

namespace qrcloud::testing {

bool StreamCaughtUp(cache::RedisPool& redis, const std::string& stream, const std::string& group) {
  auto last = redis.Command({"XREVRANGE", stream, "+", "-", "COUNT", "1"});
  auto groups = redis.Command({"XINFO", "GROUPS", stream});
  if (!last.ok() || !groups.ok() || last->size() == 0) return false;
  const std::string newest = (*last)[0][0].str();
  for (size_t g = 0; g < groups->size(); ++g) {
    const cache::Reply info = (*groups)[g];
    std::string name, delivered;
    int64_t pending = -1;
    for (size_t f = 0; f + 1 < info.size(); f += 2) {
      const std::string key = info[f].str();
      if (key == "name") name = info[f + 1].str();
      if (key == "last-delivered-id") delivered = info[f + 1].str();
      if (key == "pending") pending = info[f + 1].integer();
    }
    if (name == group) return delivered == newest && pending == 0;
  }
  return false;
}

Flow::Flow(Stack& stack) : stack_(stack) {
  auto o = Env().redis;
  o.db = stack.redis_db();
  redis_ = *cache::RedisPool::Create(o);
  const std::string password_file = absl::StrCat(Env().dir, "/", UniqueName("admin-pw"));
  auto cmd =
      Process::Spawn("qrcloud-center", {"ensure-admin", "admin@qrcloud.local", password_file},
                     stack.env(), password_file + ".log");
  REQUIRE(cmd.ok());
  REQUIRE(WaitFor([&] { return !(*cmd)->Alive(); }, absl::Seconds(30)));
  std::string password;
  std::ifstream(password_file) >> password;
  Api admin("127.0.0.1", stack.gateway_port());
  ApiResponse session =
      admin.Post("/v1/sessions",
                 absl::StrCat(R"({"login":"admin@qrcloud.local","password":")", password, R"("})"));
  REQUIRE(session.status == 200);
  admin_token_ = session.At("token");
}

std::unique_ptr<Api> Flow::NewAccount(const std::string& kind, std::string* merchant_id) {
  auto api = std::make_unique<Api>("127.0.0.1", stack_.gateway_port());
  const std::string login =
      absl::StrCat(UniqueName(kind == "MERCHANT" ? "shop" : "person"), "@example.com");
  ApiResponse created =
      api->Post("/v1/accounts", absl::StrCat(R"({"kind":")", kind, R"(","login":")", login,
                                             R"(","password":"correct-horse"})"));
  REQUIRE(created.status == 200);
  if (merchant_id != nullptr) *merchant_id = created.At("account.merchantId");
  api->set_token(api->Post("/v1/sessions",
                           absl::StrCat(R"({"login":")", login, R"(","password":"correct-horse"})"))
                     .At("token"));
  REQUIRE(!api->token().empty());
  return api;
}

std::unique_ptr<Api> Flow::QualifiedMerchant(std::string* merchant_id, double lat, double lng) {
  auto api = NewAccount("MERCHANT", merchant_id);
  REQUIRE(api->Post("/v1/merchants/" + *merchant_id + "/qualification",
                    R"({"licenseNumber":"91350100M000100Y43","legalName":"福州小店有限公司"})")
              .status == 200);
  Decide("qualification.submitted", *merchant_id, true);
  REQUIRE(api->Call("PUT", "/v1/merchants/" + *merchant_id + "/location",
                    absl::StrCat(R"({"location":{"lat":)", lat, R"(,"lng":)", lng, R"(}})"))
              .status == 200);
  REQUIRE(api->Get("/v1/merchants/" + *merchant_id).At("qualification.state") == "APPROVED");
  return api;
}

void Flow::Decide(const std::string& type, const std::string& subject_id, bool approve,
                  const std::string& reason) {
  // The submission is the latest matching event the outbox relayed that no
  // earlier decision answered (the relay may not have carried it yet).
  std::string submission;
  REQUIRE(WaitFor(
      [&] {
        auto entries = redis_->Command({"XRANGE", "audit", "-", "+"});
        if (!entries.ok()) return false;
        for (const auto& e : cache::ParseEntries(*entries)) {
          if (e.Field("type") == type && JsonAt(e.Field("data"), "id") == subject_id &&
              decided_.count(e.Field("event_id")) == 0) {
            submission = e.Field("event_id");
          }
        }
        return !submission.empty();
      },
      absl::Seconds(10)));
  decided_.insert(submission);
  auto channel = grpc::CreateChannel(stack_.center_address(), grpc::InsecureChannelCredentials());
  v1::AuditDecision decision;
  decision.set_subject_id(subject_id);
  decision.set_submission_id(submission);
  decision.set_approve(approve);
  if (!reason.empty()) decision.add_reasons(reason);
  decision.set_decided_by("test-auditor");
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + admin_token_);
  grpc::Status s;
  if (type == "qualification.submitted") {
    v1::Merchant out;
    s = v1::MerchantService::NewStub(channel)->RecordQualificationDecision(&ctx, decision, &out);
  } else if (type == "landing.requested") {
    v1::Merchant out;
    s = v1::MerchantService::NewStub(channel)->RecordLandingDecision(&ctx, decision, &out);
  } else if (type == "profile.submitted") {
    v1::Merchant out;
    s = v1::MerchantService::NewStub(channel)->RecordProfileDecision(&ctx, decision, &out);
  } else {
    v1::Campaign out;
    s = v1::CampaignService::NewStub(channel)->RecordAuditDecision(&ctx, decision, &out);
  }
  // With the audit service in the stack, its automatic approval may have
  // answered the submission first; the state the caller checks next tells.
  if (approve && stack_.audit_port() != 0 &&
      s.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
    return;
  }
  INFO(s.error_message());
  REQUIRE(s.ok());
}

ApiResponse Flow::RedirectCode(Api& merchant) {
  ApiResponse code = merchant.Post("/v1/codes", R"({"targetUrl":"https://example.com/"})");
  REQUIRE(code.status == 200);
  return code;
}

std::map<std::string, int> Flow::ScansInStream() {
  std::map<std::string, int> scans;
  auto entries = redis_->Command({"XRANGE", core::kScanStream, "-", "+"});
  if (!entries.ok()) return scans;
  for (const auto& e : cache::ParseEntries(*entries)) {
    for (const auto& ev : core::UnpackScanEvents(e.Field(core::kScanEventsField)))
      ++scans[ev.event_id];
  }
  return scans;
}

ApiResponse Flow::PublishCampaign(Api& merchant, const std::string& merchant_id,
                                  const std::string& json) {
  ApiResponse created = merchant.Post("/v1/merchants/" + merchant_id + "/campaigns", json);
  INFO(created.body);
  REQUIRE(created.status == 200);
  const std::string id = created.At("id");
  REQUIRE(merchant.Post("/v1/campaigns/" + id + ":submit", "{}").status == 200);
  Decide("campaign.submitted", id, true);
  ApiResponse live = merchant.Get("/v1/campaigns/" + id);
  REQUIRE(live.At("state") == "PUBLISHED");
  return live;
}

}  // namespace qrcloud::testing
