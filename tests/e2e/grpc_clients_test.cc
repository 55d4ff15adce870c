// Independent clients of the real services: grpc-js from npm (not qrcloud's
// own stubs) checks health and reflection on a running center.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "tests/support/stack.h"
#include "tests/support/test_env.h"

namespace qrcloud::testing {
namespace {

TEST_CASE("grpc-js gets SERVING from health and lists qrcloud services by reflection") {
  auto stack = Stack::Start({.gateway = false});
  INFO((stack.ok() ? "" : std::string(stack.status().message())));
  REQUIRE(stack.ok());
  const std::string log = absl::StrCat(Env().dir, "/", UniqueName("grpc-js"), ".log");
  const std::string cmd =
      absl::StrCat("node ", QRCLOUD_SOURCE_DIR, "/tests/grpc/health_reflection_test.js ",
                   (*stack)->center_address(),
                   " qrcloud.v1.AuthService qrcloud.v1.MerchantService > ", log, " 2>&1");
  // The readiness checks run right after start; give them their first round.
  REQUIRE(WaitFor([&] { return std::system(cmd.c_str()) == 0; }, absl::Seconds(20),
                  absl::Milliseconds(500)));
  INFO(Tail(log));
  CHECK(Tail(log).find("0 failed") != std::string::npos);
}

}  // namespace
}  // namespace qrcloud::testing
