#include "libs/cache/stream_consumer.h"

#include <unistd.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/core/status.h"

namespace qrcloud::cache {

StreamConsumer::StreamConsumer(RedisOptions redis, StreamConsumerOptions options,
                               StreamHandler handler)
    : redis_options_(std::move(redis)),
      options_(std::move(options)),
      handler_(std::move(handler)),
      loop_({.name = absl::StrCat("stream ", options_.stream), .interval = absl::ZeroDuration()},
            [this]() -> absl::StatusOr<bool> {
              absl::Status s = RunOnce().status();
              if (!s.ok()) {
                redis_.reset();  // reconnect on the next round
                return s;
              }
              return true;  // the next read blocks by itself
            }) {}

absl::StatusOr<int> StreamConsumer::RunOnce() {
  if (!redis_) {
    RedisOptions o = redis_options_;
    o.pool_size = 2;
    QRCLOUD_ASSIGN_OR_RETURN(redis_, RedisPool::Create(o));
    QRCLOUD_RETURN_IF_ERROR(redis_->EnsureGroup(options_.stream, options_.group));
  }
  std::vector<StreamEntry> batch;
  if (const absl::Time now = absl::Now(); now >= next_claim_) {
    QRCLOUD_ASSIGN_OR_RETURN(batch,
                             redis_->ClaimStale(options_.stream, options_.group, options_.consumer,
                                                options_.reclaim_after, options_.batch));
    // A full batch: there may be more, look again at once.
    if (batch.size() < static_cast<size_t>(options_.batch)) {
      next_claim_ = now + std::min(options_.reclaim_after / 4, absl::Seconds(5));
    }
  }
  if (batch.empty()) {
    QRCLOUD_ASSIGN_OR_RETURN(
        batch, redis_->ReadGroup(options_.stream, options_.group, options_.consumer, options_.batch,
                                 options_.block));
  }
  if (batch.empty()) return 0;
  const Handled handled = handler_(batch, *redis_);
  std::vector<std::string> ids;
  for (size_t i = 0; i < handled.done && i < batch.size(); ++i) ids.push_back(batch[i].id);
  if (!ids.empty()) {
    QRCLOUD_RETURN_IF_ERROR(redis_->Ack(options_.stream, options_.group, ids));
    if (options_.acked) options_.acked(ids);
  }
  if (!handled.status.ok()) {
    next_claim_ = absl::InfinitePast();  // what failed is claimed back first
    return handled.status;
  }
  if (batch.size() < static_cast<size_t>(options_.batch) &&
      options_.linger > absl::ZeroDuration()) {
    absl::SleepFor(options_.linger);
  }
  return static_cast<int>(ids.size());
}

std::string ConsumerName() {
  char host[256] = {};
  gethostname(host, sizeof(host) - 1);
  return absl::StrCat(host, "-", getpid());
}

}  // namespace qrcloud::cache
