// The service host for a process with a store of its own (an on-premise
// node): no MySQL or Redis at all, a local token made 0600 in the data
// directory that authenticates its callers, readiness from its own checks,
// and an HTTP front on the host's bounded worker pool.
#include <stdlib.h>
#include <sys/stat.h>

#include <grpcpp/grpcpp.h>
#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "libs/http/client.h"
#include "libs/service/host.h"
#include "qrcloud/v1/landing.grpc.pb.h"

namespace qrcloud::service {
namespace {

using grpc::health::v1::HealthCheckResponse;

struct OwnHost {
  OwnHost(int workers = 2, int max_queue = 8) {
    std::string pattern = (std::filesystem::temp_directory_path() / "qrcloud-own-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    dir = pattern;
    config.name = "landing";
    config.listen_address = "127.0.0.1";
    config.workers = workers;
    config.max_queue = max_queue;
    config.max_streams = 4;
    config.data_dir = dir + "/data";  // made by the host
    spec.name = "landing";
    spec.store = ServiceSpec::Store::kOwn;
    spec.local_token_file = "desk-token";
  }
  ~OwnHost() {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
  std::string dir;
  ServiceConfig config;
  ServiceSpec spec;
};

HealthCheckResponse::ServingStatus Readiness(int port) {
  auto channel =
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
  grpc::health::v1::HealthCheckRequest req;
  req.set_service(kReadinessService);
  HealthCheckResponse resp;
  if (!grpc::health::v1::Health::NewStub(channel)->Check(&ctx, req, &resp).ok()) {
    return HealthCheckResponse::UNKNOWN;
  }
  return resp.status();
}

TEST_CASE("A host with a store of its own needs no MySQL or Redis and makes its local token") {
  OwnHost o;
  auto host = Host::Connect(o.spec, o.config);
  INFO(host.status());
  REQUIRE(host.ok());
  const std::string token_file = o.config.data_dir + "/desk-token";
  struct stat st {};
  REQUIRE(stat(token_file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  std::string token;
  std::getline(std::ifstream(token_file), token);
  auto who = (*host)->authenticator().Authenticate(absl::StrCat("Bearer ", token));
  REQUIRE(who.ok());
  CHECK(who->account_id == "landing-local");
  CHECK(who->Has(auth::Role::kMerchantStaff));
  CHECK((*host)->authenticator().Authenticate("Bearer qrd_nope").status().code() ==
        absl::StatusCode::kUnauthenticated);
  // No Redis layer: request ids are the service's own business.
  CHECK((*host)->dispatcher_deps().redis == nullptr);

  // A store of its own cannot also ask for MySQL migrations or the relay.
  OwnHost bad;
  bad.spec.outbox = true;
  CHECK(Host::Connect(bad.spec, bad.config).status().code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE(
    "Readiness follows the service's own checks, and the HTTP front is bounded by the workers") {
  OwnHost o(/*workers=*/1, /*max_queue=*/1);
  auto connected = Host::Connect(o.spec, o.config);
  REQUIRE(connected.ok());
  Host& host = **connected;
  std::atomic<bool> healthy{false};
  host.AddReadinessCheck(
      "store", [&] { return healthy ? absl::OkStatus() : absl::UnavailableError("store closed"); });
  absl::Notification release;
  std::atomic<int> entered{0};
  REQUIRE(host.ServeHttp({.name = "lan", .port = 0, .max_body_bytes = 1024},
                         [&](const http::Request& req) {
                           if (req.path == "/slow") {
                             ++entered;
                             release.WaitForNotification();
                           }
                           return http::Response{.status = 200, .body = req.path};
                         })
              .ok());
  v1::LandingNodeService::CallbackService node;
  v1::LandingDeskService::CallbackService desk;
  REQUIRE(host.Serve<v1::LandingNodeService>(node).ok());
  REQUIRE(host.Serve<v1::LandingDeskService>(desk).ok());
  REQUIRE(host.Start().ok());
  const uint16_t port = static_cast<uint16_t>(host.http_port());
  REQUIRE(port > 0);

  auto hello = http::Fetch("127.0.0.1", port, "GET", "/hello");
  REQUIRE(hello.ok());
  CHECK(hello->body == "/hello");
  auto big = http::Fetch("127.0.0.1", port, "POST", "/x", {}, std::string(4096, 'x'));
  REQUIRE(big.ok());
  CHECK(big->status == 400);

  // One worker busy, one request queued: the next is 503 at once.
  std::thread a([&] { (void)http::Fetch("127.0.0.1", port, "GET", "/slow"); });
  const absl::Time end = absl::Now() + absl::Seconds(10);
  while (entered.load() == 0 && absl::Now() < end) absl::SleepFor(absl::Milliseconds(5));
  std::thread b([&] { (void)http::Fetch("127.0.0.1", port, "GET", "/queued"); });
  absl::SleepFor(absl::Milliseconds(200));
  auto busy = http::Fetch("127.0.0.1", port, "GET", "/third");
  REQUIRE(busy.ok());
  CHECK(busy->status == 503);
  CHECK(busy->Header("retry-after") == "1");
  release.Notify();
  a.join();
  b.join();

  CHECK(Readiness(host.grpc_port()) != HealthCheckResponse::SERVING);
  healthy = true;
  const absl::Time ready_by = absl::Now() + absl::Seconds(10);
  while (Readiness(host.grpc_port()) != HealthCheckResponse::SERVING && absl::Now() < ready_by) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  CHECK(Readiness(host.grpc_port()) == HealthCheckResponse::SERVING);
  host.Shutdown(absl::Seconds(1));
}

}  // namespace
}  // namespace qrcloud::service
