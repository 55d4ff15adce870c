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
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "libs/cache/redis.h"
#include "libs/store/mysql.h"

namespace qrcloud::center {

inline constexpr char kRollupGroup[] = "center-rollup";
inline constexpr absl::Duration kUniqueWindow = absl::Minutes(30);

class ScanRollup {
 public:
  ScanRollup(store::MysqlPool& mysql, cache::RedisOptions redis_options, std::string consumer)
      : mysql_(mysql), redis_options_(std::move(redis_options)), consumer_(std::move(consumer)) {}
  ~ScanRollup() { Stop(); }

  void Start();
  void Stop();

  // Reads and applies one batch (new entries, or stale ones of dead
  // consumers); returns how many entries it handled.
  absl::StatusOr<int> RunOnce(absl::Duration block);

 private:
  absl::StatusOr<int> Apply(const std::vector<cache::StreamEntry>& entries);

  store::MysqlPool& mysql_;
  cache::RedisOptions redis_options_;
  std::string consumer_;
  std::unique_ptr<cache::RedisPool> redis_;
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_SCAN_ROLLUP_H_
