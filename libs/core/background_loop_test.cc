#include "libs/core/background_loop.h"

#include <atomic>

#include <catch2/catch.hpp>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"

namespace qrcloud::core {
namespace {

// Waits on a condition with a deadline (never sleeps and hopes).
template <typename F>
bool Eventually(F f, absl::Duration deadline = absl::Seconds(5)) {
  const absl::Time end = absl::Now() + deadline;
  while (!f()) {
    if (absl::Now() > end) return false;
    absl::SleepFor(absl::Milliseconds(1));
  }
  return true;
}

TEST_CASE("A loop runs at start, then waits its interval unless nudged") {
  std::atomic<int> rounds{0};
  BackgroundLoop loop({.name = "test", .interval = absl::Hours(1)}, [&]() -> absl::StatusOr<bool> {
    ++rounds;
    return false;
  });
  loop.Start();
  REQUIRE(Eventually([&] { return rounds.load() == 1; }));
  loop.Nudge();
  REQUIRE(Eventually([&] { return rounds.load() == 2; }));
  loop.Stop();  // returns although the interval is an hour
  CHECK(rounds.load() == 2);
}

TEST_CASE("With a nudge linger, a burst of nudges shares one round") {
  std::atomic<int> rounds{0};
  BackgroundLoop loop(
      {.name = "test", .interval = absl::Hours(1), .nudge_linger = absl::Milliseconds(200)},
      [&]() -> absl::StatusOr<bool> {
        ++rounds;
        return false;
      });
  loop.Start();
  REQUIRE(Eventually([&] { return rounds.load() == 1; }));
  for (int i = 0; i < 50; ++i) loop.Nudge();  // all within the linger
  REQUIRE(Eventually([&] { return rounds.load() == 2; }));
  loop.Stop();
  CHECK(rounds.load() == 2);
}

TEST_CASE("A round that reports more work runs again at once") {
  std::atomic<int> rounds{0};
  BackgroundLoop loop({.name = "test", .interval = absl::Hours(1)},
                      [&]() -> absl::StatusOr<bool> { return ++rounds < 10; });
  loop.Start();
  CHECK(Eventually([&] { return rounds.load() == 10; }));
  loop.Stop();
  CHECK(rounds.load() == 10);
}

TEST_CASE("A failed round backs off and a good one carries on") {
  std::atomic<int> rounds{0};
  BackgroundLoop loop({.name = "test",
                       .interval = absl::Hours(1),
                       .first_backoff = absl::Milliseconds(1),
                       .max_backoff = absl::Milliseconds(4)},
                      [&]() -> absl::StatusOr<bool> {
                        if (++rounds < 5) return absl::UnavailableError("down");
                        return false;
                      });
  loop.Start();
  CHECK(Eventually([&] { return rounds.load() == 5; }));
  loop.Stop();
}

TEST_CASE("Stop waits for the round under way and is safe twice or before Start") {
  absl::Notification entered, release;
  std::atomic<bool> finished{false};
  BackgroundLoop loop({.name = "test"}, [&]() -> absl::StatusOr<bool> {
    entered.Notify();
    release.WaitForNotification();
    finished = true;
    return false;
  });
  BackgroundLoop never_started({.name = "idle"}, [] { return absl::StatusOr<bool>(false); });
  never_started.Stop();
  loop.Start();
  entered.WaitForNotification();
  std::thread stopper([&] { loop.Stop(); });
  release.Notify();
  stopper.join();
  CHECK(finished.load());
  loop.Stop();
}

}  // namespace
}  // namespace qrcloud::core
