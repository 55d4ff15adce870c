// The switches of patent claims 2 and 3, end to end through REST: a
// deployment that switches subsystems off serves none of their routes (and
// its services refuse their methods); a merchant's cloud business turns on
// and off at once, and landing business only through the audit service.
#include <catch2/catch.hpp>

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "libs/core/subsystems.h"
#include "libs/service/policy.h"
#include "qrcloud/v1/order.grpc.pb.h"
#include "tests/support/api.h"
#include "tests/support/flow.h"
#include "tests/support/stack.h"
#include "tests/support/test_env.h"

namespace qrcloud::testing {
namespace {

constexpr absl::Duration kDeadline = absl::Seconds(30);
constexpr char kOffer[] = R"({"title":"Noodles for one","description":"Lunch","mode":"ORDER",
  "template":"coupon","price":{"currency":"CNY","minor":"1800"},"stock":"5"})";

// Polls GET /v1/merchants/{id} until `path` reads `value`; the last answer.
ApiResponse AwaitMerchant(Api& api, const std::string& id, const std::string& path,
                          const std::string& value) {
  ApiResponse last;
  const bool reached = WaitFor(
      [&] {
        last = api.Get("/v1/merchants/" + id);
        return last.status == 200 && last.At(path) == value;
      },
      kDeadline, absl::Milliseconds(100));
  INFO(path << " never became " << value << ": " << last.body);
  REQUIRE(reached);
  return last;
}

std::string Switches(bool cloud, bool landing) {
  return absl::StrCat(R"({"cloudBusinessEnabled":)", cloud ? "true" : "false",
                      R"(,"landingBusinessEnabled":)", landing ? "true" : "false", "}");
}

TEST_CASE("Landing business turns on only through audit and cloud business switches at once") {
  auto s = Stack::Start({.audit = true});
  INFO((s.ok() ? "" : std::string(s.status().message())));
  REQUIRE(s.ok());
  Stack& stack = **s;
  Flow flow(stack);
  std::string mid;
  auto merchant = flow.NewAccount("MERCHANT", &mid);
  REQUIRE(merchant
              ->Post("/v1/merchants/" + mid + "/qualification",
                     R"({"licenseNumber":"91350100M000100Y43","legalName":"福州小店有限公司"})")
              .status == 200);
  AwaitMerchant(*merchant, mid, "qualification.state", "APPROVED");
  const std::string switches = "/v1/merchants/" + mid + ":setBusinessSwitches";

  // Without a shop address the audit service refuses, saying why.
  REQUIRE(merchant
              ->Call("PUT", "/v1/merchants/" + mid + "/location",
                     R"({"location":{"lat":26.0745,"lng":119.2965}})")
              .status == 200);
  ApiResponse asked = merchant->Post(switches, Switches(true, true));
  INFO(asked.body);
  REQUIRE(asked.status == 200);
  CHECK(asked.At("landingReview.state") == "PENDING_AUDIT");
  CHECK(asked.At("landingBusinessEnabled") != "true");
  ApiResponse rejected = AwaitMerchant(*merchant, mid, "landingReview.state", "REJECTED");
  CHECK(rejected.At("landingReview.reasons.0").find("location") != std::string::npos);
  CHECK(rejected.At("landingBusinessEnabled") != "true");

  // With it, the request is approved and landing business is on.
  REQUIRE(merchant
              ->Call("PUT", "/v1/merchants/" + mid + "/location",
                     R"({"location":{"lat":26.0745,"lng":119.2965},"address":"福州市鼓楼区 1 号"})")
              .status == 200);
  REQUIRE(merchant->Post(switches, Switches(true, true)).At("landingReview.state") ==
          "PENDING_AUDIT");
  AwaitMerchant(*merchant, mid, "landingBusinessEnabled", "true");

  // Nobody else sets them: another merchant or a person sees no such merchant.
  std::string other_mid;
  auto other = flow.NewAccount("MERCHANT", &other_mid);
  CHECK(other->Post(switches, Switches(false, false)).status == 404);
  CHECK(flow.NewAccount("PERSON")->Post(switches, Switches(false, false)).status == 404);
  CHECK(merchant->Get("/v1/merchants/" + mid).At("landingBusinessEnabled") == "true");

  // Cloud business off: no new campaigns and no orders; landing stays on.
  // (Published by the audit service's automatic checks.)
  ApiResponse draft = merchant->Post("/v1/merchants/" + mid + "/campaigns", kOffer);
  REQUIRE(draft.status == 200);
  const std::string campaign = draft.At("id");
  REQUIRE(merchant->Post("/v1/campaigns/" + campaign + ":submit", "{}").status == 200);
  REQUIRE(
      WaitFor([&] { return merchant->Get("/v1/campaigns/" + campaign).At("state") == "PUBLISHED"; },
              kDeadline, absl::Milliseconds(100)));
  ApiResponse off = merchant->Post(switches, Switches(false, true));
  REQUIRE(off.status == 200);
  CHECK(off.At("cloudBusinessEnabled") != "true");
  CHECK(off.At("landingBusinessEnabled") == "true");
  ApiResponse no_campaign = merchant->Post("/v1/merchants/" + mid + "/campaigns", kOffer);
  CHECK(no_campaign.status == 400);
  CHECK(no_campaign.At("message").find("cloud business is switched off") != std::string::npos);
  auto person = flow.NewAccount("PERSON");
  ApiResponse refused =
      person->Post("/v1/campaigns/" + campaign + "/orders", R"({"requestId":"sw-1"})");
  CHECK(refused.status == 400);
  CHECK(refused.At("message").find("cloud business is switched off") != std::string::npos);
  CHECK(merchant->Get("/v1/campaigns/" + campaign).At("stockLeft") == "5");

  // Back on, the same request orders.
  REQUIRE(merchant->Post(switches, Switches(true, true)).At("cloudBusinessEnabled") == "true");
  ApiResponse ordered =
      person->Post("/v1/campaigns/" + campaign + "/orders", R"({"requestId":"sw-1"})");
  INFO(ordered.body);
  CHECK(ordered.status == 200);

  // Landing off is immediate, no audit needed.
  ApiResponse landing_off = merchant->Post(switches, Switches(true, false));
  CHECK(landing_off.At("landingBusinessEnabled") != "true");
  CHECK(landing_off.At("cloudBusinessEnabled") == "true");
}

