#include "libs/auth/password.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include "libs/core/status.h"

namespace qrcloud::auth {
namespace {

TEST_CASE("Passwords hash with argon2id and verify only the right password") {
  auto hash = HashPassword("correct horse battery");
  REQUIRE(hash.ok());
  CHECK(hash->rfind("$argon2id$", 0) == 0);
  CHECK(hash->find("correct") == std::string::npos);
  CHECK(*VerifyPassword(*hash, "correct horse battery"));
  CHECK_FALSE(*VerifyPassword(*hash, "correct horse batter"));
  CHECK_FALSE(*VerifyPassword("not a hash", "x"));
  // Salted: the same password hashes differently each time.
  CHECK(*HashPassword("correct horse battery") != *hash);
}

TEST_CASE("No more hashes run at once than the memory budget allows, however many ask") {
  SetHashingMemoryBudget(2 * kHashMemoryBytes + kHashMemoryBytes / 2);
  REQUIRE(HashingSlots() == 2);
  auto hash = HashPassword("correct horse battery");
  REQUIRE(hash.ok());
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      auto v = VerifyPassword(*hash, "not the password");
      if (v.ok() && !*v) ++wrong;
    });
  }
  for (auto& t : threads) t.join();
  CHECK(wrong == 8);  // every one answered, none refused: they waited their turn
  CHECK(HashingPeak() <= 2);
  CHECK(HashingPeak() >= 1);
  SetHashingMemoryBudget(kDefaultHashingBudgetBytes);
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

TEST_CASE("New passwords that are easily guessed are refused, saying why") {
  auto why = [](absl::string_view password, absl::string_view login = "li.wei@example.com") {
    absl::Status s = ValidateNewPassword(password, login);
    if (s.ok()) return std::string("ok");
    CHECK(core::FieldViolations(s).at(0).field == "password");
    return std::string(s.message());
  };
  CHECK(why("12345678").find("simple run") != std::string::npos);
  CHECK(why("87654321").find("simple run") != std::string::npos);
  CHECK(why("password").find("most common passwords") != std::string::npos);
  CHECK(why("PassWord1!").find("most common passwords") != std::string::npos);
  CHECK(why("sunshine2024").find("most common passwords") != std::string::npos);
  CHECK(why("elephant").find("dictionary word") != std::string::npos);
  CHECK(why("        ").find("only spaces") != std::string::npos);
  CHECK(why("aaaaaaaaaa").find("one character repeated") != std::string::npos);
  CHECK(why("li.wei@example.com").find("contains the login") != std::string::npos);
  CHECK(why("li.wei-2024").find("contains the login") != std::string::npos);
  CHECK(why("short").find("8 to 128") != std::string::npos);
  // What people are told to choose is welcome.
  CHECK(why("correct-horse") == "ok");
  CHECK(why("lantern quietly orbit") == "ok");
  CHECK(why("青花瓷的杯子和茶") == "ok");
  CHECK(CommonPasswordsText().find("\nqwerty\n") != std::string_view::npos);
}

}  // namespace
}  // namespace qrcloud::auth
