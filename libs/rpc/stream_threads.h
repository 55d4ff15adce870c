// Threads for server streams, one each, so that a long stream (a watch of
// new orders or reminders) never holds one of the workers unary calls need.
// At most `max` at once: beyond that a stream is refused (the caller answers
// RESOURCE_EXHAUSTED), so memory and threads stay bounded. Every thread is
// joined before the pool goes (after the server has stopped, its streams
// are cancelled and end).
#ifndef QRCLOUD_LIBS_RPC_STREAM_THREADS_H_
#define QRCLOUD_LIBS_RPC_STREAM_THREADS_H_

#include <atomic>
#include <functional>
#include <list>
#include <memory>
#include <thread>

#include "absl/synchronization/mutex.h"

namespace qrcloud::rpc {

class StreamThreads {
 public:
  explicit StreamThreads(int max) : max_(max) {}
  ~StreamThreads();
  StreamThreads(const StreamThreads&) = delete;
  StreamThreads& operator=(const StreamThreads&) = delete;

  // Runs `task` on a thread of its own; false, and `task` is dropped, when
  // `max` are running.
  bool TrySpawn(std::function<void()> task);
  int running() const;

 private:
  struct Entry {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  // Joins the threads whose task has ended.
  void Reap() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const int max_;
  mutable absl::Mutex mu_;
  std::list<Entry> threads_ ABSL_GUARDED_BY(mu_);
};

}  // namespace qrcloud::rpc

#endif  // QRCLOUD_LIBS_RPC_STREAM_THREADS_H_
