// MariaDB and Redis go down and come back while the center and gateway keep
// running: calls answer 503 during the outage and work again afterwards,
// without restarting any service. Runs alone: it stops the shared servers.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "libs/http/client.h"
#include "tests/support/api.h"
#include "tests/support/flow.h"
#include "tests/support/stack.h"
#include "tests/support/test_env.h"
#include "tests/support/world.h"

namespace qrcloud::testing {
namespace {

void Deps(const std::string& command) {
  const std::string cmd = absl::StrCat(DepsScript(), " ", command, " ", Env().dir);
  REQUIRE(std::system(cmd.c_str()) == 0);
}

TEST_CASE("Calls answer 503 while MariaDB, then Redis, are down, and recover on their own") {
  auto stack = Stack::Start();
  INFO((stack.ok() ? "" : std::string(stack.status().message())));
  REQUIRE(stack.ok());
  Api api("127.0.0.1", (*stack)->gateway_port());
  const std::string login = absl::StrCat(UniqueName("outage"), "@example.com");
  ApiResponse created = api.Post(
      "/v1/accounts",
      absl::StrCat(R"({"kind":"MERCHANT","login":")", login, R"(","password":"correct-horse"})"));
  REQUIRE(created.status == 200);
  api.set_token(api.Post("/v1/sessions",
                         absl::StrCat(R"({"login":")", login, R"(","password":"correct-horse"})"))
                    .At("token"));
  const std::string path = "/v1/merchants/" + created.At("account.merchantId");
  REQUIRE(api.Get(path).status == 200);
  const pid_t center_pid = (*stack)->center().pid();
  const pid_t gateway_pid = (*stack)->gateway()->pid();

  SECTION("MariaDB") {
    Deps("stop-mysql");
    ApiResponse during = api.Get(path);
    CHECK(during.status == 503);
    CHECK(during.At("code") == "14");
    CHECK(api.Call("PATCH", path, R"({"description":"while down"})").status == 503);
    // Readiness says so too.
    CHECK(WaitFor([&] { return api.Get("/readyz").status == 503; }, absl::Seconds(10)));
    Deps("start-mysql");
    CHECK(WaitFor([&] { return api.Get(path).status == 200; }, absl::Seconds(30)));
    CHECK(api.Call("PATCH", path, R"({"description":"after"})").status == 200);
    CHECK(api.Get(path).At("description") == "after");
    CHECK(WaitFor([&] { return api.Get("/readyz").status == 200; }, absl::Seconds(10)));
  }
  SECTION("Redis") {
    Deps("stop-redis");
    ApiResponse during = api.Get(path);
    CHECK(during.status == 503);
    CHECK(during.At("code") == "14");
    Deps("start-redis");
    // The session was persisted by Redis and is still valid.
    CHECK(WaitFor([&] { return api.Get(path).status == 200; }, absl::Seconds(30)));
  }
  // No service was restarted.
  CHECK((*stack)->center().pid() == center_pid);
  CHECK((*stack)->center().Alive());
  CHECK((*stack)->gateway()->pid() == gateway_pid);
}

// The scan path does not wait for Redis: a scan is answered once it is in
// the gateway's scan log, which ships it when Redis is back. Every scan
// answered during the outage reaches the stream, and the rollup counts each
// once.
TEST_CASE("Scans are answered while Redis is down and counted once when it is back") {
  CodeWorld w;
  Stack& s = *w.stack;
  Flow& flow = w.flow();
  Api* api = w.merchant.get();
  const ApiResponse& code = w.code;
  const std::string& target = w.target;
  http::Client client("127.0.0.1", static_cast<uint16_t>(s.gateway_port()));
  const http::HeaderList phone = {{"user-agent", "Mozilla/5.0 (iPhone) Mobile"}};
  auto before = client.Send("GET", target, phone);  // resolves the slug while Redis is up
  REQUIRE(before.ok());
  REQUIRE(before->status == 302);

  Deps("stop-redis");
  std::set<std::string> answered = {std::string(before->Header("x-scan-id"))};
  for (int i = 0; i < 50; ++i) {
    auto r = client.Send("GET", target, phone);
    REQUIRE(r.ok());
    CHECK(r->status == 302);
    answered.insert(std::string(r->Header("x-scan-id")));
  }
  REQUIRE(answered.size() == 51);
  Deps("start-redis");

  std::map<std::string, int> in_stream;
  CHECK(WaitFor(
      [&] {
        in_stream = flow.ScansInStream();
        return std::all_of(answered.begin(), answered.end(),
                           [&](const std::string& id) { return in_stream.count(id) > 0; });
      },
      absl::Seconds(30)));
  // The scans made while Redis was down reached it once (the one before may
  // have been in flight as Redis stopped, and replayed: the rollup counts
  // such a batch once, below).
  const std::string before_id(before->Header("x-scan-id"));
  for (const std::string& id : answered) {
    if (id != before_id) CHECK(in_stream[id] == 1);
  }
  CHECK(
      WaitFor([&] { return api->Get("/v1/codes/" + code.At("id") + "/stats").At("scans") == "51"; },
              absl::Seconds(30)));
}

}  // namespace
}  // namespace qrcloud::testing
