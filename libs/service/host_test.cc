// The service host against the real MariaDB and Redis of the `deps` fixture:
// what it serves, what it refuses to serve, readiness, its workers and the
// order it stops in.
#include "libs/service/host.h"

#include <catch2/catch.hpp>

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

#include "grpc/health/v1/health.grpc.pb.h"
#include "qrcloud/v1/audit.grpc.pb.h"
#include "qrcloud/v1/order.grpc.pb.h"
#include "tests/support/test_env.h"

namespace qrcloud::service {
namespace {

using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

constexpr absl::Duration kDeadline = absl::Seconds(10);

ServiceConfig TestConfig() {
  const auto& env = testing::Env();
  ServiceConfig c;
  c.name = "audit";
  c.listen_address = "127.0.0.1";
  c.grpc_port = 0;
  c.metrics_port = 0;
  c.workers = 2;
  c.max_queue = 16;
  c.mysql = testing::FreshDatabase("host");
  c.redis = env.redis;
  c.redis.db = testing::ExclusiveRedisDb();
  c.startup_timeout = absl::Seconds(10);
  c.session_ttl = absl::Hours(1);
  return c;
}

ServiceSpec AuditSpec() {
  ServiceSpec spec;
  spec.name = "audit";
  spec.outbox = true;
  return spec;
}

// What grpc.health.v1 says about `service` on the host's port.
HealthCheckResponse::ServingStatus Health(int port, const std::string& service) {
  auto channel =
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
  HealthCheckRequest req;
  req.set_service(service);
  HealthCheckResponse resp;
  grpc::Status s = grpc::health::v1::Health::NewStub(channel)->Check(&ctx, req, &resp);
  if (!s.ok()) return HealthCheckResponse::UNKNOWN;
  return resp.status();
}

// A worker that records when it starts and stops.
struct Recorder {
  Recorder(std::string name, std::vector<std::string>& log, std::mutex& mu)
      : name(std::move(name)), log(log), mu(mu) {}
  void Start() {
    std::lock_guard lock(mu);
    log.push_back("start " + name);
  }
  void Stop() {
    std::lock_guard lock(mu);
    log.push_back("stop " + name);
  }
  std::string name;
  std::vector<std::string>& log;
  std::mutex& mu;
};

TEST_CASE("A host serves only contracts that name its process, and all of them") {
  auto host = Host::Connect(AuditSpec(), TestConfig());
  REQUIRE(host.ok());

  // The order contract names the center, not the audit service.
  v1::OrderService::CallbackService orders;
  absl::Status wrong = (*host)->Serve<v1::OrderService>(orders);
  CHECK(wrong.code() == absl::StatusCode::kFailedPrecondition);
  CHECK(wrong.message().find("served by center") != std::string::npos);

  // Started without its own contract, it says which one is missing.
  absl::Status missing = (*host)->Start();
  CHECK(missing.code() == absl::StatusCode::kFailedPrecondition);
  CHECK(missing.message().find("qrcloud.v1.AuditService") != std::string::npos);
  CHECK((*host)->grpc_port() == 0);
}

TEST_CASE("A started host is ready, runs its workers, and stops them last-added first") {
  auto connected = Host::Connect(AuditSpec(), TestConfig());
  REQUIRE(connected.ok());
  Host& host = **connected;

  // The shared outbox table was made, recorded under its own component.
  {
    auto conn = host.mysql().Acquire();
    REQUIRE(conn.ok());
    auto recorded =
        (*conn)->QueryOne("SELECT COUNT(*) AS n FROM schema_migrations WHERE component = 'outbox'");
    REQUIRE(recorded.ok());
    CHECK(recorded->Int("n") >= 1);
    auto outbox = (*conn)->QueryOne("SELECT COUNT(*) AS n FROM outbox");
    CHECK(outbox.ok());
  }

  v1::AuditService::CallbackService audit;
  REQUIRE(host.Serve<v1::AuditService>(audit).ok());

  std::mutex mu;
  std::vector<std::string> log;
  Recorder first("first", log, mu), late("late", log, mu);
  host.AddWorker(first);
  std::atomic<int> rounds{0};
  host.AddLoop({.name = "counter", .interval = absl::Milliseconds(10)},
               [&]() -> absl::StatusOr<bool> {
                 ++rounds;
                 return false;
               });
  REQUIRE(host.Start().ok());
  const int port = host.grpc_port();
  REQUIRE(port > 0);

  CHECK(testing::WaitFor([&] { return rounds.load() >= 2; }, kDeadline));
  CHECK(testing::WaitFor(
      [&] { return Health(port, kReadinessService) == HealthCheckResponse::SERVING; }, kDeadline));
  CHECK(Health(port, "qrcloud.v1.AuditService") == HealthCheckResponse::SERVING);

  // A worker added once the host runs starts at once.
  host.AddWorker(late);
  {
    std::lock_guard lock(mu);
    CHECK(log == std::vector<std::string>{"start first", "start late"});
  }

  host.Shutdown(absl::Seconds(1));
  {
    std::lock_guard lock(mu);
    CHECK(log == std::vector<std::string>{"start first", "start late", "stop late", "stop first"});
  }
  const int after = rounds.load();
  CHECK(Health(port, "") == HealthCheckResponse::UNKNOWN);  // nobody answers any more
  absl::SleepFor(absl::Milliseconds(50));
  CHECK(rounds.load() == after);  // the loop stopped with the host
  host.Shutdown();                // a second call does nothing
}

}  // namespace
}  // namespace qrcloud::service
