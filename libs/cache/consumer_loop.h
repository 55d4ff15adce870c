// The loop every stream consumer runs on its own thread: a round at once
// after a good one, a growing pause (100 ms, doubling to 5 s) after a
// failed one, until stopped.
#ifndef QRCLOUD_LIBS_CACHE_CONSUMER_LOOP_H_
#define QRCLOUD_LIBS_CACHE_CONSUMER_LOOP_H_

#include <functional>
#include <thread>

#include "absl/status/status.h"
#include "absl/synchronization/notification.h"

namespace qrcloud::cache {

// Starts the thread. `round` reads and handles one batch (blocking up to
// its own timeout); `on_error` runs on the thread after a failed round,
// before the pause (to log, and drop a connection so the next round makes
// a new one). The thread ends soon after `stop` is notified; join it.
std::thread StartConsumerLoop(absl::Notification& stop, std::function<absl::Status()> round,
                              std::function<void(const absl::Status&)> on_error);

}  // namespace qrcloud::cache

#endif  // QRCLOUD_LIBS_CACHE_CONSUMER_LOOP_H_
