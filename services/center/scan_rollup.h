// Rolls the `scans` stream up into per-code, per-hour, per-platform counts in
// MySQL, exactly once per scan, with bounded state.
//
// Each batch of stream entries (each entry a gateway's batch of scans):
//  1. An entry replayed from a gateway's spool is dropped if the same batch
//     is already in the stream near the times it was tried (the XADD had
//     reached Redis though its answer was lost): a Lua script looks, over a
//     window of seconds per try.
//  2. Uniqueness (core::Unique, libs/core/scan_counting.h) is decided in
//     Redis: a device (address + user agent) seen for the same code within
//     30 minutes counts once, and one address counts at most
//     kMaxDevicesPerSource devices per code in that window;
//     markers remember which scan set them, so a redelivery decides the same.
//     Flagged scans (HEAD, bots, scripted clients) are recorded, not counted.
//  3. One MySQL transaction adds the counts and records the entry ids;
//     entries already recorded (delivered again after a crash between commit
//     and acknowledgement) add nothing.
//  4. After the acknowledgement their rows are deleted (under load, in the
//     next batch's transaction): an acknowledged entry is never delivered
//     again. A sweep deletes rows a crash left
//     behind once their entries are no longer pending.
// So the state is a row per unacknowledged entry, not a row per scan.
#ifndef QRCLOUD_SERVICES_CENTER_SCAN_ROLLUP_H_
#define QRCLOUD_SERVICES_CENTER_SCAN_ROLLUP_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/cache/redis.h"
#include "libs/cache/stream_consumer.h"
#include "libs/core/scan_counting.h"
#include "libs/store/mysql.h"

namespace qrcloud::center {

inline constexpr char kRollupGroup[] = "center-rollup";
// The counting rule's window and cap (libs/core/scan_counting.h), which the
// Lua script below applies per code in Redis.
inline constexpr absl::Duration kUniqueWindow = core::kUniqueWindow;
inline constexpr int kMaxDevicesPerSource = core::kMaxDevicesPerSource;
// How far from a recorded try the copy of a batch may have landed (the
// gateway's Redis command timeout, and clock skew between gateway and Redis).
inline constexpr absl::Duration kTryWindow = absl::Seconds(10);

class ScanRollup {
 public:
  explicit ScanRollup(store::MysqlPool& mysql) : mysql_(mysql) {}

  // Where it reads: the `scans` stream, group center-rollup; acknowledged
  // entries are forgotten (Acked).
  cache::StreamConsumerOptions ConsumerOptions();
  // The stream handler: a batch is applied whole or not at all.
  cache::Handled Apply(const std::vector<cache::StreamEntry>& entries, cache::RedisPool& redis);
  // Deletes the rows of acknowledged entries.
  void Acked(const std::vector<std::string>& entry_ids);
  // Deletes rows older than `age` whose entries are no longer pending.
  absl::Status Sweep(cache::RedisPool& redis, absl::Duration age);

 private:
  absl::StatusOr<int> ApplyBatch(const std::vector<cache::StreamEntry>& entries,
                                 cache::RedisPool& redis);

  store::MysqlPool& mysql_;
  absl::Time next_sweep_ = absl::InfinitePast();
  // Acknowledged entries whose rows are still to delete, and whether the
  // last batch was full (more waiting). The consumer's one thread uses them.
  std::vector<std::string> forget_;
  bool last_batch_full_ = false;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_SCAN_ROLLUP_H_
