// Registration, sign-in and API keys on memory stores.
#include "services/center/auth_logic.h"

#include <catch2/catch.hpp>

#include "libs/core/status.h"
#include "services/center/testing/center_world.h"

namespace qrcloud::center {
namespace {

using testing::Caller;
using testing::CenterWorld;

absl::StatusOr<v1::CreateAccountResponse> Register(CenterWorld& w, v1::Account::Kind kind,
                                                   const std::string& login,
                                                   const std::string& password) {
  v1::CreateAccountRequest req;
  req.set_kind(kind);
  req.set_login(login);
  req.set_password(password);
  v1::CreateAccountResponse resp;
  absl::Status s = w.auth.CreateAccount(CenterWorld::Anonymous().call(), req, resp);
  if (!s.ok()) return s;
  return resp;
}

absl::StatusOr<v1::CreateSessionResponse> SignIn(CenterWorld& w, const std::string& login,
                                                 const std::string& password) {
  v1::CreateSessionRequest req;
  req.set_login(login);
  req.set_password(password);
  v1::CreateSessionResponse resp;
  absl::Status s = w.auth.CreateSession(CenterWorld::Anonymous().call(), req, resp);
  if (!s.ok()) return s;
  return resp;
}

TEST_CASE("A merchant account is registered with its merchant, in one unit") {
  CenterWorld w;
  auto made = Register(w, v1::Account::MERCHANT, " Shop@Example.com ", "correct-horse");
  REQUIRE(made.ok());
  CHECK(made->account().login() == "shop@example.com");
  auto merchant = w.merchants.Get(made->account().merchant_id());
  REQUIRE(merchant.ok());
  CHECK(merchant->owner_account_id() == made->account().id());
  CHECK(merchant->cloud_business_enabled());
  CHECK(merchant->qualification().state() == v1::Qualification::NONE);

  // The login is taken: refused, and no second merchant is left behind.
  auto again = Register(w, v1::Account::MERCHANT, "shop@example.com", "correct-horse");
  CHECK(again.status().code() == absl::StatusCode::kAlreadyExists);
  CHECK(w.merchants.List("", "", 10)->size() == 1);
  // Staff accounts are not for sign-up; bad input names its field.
  CHECK(core::FieldViolations(
            Register(w, v1::Account::STAFF, "s@example.com", "long enough").status())[0]
            .field == "kind");
  CHECK(core::FieldViolations(
            Register(w, v1::Account::PERSON, "not a login", "long enough").status())[0]
            .field == "login");
  CHECK(
      core::FieldViolations(Register(w, v1::Account::PERSON, "p@example.com", "short").status())[0]
          .field == "password");
}

TEST_CASE("Registration refuses look-alike logins and easily guessed passwords") {
  CenterWorld w;
  auto cyrillic = Register(w, v1::Account::MERCHANT,
                           "\xd0\xb0"
                           "dmin@qrcloud.local",
                           "correct-horse");
  CHECK(core::FieldViolations(cyrillic.status()).at(0).field == "login");
  CHECK(cyrillic.status().message().find("look-alike") != std::string::npos);
  for (const char* weak : {"12345678", "password", "        "}) {
    INFO(weak);
    CHECK(core::FieldViolations(Register(w, v1::Account::PERSON, "p@example.com", weak).status())
              .at(0)
              .field == "password");
  }
  CHECK_FALSE(
      Register(w, v1::Account::PERSON, "wanghong@example.com", "wanghong@example.com").ok());
  CHECK(Register(w, v1::Account::PERSON, "p@example.com", "correct-horse").ok());
}

TEST_CASE("Sign-in: a wrong password and an unknown login read the same, and are counted") {
  CenterWorld w;
  REQUIRE(Register(w, v1::Account::PERSON, "p@example.com", "correct-horse").ok());
  auto wrong = SignIn(w, "p@example.com", "wrong-horse");
  auto unknown = SignIn(w, "nobody@example.com", "correct-horse");
  CHECK(wrong.status().code() == absl::StatusCode::kUnauthenticated);
  CHECK(wrong.status().message() == unknown.status().message());
  CHECK(w.sessions.attempts["p@example.com"] == 1);
  CHECK(w.sessions.attempts["nobody@example.com"] == 1);
  CHECK(w.sessions.last_address == "127.0.0.1");
  auto ok = SignIn(w, "P@example.com", "correct-horse");
  REQUIRE(ok.ok());
  CHECK(ok->token().rfind("qrs_", 0) == 0);
  CHECK(w.sessions.attempts["p@example.com"] == 1);  // the right password took its count back
  // While the throttle says wait, the password is not even checked, and the
  // caller is told when to come back.
  w.sessions.waiting.insert("p@example.com");
  auto waiting = SignIn(w, "p@example.com", "correct-horse");
  CHECK(waiting.status().code() == absl::StatusCode::kResourceExhausted);
  CHECK(core::RetryDelay(waiting.status()) == absl::Seconds(4));
}

TEST_CASE("Sign-in refuses logins and passwords no account could have, before counting them") {
  CenterWorld w;
  auto huge = SignIn(w, std::string(3'000'000, 'a') + "@example.com", "correct-horse");
  CHECK(core::FieldViolations(huge.status()).at(0).field == "login");
  CHECK(core::FieldViolations(SignIn(w, "not a login", "correct-horse").status()).at(0).field ==
        "login");
  auto long_password = SignIn(w, "p@example.com", std::string(100'000, 'x'));
  CHECK(core::FieldViolations(long_password.status()).at(0).field == "password");
  CHECK(w.sessions.attempts.empty());
}

TEST_CASE("An API key is shown once, listed by prefix, and forgotten at once when revoked") {
  CenterWorld w;
  Caller m = w.Merchant();
  v1::CreateApiKeyRequest req;
  req.set_name("counter PC");
  v1::CreateApiKeyResponse made;
  REQUIRE(w.auth.CreateApiKey(m.call(), req, made).ok());
  CHECK(made.secret().rfind("qrk_", 0) == 0);
  v1::ListApiKeysResponse list;
  REQUIRE(w.auth.ListApiKeys(m.call(), {}, list).ok());
  REQUIRE(list.api_keys_size() == 1);
  CHECK(list.api_keys(0).prefix() == made.api_key().prefix());
  CHECK(made.secret().find(list.api_keys(0).prefix()) == 0);

  // Another account cannot revoke it.
  v1::DeleteApiKeyRequest del;
  del.set_id(made.api_key().id());
  v1::DeleteApiKeyResponse done;
  CHECK(w.auth.DeleteApiKey(w.Merchant().call(), del, done).code() == absl::StatusCode::kNotFound);
  REQUIRE(w.auth.DeleteApiKey(m.call(), del, done).ok());
  CHECK(w.sessions.forgotten_keys.size() == 1);
  v1::ListApiKeysResponse after;
  REQUIRE(w.auth.ListApiKeys(m.call(), {}, after).ok());
  CHECK(after.api_keys().empty());
}

TEST_CASE("A service account keeps a working key and gets a new one for a dead key") {
  CenterWorld w;
  auto key = w.auth.EnsureServiceAccount("svc-audit@qrcloud.local", "auditor", "");
  REQUIRE(key.ok());
  auto same = w.auth.EnsureServiceAccount("svc-audit@qrcloud.local", "auditor", *key);
  REQUIRE(same.ok());
  CHECK(*same == *key);
  auto fresh = w.auth.EnsureServiceAccount("svc-audit@qrcloud.local", "auditor", "qrk_dead");
  REQUIRE(fresh.ok());
  CHECK(*fresh != *key);
  CHECK(w.auth.EnsureServiceAccount("svc@qrcloud.local", "", "").status().code() ==
        absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace qrcloud::center
