#include "libs/core/config.h"

#include <catch2/catch.hpp>

#include <cstdlib>

#include "absl/flags/flag.h"

ABSL_FLAG(int, config_test_port, 1234, "a test flag");
ABSL_FLAG(std::string, config_test_name, "default", "a test flag");

namespace qrcloud::core {
namespace {

TEST_CASE("QRCLOUD_<FLAG> environment variables set flags") {
  setenv("QRCLOUD_CONFIG_TEST_PORT", "8080", 1);
  setenv("QRCLOUD_CONFIG_TEST_NAME", "from-env", 1);
  REQUIRE(ApplyEnvironment().ok());
  CHECK(absl::GetFlag(FLAGS_config_test_port) == 8080);
  CHECK(absl::GetFlag(FLAGS_config_test_name) == "from-env");

  setenv("QRCLOUD_CONFIG_TEST_PORT", "not-a-number", 1);
  absl::Status s = ApplyEnvironment();
  CHECK(s.code() == absl::StatusCode::kInvalidArgument);
  CHECK(s.message().find("QRCLOUD_CONFIG_TEST_PORT") != absl::string_view::npos);
  unsetenv("QRCLOUD_CONFIG_TEST_PORT");
  unsetenv("QRCLOUD_CONFIG_TEST_NAME");
}

}  // namespace
}  // namespace qrcloud::core
