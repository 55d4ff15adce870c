#include "libs/rpc/stream_threads.h"

namespace qrcloud::rpc {

StreamThreads::~StreamThreads() {
  std::list<Entry> all;
  {
    absl::MutexLock lock(&mu_);
    all.swap(threads_);
  }
  for (Entry& e : all) e.thread.join();
}

void StreamThreads::Reap() {
  for (auto it = threads_.begin(); it != threads_.end();) {
    if (it->done->load()) {
      it->thread.join();
      it = threads_.erase(it);
    } else {
      ++it;
    }
  }
}

bool StreamThreads::TrySpawn(std::function<void()> task) {
  absl::MutexLock lock(&mu_);
  Reap();
  if (static_cast<int>(threads_.size()) >= max_) return false;
  auto done = std::make_shared<std::atomic<bool>>(false);
  threads_.push_back({std::thread([task = std::move(task), done] {
                        task();
                        done->store(true);
                      }),
                      done});
  return true;
}

int StreamThreads::running() const {
  absl::MutexLock lock(&mu_);
  int n = 0;
  for (const Entry& e : threads_) n += !e.done->load();
  return n;
}

}  // namespace qrcloud::rpc
