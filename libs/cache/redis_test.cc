#include "libs/cache/redis.h"

#include <catch2/catch.hpp>

#include <thread>

#include "tests/support/test_env.h"

namespace qrcloud::cache {
namespace {

std::unique_ptr<RedisPool> NewPool() {
  auto pool = RedisPool::Create(testing::Env().redis);
  REQUIRE(pool.ok());
  return *std::move(pool);
}

TEST_CASE("Commands and pipelines round-trip binary-safe values") {
  auto pool = NewPool();
  const std::string key = testing::UniqueName("k");
  const std::string value("a\0b\r\n值", 9);
  REQUIRE(pool->Command({"SET", key, value}).ok());
  auto got = pool->Command({"GET", key});
  REQUIRE(got.ok());
  CHECK(got->str() == value);
  CHECK(pool->Command({"GET", key + "missing"})->is_nil());

  auto replies = pool->Pipeline({{"INCR", key + "n"}, {"INCR", key + "n"}, {"GET", key + "n"}});
  REQUIRE(replies.ok());
  REQUIRE(replies->size() == 3);
  CHECK((*replies)[1].integer() == 2);
  CHECK((*replies)[2].str() == "2");
}

TEST_CASE("An error reply is INTERNAL with Redis' message, and the connection stays usable") {
  auto pool = NewPool();
  auto bad = pool->Command({"NOSUCHCOMMAND"});
  CHECK(bad.status().code() == absl::StatusCode::kInternal);
  CHECK(bad.status().message().find("unknown command") != std::string::npos);
  CHECK(pool->Ping().ok());
  // An error in the middle of a pipeline does not desynchronise later replies.
  const std::string key = testing::UniqueName("p");
  CHECK_FALSE(pool->Pipeline({{"SET", key, "1"}, {"NOSUCH"}, {"SET", key, "2"}}).ok());
  CHECK(pool->Command({"GET", key})->str() == "2");
}

TEST_CASE("Scripts run by SHA and survive SCRIPT FLUSH") {
  auto pool = NewPool();
  Script add("return redis.call('INCRBY', KEYS[1], ARGV[1])");
  const std::string key = testing::UniqueName("s");
  CHECK(pool->Eval(add, {key}, {"5"})->integer() == 5);
  REQUIRE(pool->Command({"SCRIPT", "FLUSH"}).ok());
  CHECK(pool->Eval(add, {key}, {"3"})->integer() == 8);
}

TEST_CASE("Streams: append, read in a group, claim from a dead consumer, acknowledge") {
  auto pool = NewPool();
  const std::string stream = testing::UniqueName("events");
  REQUIRE(pool->EnsureGroup(stream, "workers").ok());
  REQUIRE(pool->EnsureGroup(stream, "workers").ok());  // idempotent
  auto id1 = pool->XAdd(stream, {{"kind", "scan"}, {"code", "c1"}});
  auto id2 = pool->XAdd(stream, {{"kind", "scan"}, {"code", "c2"}});
  REQUIRE(id1.ok());
  REQUIRE(id2.ok());

  auto got = pool->ReadGroup(stream, "workers", "a", 10, absl::ZeroDuration());
  REQUIRE(got.ok());
  REQUIRE(got->size() == 2);
  CHECK((*got)[0].id == *id1);
  CHECK((*got)[1].Field("code") == "c2");

  // Consumer "a" died without acknowledging: "b" claims its entries.
  auto claimed = pool->ClaimStale(stream, "workers", "b", absl::ZeroDuration(), 10);
  REQUIRE(claimed.ok());
  CHECK(claimed->size() == 2);
  REQUIRE(pool->Ack(stream, "workers", {*id1, *id2}).ok());
  auto none = pool->ClaimStale(stream, "workers", "b", absl::ZeroDuration(), 10);
  REQUIRE(none.ok());
  CHECK(none->empty());

  // A blocking read wakes up when an entry arrives.
  std::thread producer([&] {
    absl::SleepFor(absl::Milliseconds(100));
    (void)pool->XAdd(stream, {{"kind", "late"}});
  });
  auto late = pool->ReadGroup(stream, "workers", "a", 10, absl::Seconds(5));
  producer.join();
  REQUIRE(late.ok());
  REQUIRE(late->size() == 1);
  CHECK((*late)[0].Field("kind") == "late");
}

TEST_CASE("A pool for an unreachable server fails with UNAVAILABLE") {
  RedisOptions o = testing::Env().redis;
  o.port = 1;
  auto pool = RedisPool::Create(o);
  CHECK(pool.status().code() == absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace qrcloud::cache
