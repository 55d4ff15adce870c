#include "libs/cache/stream_consumer.h"

#include <catch2/catch.hpp>

#include "absl/synchronization/mutex.h"
#include "tests/support/test_env.h"

namespace qrcloud::cache {
namespace {

TEST_CASE("A consumer acknowledges what its handler finished, and the rest comes back") {
  auto pool = *RedisPool::Create(testing::Env().redis);
  const std::string stream = testing::UniqueName("consumed");
  for (int i = 0; i < 5; ++i) REQUIRE(pool->XAdd(stream, {{"n", std::to_string(i)}}).ok());

  std::vector<std::string> seen;
  bool fail_after_two = true;
  StreamConsumer consumer(testing::Env().redis,
                          {.stream = stream,
                           .group = "g",
                           .consumer = "c1",
                           .block = absl::ZeroDuration(),
                           .reclaim_after = absl::ZeroDuration()},
                          [&](const std::vector<StreamEntry>& batch, RedisPool&) {
                            for (const auto& e : batch) seen.push_back(e.Field("n"));
                            if (fail_after_two) {
                              fail_after_two = false;
                              return Handled{2, absl::UnavailableError("database down")};
                            }
                            return Handled{batch.size(), absl::OkStatus()};
                          });
  // The group is created on first use and reads from the start of the stream.
  REQUIRE(pool->EnsureGroup(stream, "g").ok());
  auto first = consumer.RunOnce();
  CHECK(first.status().code() == absl::StatusCode::kUnavailable);
  CHECK(seen == std::vector<std::string>{"0", "1", "2", "3", "4"});

  // The three it did not finish are pending, and are claimed again first.
  seen.clear();
  auto second = consumer.RunOnce();
  REQUIRE(second.ok());
  CHECK(*second == 3);
  CHECK(seen == std::vector<std::string>{"2", "3", "4"});
  auto pending = pool->Command({"XPENDING", stream, "g"});
  REQUIRE(pending.ok());
  CHECK((*pending)[0].integer() == 0);

  // Nothing left: a read finds nothing and handles nothing.
  seen.clear();
  CHECK(consumer.RunOnce().value() == 0);
  CHECK(seen.empty());
}

TEST_CASE("A started consumer handles entries as they arrive until stopped") {
  auto pool = *RedisPool::Create(testing::Env().redis);
  const std::string stream = testing::UniqueName("live");
  absl::Mutex mu;
  int handled = 0;
  StreamConsumer consumer(
      testing::Env().redis,
      {.stream = stream, .group = "g", .consumer = ConsumerName(), .block = absl::Milliseconds(50)},
      [&](const std::vector<StreamEntry>& batch, RedisPool&) {
        absl::MutexLock lock(&mu);
        handled += static_cast<int>(batch.size());
        return Handled{batch.size(), absl::OkStatus()};
      });
  consumer.Start();
  for (int i = 0; i < 3; ++i) REQUIRE(pool->XAdd(stream, {{"n", std::to_string(i)}}).ok());
  {
    absl::MutexLock lock(&mu);
    auto three = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) { return handled == 3; };
    CHECK(mu.AwaitWithTimeout(absl::Condition(&three), absl::Seconds(10)));
  }
  consumer.Stop();
}

}  // namespace
}  // namespace qrcloud::cache
