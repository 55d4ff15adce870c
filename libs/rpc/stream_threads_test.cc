#include "libs/rpc/stream_threads.h"

#include <catch2/catch.hpp>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"

namespace qrcloud::rpc {
namespace {

TEST_CASE("Streams get threads of their own, at most max, and a slot frees when one ends") {
  StreamThreads threads(2);
  absl::Notification release_a, release_b;
  REQUIRE(threads.TrySpawn([&] { release_a.WaitForNotification(); }));
  REQUIRE(threads.TrySpawn([&] { release_b.WaitForNotification(); }));
  CHECK_FALSE(threads.TrySpawn([] {}));  // both running
  CHECK(threads.running() == 2);
  release_a.Notify();
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  bool spawned = false;
  while (!spawned && absl::Now() < deadline) {
    spawned = threads.TrySpawn([] {});
    if (!spawned) absl::SleepFor(absl::Milliseconds(1));
  }
  CHECK(spawned);
  release_b.Notify();  // the destructor joins what is left
}

}  // namespace
}  // namespace qrcloud::rpc
