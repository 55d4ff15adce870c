// The dispatcher through a real gRPC server: authentication, request ids,
// idempotency, deadlines, error details, health and readiness.
#include "libs/rpc/dispatcher.h"

#include <catch2/catch.hpp>

#include <grpcpp/grpcpp.h>

#include <atomic>

#include "grpc/health/v1/health.grpc.pb.h"
#include "libs/auth/session_store.h"
#include "libs/core/ids.h"
#include "libs/core/status.h"
#include "libs/service/grpc_server.h"
#include "qrcloud/v1/campaign.grpc.pb.h"
#include "qrcloud/v1/landing_admin.grpc.pb.h"
#include "tests/support/test_env.h"

namespace qrcloud::rpc {
namespace {

using qrcloud::v1::Campaign;
using qrcloud::v1::CreateCampaignRequest;
using qrcloud::v1::GetCampaignRequest;

// A test service on CampaignService, whose proto gives GetCampaign auth
// OPTIONAL and CreateCampaign auth REQUIRED: GetCampaign echoes the caller;
// CreateCampaign counts how often its logic really runs.
class EchoService : public qrcloud::v1::CampaignService::CallbackService {
 public:
  explicit EchoService(Dispatcher& d) : d_(d) {}

  grpc::ServerUnaryReactor* GetCampaign(grpc::CallbackServerContext* ctx,
                                        const GetCampaignRequest* req, Campaign* resp) override {
    return d_.Unary(ctx, "GetCampaign", req, resp, [=](const CallContext& c) -> absl::Status {
      if (req->id() == "bad") return core::InvalidField("id", "is bad");
      if (req->id() == "slow") absl::SleepFor(absl::Milliseconds(300));
      resp->set_id(req->id());
      resp->set_merchant_id(c.principal ? c.principal->account_id : "anonymous");
      resp->set_description(c.request_id);
      return absl::OkStatus();
    });
  }

  grpc::ServerUnaryReactor* CreateCampaign(grpc::CallbackServerContext* ctx,
                                           const CreateCampaignRequest* req,
                                           Campaign* resp) override {
    return d_.Unary(ctx, "CreateCampaign", req, resp, [=](const CallContext&) -> absl::Status {
      const int n = ++runs;
      if (req->campaign().title() == "fail-once" && n == 1) {
        return absl::UnavailableError("flaky");
      }
      resp->set_title(absl::StrCat("run ", n));
      if (req->campaign().title() == "large") {
        resp->set_description(std::string(kMaxKeptResponse + 1, 'x'));
      }
      return absl::OkStatus();
    });
  }

  std::atomic<int> runs{0};

 private:
  Dispatcher& d_;
};

// LandingAdminService.SyncOrders takes an API key only.
class KeyOnlyService : public qrcloud::v1::LandingAdminService::CallbackService {
 public:
  explicit KeyOnlyService(Dispatcher& d) : d_(d) {}
  grpc::ServerUnaryReactor* SyncOrders(grpc::CallbackServerContext* ctx,
                                       const qrcloud::v1::SyncOrdersRequest* req,
                                       qrcloud::v1::SyncOrdersResponse* resp) override {
    return d_.Unary(ctx, "SyncOrders", req, resp, [=](const CallContext&) {
      resp->set_stored(1);
      return absl::OkStatus();
    });
  }

 private:
  Dispatcher& d_;
};

struct Harness {
  std::unique_ptr<cache::RedisPool> redis = *cache::RedisPool::Create(testing::Env().redis);
  auth::SessionStore sessions{*redis, core::Clock::Real(), absl::Minutes(5)};
  auth::Authenticator authenticator{sessions, *redis, nullptr};
  WorkerPool workers{4, 64};
  DispatcherDeps deps{&workers, &authenticator, redis.get()};
  Dispatcher dispatcher{"qrcloud.v1.CampaignService", deps};
  Dispatcher landing{"qrcloud.v1.LandingAdminService", deps};
  EchoService service{dispatcher};
  KeyOnlyService key_only{landing};
  service::GrpcServer server{service::GrpcServerOptions{"127.0.0.1", 0}};
  std::atomic<bool> dependency_up{true};
  std::unique_ptr<qrcloud::v1::CampaignService::Stub> stub;
  std::shared_ptr<grpc::Channel> channel;

