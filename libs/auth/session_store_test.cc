#include "libs/auth/session_store.h"

#include <catch2/catch.hpp>

#include "libs/auth/authenticator.h"
#include "tests/support/test_env.h"

namespace qrcloud::auth {
namespace {

struct Fixture {
  std::unique_ptr<cache::RedisPool> redis = *cache::RedisPool::Create(testing::Env().redis);
  core::FakeClock clock;
  SessionStore sessions{*redis, clock, absl::Seconds(2)};

  Principal Someone() {
    Principal p;
    p.account_id = testing::UniqueName("acct");
    p.kind = "PERSON";
    p.Grant(Role::kPerson);
    return p;
  }
};

TEST_CASE("A session token signs in until it is revoked") {
  Fixture f;
  Principal p = f.Someone();
  auto s = f.sessions.Create(p);
  REQUIRE(s.ok());
  CHECK(s->token.rfind("qrs_", 0) == 0);
  CHECK(s->token.size() == 4 + 43);  // 256 bits, base64url
  CHECK(s->expire_time == f.clock.Now() + absl::Seconds(2));

  auto who = f.sessions.Lookup(s->token);
  REQUIRE(who.ok());
  CHECK(who->account_id == p.account_id);
  CHECK(who->credential == "session");

  // Redis holds the hash, never the token.
  auto raw = f.redis->Command({"GET", "qrcloud:sess:" + s->token});
  CHECK(raw->is_nil());
  CHECK_FALSE(
      f.redis->Command({"GET", "qrcloud:sess:" + SessionStore::TokenHash(s->token)})->is_nil());

  REQUIRE(f.sessions.Revoke(s->token).ok());
  CHECK(f.sessions.Lookup(s->token).status().code() == absl::StatusCode::kUnauthenticated);
}

TEST_CASE("A session expires after its time to live") {
  Fixture f;
  auto s = f.sessions.Create(f.Someone());
  REQUIRE(s.ok());
  CHECK(f.redis->Command({"PTTL", "qrcloud:sess:" + SessionStore::TokenHash(s->token)})->integer() >
        0);
  CHECK(testing::WaitFor([&] { return !f.sessions.Lookup(s->token).ok(); }, absl::Seconds(5)));
  CHECK(f.sessions.Lookup(s->token).status().code() == absl::StatusCode::kUnauthenticated);
}

TEST_CASE("RevokeAll signs an account out everywhere") {
  Fixture f;
  Principal p = f.Someone();
  auto a = f.sessions.Create(p);
  auto b = f.sessions.Create(p);
  REQUIRE(f.sessions.RevokeAll(p.account_id).ok());
  CHECK_FALSE(f.sessions.Lookup(a->token).ok());
  CHECK_FALSE(f.sessions.Lookup(b->token).ok());
}

class MapResolver : public ApiKeyResolver {
 public:
  absl::StatusOr<Principal> ResolveApiKey(absl::string_view hash) override {
    ++calls;
    auto it = keys.find(std::string(hash));
    if (it == keys.end()) return absl::NotFoundError("no key");
    return it->second;
  }
  std::map<std::string, Principal> keys;
  int calls = 0;
};

TEST_CASE("The authenticator accepts session tokens and API keys and explains refusals") {
  Fixture f;
  MapResolver resolver;
  Authenticator auth(f.sessions, *f.redis, &resolver);

  Principal p = f.Someone();
  auto s = f.sessions.Create(p);
  CHECK(auth.Authenticate("Bearer " + s->token)->account_id == p.account_id);
  CHECK(auth.Authenticate("bearer   " + s->token + "  ").ok());

  NewApiKey key = GenerateApiKey();
  CHECK(key.secret.rfind("qrk_", 0) == 0);
  Principal node = f.Someone();
  node.Grant(Role::kLandingNode);
  resolver.keys[key.hash] = node;
  auto via_key = auth.Authenticate("Bearer " + key.secret);
  REQUIRE(via_key.ok());
  CHECK(via_key->Has(Role::kLandingNode));
  CHECK(via_key->credential == "api_key");
  CHECK(auth.Authenticate("Bearer " + key.secret).ok());
  CHECK(resolver.calls == 1);  // the second came from the Redis cache

  // Revoked: gone from the store and forgotten by the cache.
  resolver.keys.clear();
  REQUIRE(auth.ForgetApiKey(key.hash).ok());
  CHECK(auth.Authenticate("Bearer " + key.secret).status().code() ==
        absl::StatusCode::kUnauthenticated);

  CHECK(auth.Authenticate("").status().message().find("Authorization: Bearer") !=
        std::string::npos);
  CHECK(auth.Authenticate("Basic abc").status().code() == absl::StatusCode::kUnauthenticated);
  CHECK(auth.Authenticate("Bearer nonsense").status().code() == absl::StatusCode::kUnauthenticated);
  CHECK(auth.Authenticate("Bearer qrs_forged").status().code() ==
        absl::StatusCode::kUnauthenticated);
}

}  // namespace
}  // namespace qrcloud::auth
