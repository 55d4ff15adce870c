// Reads a Redis stream in a consumer group and hands each batch to a
// handler, on a background loop: the one way qrcloud consumes a stream (the
// scan rollup, the audit intake, and every worker to come).
//
// Delivery is at least once. Entries the handler finishes are acknowledged;
// the rest stay pending and are read again: entries pending longer than
// `reclaim_after` (left by this consumer, or one that died) are claimed
// before new ones are read. Handlers are therefore idempotent on the event.
//
//   StreamConsumer consumer(redis_options,
//                           {.stream = "audit", .group = "audit", .consumer = ConsumerName()},
//                           [&](const std::vector<StreamEntry>& batch, RedisPool&) {
//                             return intake.Take(batch);  // a Handled
//                           });
//   consumer.Start(); ... consumer.Stop();
#ifndef QRCLOUD_LIBS_CACHE_STREAM_CONSUMER_H_
#define QRCLOUD_LIBS_CACHE_STREAM_CONSUMER_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/cache/redis.h"
#include "libs/core/background_loop.h"

namespace qrcloud::cache {

struct StreamConsumerOptions {
  std::string stream;
  std::string group;
  // Unique per process (ConsumerName()), so pending entries are traceable.
  std::string consumer;
  int batch = 32;
  // How long one read waits for new entries.
  absl::Duration block = absl::Seconds(1);
  // Entries pending this long are claimed and handled again. The consumer
  // looks for them at start, after a failure, and then every quarter of this
  // (at most every 5 s), not before every read: XAUTOCLAIM walks the group's
  // pending list, and a busy stream is read hundreds of times a second.
  absl::Duration reclaim_after = absl::Minutes(1);
  // After a round that read fewer than `batch` entries, wait this long
  // before the next read, so that a handler that pays per batch (a database
  // commit) handles more entries per batch when they trickle in.
  absl::Duration linger = absl::ZeroDuration();
  // Told the ids of entries once they are acknowledged (never delivered
  // again): where a handler forgets what it kept to recognise a redelivery.
  std::function<void(const std::vector<std::string>& ids)> acked;
};

// What a handler did with a batch: its first `done` entries are finished
// (acknowledged); if `status` is not OK the rest failed and are left pending,
// and the loop backs off.
struct Handled {
  size_t done = 0;
  absl::Status status;
};

// `redis` is the consumer's own pool, for work the handler does in Redis.
using StreamHandler =
    std::function<Handled(const std::vector<StreamEntry>& batch, RedisPool& redis)>;

class StreamConsumer {
 public:
  StreamConsumer(RedisOptions redis, StreamConsumerOptions options, StreamHandler handler);
  ~StreamConsumer() { Stop(); }

  void Start() { loop_.Start(); }
  void Stop() { loop_.Stop(); }

  // Reads one batch (stale entries first, else new ones, waiting up to
  // `block`) and handles it; returns how many entries were acknowledged.
  absl::StatusOr<int> RunOnce();

 private:
  RedisOptions redis_options_;
  StreamConsumerOptions options_;
  StreamHandler handler_;
  // Its own pool: a blocking read holds a connection for `block`. Dropped
  // after a failure, so the next round connects afresh.
  std::unique_ptr<RedisPool> redis_;
  // When to look for stale entries next (RunOnce's thread only).
  absl::Time next_claim_ = absl::InfinitePast();
  core::BackgroundLoop loop_;
};

// "<host>-<pid>": a consumer name unique to this process.
std::string ConsumerName();

}  // namespace qrcloud::cache

#endif  // QRCLOUD_LIBS_CACHE_STREAM_CONSUMER_H_