  Harness() {
    REQUIRE(dispatcher.policy_status().ok());
    server.Register(&service, "qrcloud.v1.CampaignService");
    server.Register(&key_only, "qrcloud.v1.LandingAdminService");
    server.AddReadinessCheck("dependency", [this] {
      return dependency_up ? absl::OkStatus() : absl::UnavailableError("down");
    });
    REQUIRE(server.Start().ok());
    server.StartReadinessChecks(absl::Milliseconds(20));
    channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server.port()),
                                  grpc::InsecureChannelCredentials());
    stub = qrcloud::v1::CampaignService::NewStub(channel);
  }

  std::string SignIn() {
    auth::Principal p;
    p.account_id = testing::UniqueName("acct");
    p.Grant(auth::Role::kMerchant);
    return sessions.Create(p)->token;
  }
};

TEST_CASE("Calls carry the caller, and a bad or missing credential is refused") {
  Harness h;
  grpc::ClientContext anon;
  GetCampaignRequest req;
  req.set_id("m1");
  Campaign resp;
  REQUIRE(h.stub->GetCampaign(&anon, req, &resp).ok());
  CHECK(resp.merchant_id() == "anonymous");

  grpc::ClientContext signed_in;
  const std::string token = h.SignIn();
  signed_in.AddMetadata("authorization", "Bearer " + token);
  REQUIRE(h.stub->GetCampaign(&signed_in, req, &resp).ok());
  CHECK(resp.merchant_id().rfind("acct_", 0) == 0);

  grpc::ClientContext forged;
  forged.AddMetadata("authorization", "Bearer qrs_forged");
  CHECK(h.stub->GetCampaign(&forged, req, &resp).error_code() == grpc::StatusCode::UNAUTHENTICATED);

  grpc::ClientContext required;
  CreateCampaignRequest q;
  Campaign qr;
  grpc::Status s = h.stub->CreateCampaign(&required, q, &qr);
  CHECK(s.error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(s.error_message().find("Authorization: Bearer") != std::string::npos);
}

TEST_CASE("A request id is carried through, or made, and echoed back") {
  Harness h;
  GetCampaignRequest req;
  req.set_id("m1");
  Campaign resp;
  grpc::ClientContext with_id;
  with_id.AddMetadata(kRequestIdHeader, "req-123");
  REQUIRE(h.stub->GetCampaign(&with_id, req, &resp).ok());
  CHECK(resp.description() == "req-123");
  auto echoed = with_id.GetServerInitialMetadata().find(kRequestIdHeader);
  REQUIRE(echoed != with_id.GetServerInitialMetadata().end());
  CHECK(std::string(echoed->second.data(), echoed->second.size()) == "req-123");

  grpc::ClientContext without;
  REQUIRE(h.stub->GetCampaign(&without, req, &resp).ok());
  CHECK(core::IsValidId(resp.description()));
}

TEST_CASE("Field errors arrive with their google.rpc.BadRequest details") {
  Harness h;
  grpc::ClientContext ctx;
  GetCampaignRequest req;
  req.set_id("bad");
  Campaign resp;
  grpc::Status s = h.stub->GetCampaign(&ctx, req, &resp);
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  absl::Status back = core::FromGrpcStatus(s);
  REQUIRE(core::FieldViolations(back).size() == 1);
  CHECK(core::FieldViolations(back)[0].field == "id");
}

TEST_CASE("A call past its deadline is refused, not run") {
  Harness h;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(50));
  GetCampaignRequest req;
  req.set_id("slow");
  Campaign resp;
  CHECK(h.stub->GetCampaign(&ctx, req, &resp).error_code() == grpc::StatusCode::DEADLINE_EXCEEDED);
}

TEST_CASE("A retried request id acts once and answers the same") {
  Harness h;
  const std::string token = h.SignIn();
  auto call = [&](const std::string& request_id, const std::string& legal_name) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + token);
    CreateCampaignRequest q;
    q.set_merchant_id("m1");
    q.set_request_id(request_id);
    q.mutable_campaign()->set_title(legal_name);
    Campaign r;
    grpc::Status s = h.stub->CreateCampaign(&ctx, q, &r);
    return std::make_pair(s, r.title());
  };
  const std::string id = testing::UniqueName("rid");
  auto [s1, first] = call(id, "Shop");
  auto [s2, second] = call(id, "Shop");
  REQUIRE(s1.ok());
  REQUIRE(s2.ok());
  CHECK(first == "run 1");
  CHECK(second == "run 1");  // the stored answer, not a second run
  CHECK(h.service.runs == 1);

  auto [s3, _] = call(id, "Another shop");
  CHECK(s3.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(s3.error_message().find("already used for a different request") != std::string::npos);

  // Without a request id every call acts.
  call("", "Shop");
  call("", "Shop");
  CHECK(h.service.runs == 3);

  // A failed call does not pin its request id: the retry acts.
  const std::string flaky = testing::UniqueName("rid");
  h.service.runs = 0;
  CHECK(call(flaky, "fail-once").first.error_code() == grpc::StatusCode::UNAVAILABLE);
  auto [s4, retried] = call(flaky, "fail-once");
  CHECK(s4.ok());
  CHECK(retried == "run 2");
}

