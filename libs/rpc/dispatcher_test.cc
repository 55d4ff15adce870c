// The dispatcher through a real gRPC server: authentication, request ids,
// idempotency, deadlines, error details, health and readiness.
#include "libs/rpc/dispatcher.h"

#include <catch2/catch.hpp>

#include <grpcpp/grpcpp.h>

#include <atomic>

#include "libs/auth/session_store.h"
#include "libs/core/ids.h"
#include "libs/core/status.h"
#include "libs/rpc/server.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "qrcloud/v1/merchant.grpc.pb.h"
#include "tests/support/test_env.h"

namespace qrcloud::rpc {
namespace {

using qrcloud::v1::GetMerchantRequest;
using qrcloud::v1::Merchant;
using qrcloud::v1::SubmitQualificationRequest;
using qrcloud::v1::SubmitQualificationResponse;

// A test service: GetMerchant echoes the caller; SubmitQualification counts
// how often its logic really runs.
class EchoService : public qrcloud::v1::MerchantService::CallbackService {
 public:
  explicit EchoService(Dispatcher& d) : d_(d) {}

  grpc::ServerUnaryReactor* GetMerchant(grpc::CallbackServerContext* ctx,
                                        const GetMerchantRequest* req, Merchant* resp) override {
    return d_.Unary(ctx, "GetMerchant", req, resp, AuthMode::kOptional,
                    [=](const CallContext& c) -> absl::Status {
                      if (req->id() == "bad") return core::InvalidField("id", "is bad");
                      if (req->id() == "slow") absl::SleepFor(absl::Milliseconds(300));
                      resp->set_id(req->id());
                      resp->set_owner_account_id(c.principal ? c.principal->account_id : "anonymous");
                      resp->set_description(c.request_id);
                      return absl::OkStatus();
                    });
  }

  grpc::ServerUnaryReactor* SubmitQualification(grpc::CallbackServerContext* ctx,
                                                const SubmitQualificationRequest* req,
                                                SubmitQualificationResponse* resp) override {
    return d_.Unary(ctx, "SubmitQualification", req, resp, AuthMode::kRequired,
                    [=](const CallContext&) -> absl::Status {
                      const int n = ++runs;
                      if (req->legal_name() == "fail-once" && n == 1) {
                        return absl::UnavailableError("flaky");
                      }
                      resp->mutable_merchant()->set_display_name(absl::StrCat("run ", n));
                      return absl::OkStatus();
                    });
  }

  std::atomic<int> runs{0};

 private:
  Dispatcher& d_;
};

struct Harness {
  std::unique_ptr<cache::RedisPool> redis = *cache::RedisPool::Create(testing::Env().redis);
  auth::SessionStore sessions{*redis, core::Clock::Real(), absl::Minutes(5)};
  auth::Authenticator authenticator{sessions, *redis, nullptr};
  WorkerPool workers{4, 64};
  Dispatcher dispatcher{"qrcloud.v1.MerchantService",
                        DispatcherDeps{&workers, &authenticator, redis.get()}};
  EchoService service{dispatcher};
  GrpcServer server{GrpcServerOptions{"127.0.0.1", 0}};
  std::atomic<bool> dependency_up{true};
  std::unique_ptr<qrcloud::v1::MerchantService::Stub> stub;
  std::shared_ptr<grpc::Channel> channel;

  Harness() {
    server.Register(&service, "qrcloud.v1.MerchantService");
    server.AddReadinessCheck("dependency", [this] {
      return dependency_up ? absl::OkStatus() : absl::UnavailableError("down");
    });
    REQUIRE(server.Start().ok());
    server.StartReadinessChecks(absl::Milliseconds(20));
    channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server.port()),
                                  grpc::InsecureChannelCredentials());
    stub = qrcloud::v1::MerchantService::NewStub(channel);
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
  GetMerchantRequest req;
  req.set_id("m1");
  Merchant resp;
  REQUIRE(h.stub->GetMerchant(&anon, req, &resp).ok());
  CHECK(resp.owner_account_id() == "anonymous");

