// A fixed set of threads with a bounded queue, for work that blocks (MySQL,
// Redis) so that gRPC's own threads never do.
#ifndef QRCLOUD_LIBS_RPC_WORKER_POOL_H_
#define QRCLOUD_LIBS_RPC_WORKER_POOL_H_

#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace qrcloud::rpc {

class WorkerPool {
 public:
  // `threads` workers; at most `max_queue` tasks wait beyond those running.
  WorkerPool(int threads, int max_queue);
  // Runs what is queued, then joins.
  ~WorkerPool();

  // False, and `task` is dropped, when the queue is full: the caller answers
  // RESOURCE_EXHAUSTED instead of queueing without bound.
  bool TrySubmit(std::function<void()> task);

  int threads() const { return static_cast<int>(threads_.size()); }
  int queued() const;

 private:
  void Loop();

  const int max_queue_;
  mutable absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace qrcloud::rpc

#endif  // QRCLOUD_LIBS_RPC_WORKER_POOL_H_