TEST_CASE("An answer too large to keep still acts once, and Redis holds no copy of it") {
  Harness h;
  const std::string token = h.SignIn();
  auto call = [&](const std::string& request_id) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + token);
    CreateCampaignRequest q;
    q.set_merchant_id("m1");
    q.set_request_id(request_id);
    q.mutable_campaign()->set_title("large");
    Campaign r;
    const grpc::Status status = h.stub->CreateCampaign(&ctx, q, &r);
    return std::make_pair(status, r.description().size());
  };
  const std::string id = testing::UniqueName("rid");
  auto [first, size] = call(id);
  REQUIRE(first.ok());
  CHECK(size == kMaxKeptResponse + 1);
  auto [retry, unused] = call(id);
  CHECK(retry.error_code() == grpc::StatusCode::ALREADY_EXISTS);
  CHECK(h.service.runs == 1);
  auto keys = h.redis->Command({"KEYS", "qrcloud:idem:*"});
  REQUIRE(keys.ok());
  for (size_t i = 0; i < keys->size(); ++i) {
    auto length = h.redis->Command({"STRLEN", (*keys)[i].str()});
    REQUIRE(length.ok());
    CHECK(length->integer() < 1024);
  }
}

TEST_CASE("Health: the process is live, readiness follows the dependency checks") {
  Harness h;
  auto health = [&](const std::string& service) {
    auto stub = grpc::health::v1::Health::NewStub(h.channel);
    grpc::ClientContext ctx;
    grpc::health::v1::HealthCheckRequest req;
    req.set_service(service);
    grpc::health::v1::HealthCheckResponse resp;
    grpc::Status s = stub->Check(&ctx, req, &resp);
    return s.ok() ? resp.status() : grpc::health::v1::HealthCheckResponse::SERVICE_UNKNOWN;
  };
  using grpc::health::v1::HealthCheckResponse;
  CHECK(health("") == HealthCheckResponse::SERVING);
  CHECK(health("qrcloud.v1.CampaignService") == HealthCheckResponse::SERVING);
  CHECK(h.server.ready());
  h.dependency_up = false;
  CHECK(testing::WaitFor([&] { return !h.server.ready(); }, absl::Seconds(5)));
  CHECK(health("qrcloud.ready") == HealthCheckResponse::NOT_SERVING);
  CHECK(health("qrcloud.v1.CampaignService") == HealthCheckResponse::NOT_SERVING);
  CHECK(health("") == HealthCheckResponse::SERVING);  // alive all along
  h.dependency_up = true;
  CHECK(testing::WaitFor([&] { return h.server.ready(); }, absl::Seconds(5)));
}

TEST_CASE("A method that takes an API key refuses a session, and every method has a policy") {
  Harness h;
  REQUIRE(h.landing.policy_status().ok());
  auto stub = qrcloud::v1::LandingAdminService::NewStub(h.channel);
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + h.SignIn());
  qrcloud::v1::SyncOrdersRequest req;
  qrcloud::v1::SyncOrdersResponse resp;
  grpc::Status s = stub->SyncOrders(&ctx, req, &resp);
  CHECK(s.error_code() == grpc::StatusCode::PERMISSION_DENIED);
  CHECK(s.error_message().find("API key") != std::string::npos);
  grpc::ClientContext anonymous;
  CHECK(stub->SyncOrders(&anonymous, req, &resp).error_code() == grpc::StatusCode::UNAUTHENTICATED);

  // A service the contracts do not hold cannot be dispatched.
  Dispatcher unknown("qrcloud.v1.NoSuchService", h.deps);
  CHECK(unknown.policy_status().code() == absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace qrcloud::rpc
