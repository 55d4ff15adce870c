#include "libs/core/background_loop.h"

#include <algorithm>

#include "libs/core/log.h"

namespace qrcloud::core {

void BackgroundLoop::Start() {
  if (!thread_.joinable()) thread_ = std::thread([this] { Run(); });
}

void BackgroundLoop::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void BackgroundLoop::Nudge() {
  absl::MutexLock lock(&mu_);
  nudged_ = true;
}

bool BackgroundLoop::Wait(absl::Duration d) {
  absl::MutexLock lock(&mu_);
  auto wake = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_ || nudged_; };
  mu_.AwaitWithTimeout(absl::Condition(&wake), d);
  if (nudged_ && !stopping_ && options_.nudge_linger > absl::ZeroDuration()) {
    auto stop = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_; };
    mu_.AwaitWithTimeout(absl::Condition(&stop), options_.nudge_linger);
  }
  nudged_ = false;
  return !stopping_;
}

void BackgroundLoop::Run() {
  absl::Duration wait = options_.first_wait;
  absl::Duration backoff = options_.first_backoff;
  while (Wait(wait)) {
    const absl::StatusOr<bool> more = round_();
    if (!more.ok()) {
      spdlog::warn("{}: {}", options_.name, more.status().message());
      wait = backoff;
      backoff = std::min(backoff * 2, options_.max_backoff);
      continue;
    }
    backoff = options_.first_backoff;
    wait = *more ? absl::ZeroDuration() : options_.interval;
  }
}

}  // namespace qrcloud::core
