// A thread that does one kind of work over and over: relaying the outbox,
// delivering decisions, reconciling stock gates, reading a stream, checking
// readiness. One loop for all of them, so each says only what a round does.
//
//   BackgroundLoop relay({.name = "outbox relay", .interval = absl::Milliseconds(200)},
//                        [&]() -> absl::StatusOr<bool> {
//                          QRCLOUD_ASSIGN_OR_RETURN(int n, outbox.PublishPending());
//                          return n > 0;  // there may be more: go again at once
//                        });
//   relay.Start();
//   ... relay.Nudge();  // after a commit that appended events
//   relay.Stop();
//
// Rounds run after `first_wait`, then `interval` after a round that returned
// false, at once after one that returned true, and at once when nudged. A
// failed round is logged and followed by a pause that doubles from
// `first_backoff` to `max_backoff`; a good round resets it. A round is never
// interrupted: Stop() waits for the one under way, then joins the thread.
#ifndef QRCLOUD_LIBS_CORE_BACKGROUND_LOOP_H_
#define QRCLOUD_LIBS_CORE_BACKGROUND_LOOP_H_

#include <functional>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace qrcloud::core {

struct LoopOptions {
  std::string name;  // for the log, e.g. "outbox relay"
  absl::Duration interval = absl::Seconds(1);
  absl::Duration first_wait = absl::ZeroDuration();
  absl::Duration first_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(5);
  // After a nudge, wait this long before the round, so that the nudges of a
  // burst (one per commit, say) share one round.
  absl::Duration nudge_linger = absl::ZeroDuration();
};

class BackgroundLoop {
 public:
  // OK(true): there may be more work, run again at once; OK(false): wait.
  using Round = std::function<absl::StatusOr<bool>()>;

  BackgroundLoop(LoopOptions options, Round round)
      : options_(std::move(options)), round_(std::move(round)) {}
  ~BackgroundLoop() { Stop(); }
  BackgroundLoop(const BackgroundLoop&) = delete;
  BackgroundLoop& operator=(const BackgroundLoop&) = delete;

  // Starts the thread; at most once.
  void Start();
  // Returns once the thread has ended. Safe to call twice, or without Start().
  void Stop();
  // Runs a round as soon as the one under way (if any) ends.
  void Nudge();

 private:
  void Run();
  // Waits up to `d` for a nudge or a stop; false once stopping.
  bool Wait(absl::Duration d);

  const LoopOptions options_;
  const Round round_;
  absl::Mutex mu_;
  bool nudged_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace qrcloud::core

#endif  // QRCLOUD_LIBS_CORE_BACKGROUND_LOOP_H_
