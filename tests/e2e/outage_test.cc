// MariaDB and Redis go down and come back while the center and gateway keep
// running: calls answer 503 during the outage and work again afterwards,
// without restarting any service. Runs alone: it stops the shared servers.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "tests/support/api.h"
#include "tests/support/stack.h"
#include "tests/support/test_env.h"

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

}  // namespace
}  // namespace qrcloud::testing