  grpc::ClientContext signed_in;
  const std::string token = h.SignIn();
  signed_in.AddMetadata("authorization", "Bearer " + token);
  REQUIRE(h.stub->GetMerchant(&signed_in, req, &resp).ok());
  CHECK(resp.owner_account_id().rfind("acct_", 0) == 0);

  grpc::ClientContext forged;
  forged.AddMetadata("authorization", "Bearer qrs_forged");
  CHECK(h.stub->GetMerchant(&forged, req, &resp).error_code() == grpc::StatusCode::UNAUTHENTICATED);

  grpc::ClientContext required;
  SubmitQualificationRequest q;
  SubmitQualificationResponse qr;
  grpc::Status s = h.stub->SubmitQualification(&required, q, &qr);
  CHECK(s.error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(s.error_message().find("Authorization: Bearer") != std::string::npos);
}

TEST_CASE("A request id is carried through, or made, and echoed back") {
  Harness h;
  GetMerchantRequest req;
  req.set_id("m1");
  Merchant resp;
  grpc::ClientContext with_id;
  with_id.AddMetadata(kRequestIdHeader, "req-123");
  REQUIRE(h.stub->GetMerchant(&with_id, req, &resp).ok());
  CHECK(resp.description() == "req-123");
  auto echoed = with_id.GetServerInitialMetadata().find(kRequestIdHeader);
  REQUIRE(echoed != with_id.GetServerInitialMetadata().end());
  CHECK(std::string(echoed->second.data(), echoed->second.size()) == "req-123");

  grpc::ClientContext without;
  REQUIRE(h.stub->GetMerchant(&without, req, &resp).ok());
  CHECK(core::IsValidId(resp.description()));
}

TEST_CASE("Field errors arrive with their google.rpc.BadRequest details") {
  Harness h;
  grpc::ClientContext ctx;
  GetMerchantRequest req;
  req.set_id("bad");
  Merchant resp;
  grpc::Status s = h.stub->GetMerchant(&ctx, req, &resp);
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  absl::Status back = core::FromGrpcStatus(s);
  REQUIRE(core::FieldViolations(back).size() == 1);
  CHECK(core::FieldViolations(back)[0].field == "id");
}

TEST_CASE("A call past its deadline is refused, not run") {
  Harness h;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(50));
  GetMerchantRequest req;
  req.set_id("slow");
  Merchant resp;
  CHECK(h.stub->GetMerchant(&ctx, req, &resp).error_code() == grpc::StatusCode::DEADLINE_EXCEEDED);
}

TEST_CASE("A retried request id acts once and answers the same") {
  Harness h;
  const std::string token = h.SignIn();
  auto call = [&](const std::string& request_id, const std::string& legal_name) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + token);
    SubmitQualificationRequest q;
    q.set_id("m1");
    q.set_request_id(request_id);
    q.set_legal_name(legal_name);
    SubmitQualificationResponse r;
    grpc::Status s = h.stub->SubmitQualification(&ctx, q, &r);
    return std::make_pair(s, r.merchant().display_name());
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
  CHECK(health("qrcloud.v1.MerchantService") == HealthCheckResponse::SERVING);
  CHECK(h.server.ready());
  h.dependency_up = false;
  CHECK(testing::WaitFor([&] { return !h.server.ready(); }, absl::Seconds(5)));
  CHECK(health("qrcloud.ready") == HealthCheckResponse::NOT_SERVING);
  CHECK(health("qrcloud.v1.MerchantService") == HealthCheckResponse::NOT_SERVING);
  CHECK(health("") == HealthCheckResponse::SERVING);  // alive all along
  h.dependency_up = true;
  CHECK(testing::WaitFor([&] { return h.server.ready(); }, absl::Seconds(5)));
}

}  // namespace
}  // namespace qrcloud::rpc
