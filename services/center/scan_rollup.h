// Rolls the `scans` stream up into per-code, per-hour, per-platform counts in
// MySQL, exactly once per scan event.
//
// Each batch: decide uniqueness in Redis (a device seen for the same code
// within 30 minutes counts once; the marker remembers which event set it, so
// a replay decides the same), then in one MySQL transaction record the event
// ids and add the counts; then acknowledge. An event whose id is already
// recorded is skipped, so a batch replayed after a crash between commit and
// acknowledgement adds nothing twice. Entries left pending by a consumer that
// died are claimed after a minute.
#ifndef QRCLOUD_SERVICES_CENTER_SCAN_ROLLUP_H_
#define QRCLOUD_SERVICES_CENTER_SCAN_ROLLUP_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/cache/redis.h"
#include "libs/cache/stream_consumer.h"
#include "libs/store/mysql.h"

namespace qrcloud::center {

inline constexpr char kRollupGroup[] = "center-rollup";
inline constexpr absl::Duration kUniqueWindow = absl::Minutes(30);

class ScanRollup {
 public:
  explicit ScanRollup(store::MysqlPool& mysql) : mysql_(mysql) {}

  // Where it reads: the `scans` stream, group center-rollup.
  static cache::StreamConsumerOptions ConsumerOptions();
  // The stream handler: a batch is applied whole or not at all.
  cache::Handled Apply(const std::vector<cache::StreamEntry>& entries, cache::RedisPool& redis);

 private:
  absl::StatusOr<int> ApplyBatch(const std::vector<cache::StreamEntry>& entries,
                                 cache::RedisPool& redis);

  store::MysqlPool& mysql_;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_SCAN_ROLLUP_H_
