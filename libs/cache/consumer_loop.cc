#include "libs/cache/consumer_loop.h"

#include <algorithm>
#include <utility>

#include "absl/time/time.h"

namespace qrcloud::cache {

std::thread StartConsumerLoop(absl::Notification& stop, std::function<absl::Status()> round,
                              std::function<void(const absl::Status&)> on_error) {
  return std::thread([&stop, round = std::move(round), on_error = std::move(on_error)] {
    constexpr absl::Duration kFirstPause = absl::Milliseconds(100);
    absl::Duration pause = kFirstPause;
    while (!stop.HasBeenNotified()) {
      const absl::Status s = round();
      if (s.ok()) {
        pause = kFirstPause;
        continue;
      }
      on_error(s);
      if (stop.WaitForNotificationWithTimeout(pause)) return;
      pause = std::min(pause * 2, absl::Seconds(5));
    }
  });
}

}  // namespace qrcloud::cache
