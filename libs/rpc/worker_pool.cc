#include "libs/rpc/worker_pool.h"

#include "libs/core/metrics.h"

namespace qrcloud::rpc {
namespace {

core::Gauge& QueueGauge() {
  static core::Gauge& g = core::MetricsRegistry::Global().GetGauge(
      "worker_pool_queued", "Tasks waiting for a worker thread.");
  return g;
}

}  // namespace

WorkerPool::WorkerPool(int threads, int max_queue) : max_queue_(max_queue) {
  threads_.reserve(threads);
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Loop(); });
}

WorkerPool::~WorkerPool() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  for (auto& t : threads_) t.join();
}

bool WorkerPool::TrySubmit(std::function<void()> task) {
  absl::MutexLock lock(&mu_);
  if (stopping_ || static_cast<int>(queue_.size()) >= max_queue_) return false;
  queue_.push_back(std::move(task));
  QueueGauge().Add(1);
  return true;
}

int WorkerPool::queued() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(queue_.size());
}

void WorkerPool::Loop() {
  while (true) {
    std::function<void()> task;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]()
                       ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_ || !queue_.empty(); };
      mu_.Await(absl::Condition(&ready));
      if (queue_.empty()) return;  // stopping, and nothing left
      task = std::move(queue_.front());
      queue_.pop_front();
      QueueGauge().Add(-1);
    }
    task();
  }
}

}  // namespace qrcloud::rpc
