#include "libs/auth/password.h"

#include <catch2/catch.hpp>

#include "libs/core/status.h"

namespace qrcloud::auth {
namespace {

TEST_CASE("Passwords hash with argon2id and verify only the right password") {
  auto hash = HashPassword("correct horse battery");
  REQUIRE(hash.ok());
  CHECK(hash->rfind("$argon2id$", 0) == 0);
  CHECK(hash->find("correct") == std::string::npos);
  CHECK(VerifyPassword(*hash, "correct horse battery"));
  CHECK_FALSE(VerifyPassword(*hash, "correct horse batter"));
  CHECK_FALSE(VerifyPassword("not a hash", "x"));
  // Salted: the same password hashes differently each time.
  CHECK(*HashPassword("correct horse battery") != *hash);
}

TEST_CASE("Password length is 8 to 128 characters, counted as characters not bytes") {
  CHECK(ValidatePassword("12345678").ok());
  absl::Status short_pw = ValidatePassword("1234567");
  CHECK(short_pw.code() == absl::StatusCode::kInvalidArgument);
  CHECK(core::FieldViolations(short_pw).at(0).field == "password");
  CHECK(short_pw.message().find("8 to 128") != std::string::npos);
  CHECK_FALSE(ValidatePassword("密码太短了吧").ok());  // 6 characters, 18 bytes
  CHECK(ValidatePassword("密码足够长了对吧").ok());    // 8 characters
  CHECK_FALSE(ValidatePassword(std::string(129, 'a')).ok());
}

}  // namespace
}  // namespace qrcloud::auth
