#include "libs/rpc/worker_pool.h"

#include <catch2/catch.hpp>

#include <atomic>

#include "absl/synchronization/notification.h"
#include "tests/support/test_env.h"

namespace qrcloud::rpc {
namespace {

TEST_CASE("The worker pool runs every accepted task and refuses beyond its queue") {
  std::atomic<int> ran{0};
  absl::Notification release;
  {
    WorkerPool pool(2, 3);
    // Two tasks occupy both workers until released...
    for (int i = 0; i < 2; ++i) {
      REQUIRE(pool.TrySubmit([&] {
        release.WaitForNotification();
        ran.fetch_add(1);
      }));
    }
    // ...so the queue fills: three more wait, the fourth is refused.
    REQUIRE(testing::WaitFor([&] { return pool.queued() == 0; }, absl::Seconds(5)));
    for (int i = 0; i < 3; ++i) REQUIRE(pool.TrySubmit([&] { ran.fetch_add(1); }));
    CHECK_FALSE(pool.TrySubmit([&] { ran.fetch_add(1); }));
    release.Notify();
  }  // the destructor drains the queue
  CHECK(ran.load() == 5);
}

}  // namespace
}  // namespace qrcloud::rpc