TEST_CASE("A deployment without the personal front serves none of its routes") {
  const std::string flag = "--disabled_subsystems=personal-front,agent";
  auto s = Stack::Start({.center_flags = {flag}, .gateway_flags = {flag}});
  INFO((s.ok() ? "" : std::string(s.status().message())));
  REQUIRE(s.ok());
  Stack& stack = **s;
  Flow flow(stack);
  Api anonymous("127.0.0.1", stack.gateway_port());

  // Its routes are gone, with a 404 that says why.
  for (const std::string path :
       {"/v1/campaigns:nearby?lat=26.07&lng=119.29&radiusM=1000", "/m/abcdefgh"}) {
    ApiResponse r = anonymous.Get(path);
    INFO(path << ": " << r.body);
    CHECK(r.status == 404);
    CHECK(r.At("message").find("the personal front is switched off") != std::string::npos);
  }
  const std::string openapi = anonymous.Get("/openapi.json").body;
  CHECK(openapi.find("/v1/campaigns:nearby") == std::string::npos);
  CHECK(openapi.find("/v1/merchants/{id}") != std::string::npos);

  // The merchant's side still works.
  std::string mid;
  auto merchant = flow.NewAccount("MERCHANT", &mid);
  CHECK(merchant->Get("/v1/merchants/" + mid).status == 200);
  auto person = flow.NewAccount("PERSON");
  CHECK(person->Post("/v1/campaigns/any/orders", R"({"requestId":"x"})").status == 404);

  // The center refuses the method too, for callers that skip the gateway.
  auto channel = grpc::CreateChannel(stack.center_address(), grpc::InsecureChannelCredentials());
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + person->token());
  v1::CreateOrderRequest req;
  req.set_campaign_id("any");
  req.set_request_id("direct-1");
  v1::CreateOrderResponse resp;
  grpc::Status status = v1::OrderService::NewStub(channel)->CreateOrder(&ctx, req, &resp);
  CHECK(status.error_code() == grpc::StatusCode::UNIMPLEMENTED);
  CHECK(status.error_message().find("personal front") != std::string::npos);

  // Every method the protos put in the personal front refuses, however it is
  // called: the switch comes from the proto options, not a list.
  int refused = 0;
  grpc::GenericStub generic(channel);
  for (const auto* contract : service::ContractServices()) {
    for (int i = 0; i < contract->method_count(); ++i) {
      auto policy = service::PolicyOf(*contract->method(i));
      REQUIRE(policy.ok());
      if (policy->process != "center" || policy->subsystem != core::Subsystem::kPersonalFront) {
        continue;
      }
      const std::string method =
          absl::StrCat("/", contract->full_name(), "/", contract->method(i)->name());
      INFO(method);
      grpc::ClientContext call;
      call.AddMetadata("authorization", "Bearer " + person->token());
      grpc::Slice nothing("");  // an empty message: valid for every request type
      grpc::ByteBuffer empty(&nothing, 1), reply;
      absl::Notification done;
      grpc::Status answer;
      generic.UnaryCall(&call, method, grpc::StubOptions(), &empty, &reply,
                        [&](grpc::Status result) {
                          answer = std::move(result);
                          done.Notify();
                        });
      REQUIRE(done.WaitForNotificationWithTimeout(kDeadline));
      CHECK(answer.error_code() == grpc::StatusCode::UNIMPLEMENTED);
      ++refused;
    }
  }
  CHECK(refused >= 7);
}

TEST_CASE("An unknown subsystem name stops a service at start, naming it") {
  auto s = Stack::Start({.gateway = false});
  REQUIRE(s.ok());
  absl::Status run = RunToCompletion("qrcloud-center",
                                     {"--disabled_subsystems=landing,shop-front", "--grpc_port=0"},
                                     (*s)->env(), (*s)->dir() + "/bad-flag.log", absl::Seconds(30));
  INFO(run.message());
  CHECK(run.message().find("exited with 2") != std::string::npos);
  CHECK(run.message().find("\"shop-front\"") != std::string::npos);
}

}  // namespace
}  // namespace qrcloud::testing
