// Recording scans: the gateway's scan log, and its shipping to the stream.
//
// Every scan is written to the scan log (a directory, `--scan_spool`) before
// its response leaves, and the response goes at once: no scan waits for
// Redis. A thread ships the log to the Redis stream `scans` in batches (one
// stream entry, one XADD a batch), gathering for `batch_delay` or up to
// `max_batch` scans, so batches are large under load without adding to any
// response's time.
//
// The log holds a file per batch, named by the batch's id (a ULID), its
// scans one ScanEvent line each. A batch's file is removed once its XADD
// succeeded. Before the XADD, "#tried <Unix ms>" is appended to the file: a
// batch whose XADD reached Redis though the gateway died before removing
// its file is replayed with the times it was tried (`attempts`), and the
// rollup looks for the same batch id near them and counts it once (personal
// and partner services keep each event id once). While Redis cannot take
// batches they stay in the log, synced to disk ("fdatasync"), and are
// replayed every second until it can; a replay appends "#replay <Unix ms>"
// (synced) before its XADD, for the same reason. A gateway that starts finds
// the files its predecessor left and replays them.
//
// What is promised: a scan answered is in the log, in the kernel's page
// cache, so it survives the gateway's crash (kill -9); the machine's crash
// can lose the scans of the last few milliseconds not yet shipped, as Redis
// with `appendfsync everysec` loses up to a second of what it took. While
// Redis is down the log is synced at every batch. If the log cannot be
// written (no such directory, disk full, or over `spool_max_bytes`), a scan
// waits for its batch's XADD, as before there was a log, and only if that
// fails too is it answered 503.
#ifndef QRCLOUD_GATEWAY_SCAN_RECORDER_H_
#define QRCLOUD_GATEWAY_SCAN_RECORDER_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libs/cache/redis.h"
#include "libs/core/scan_event.h"

namespace qrcloud::gateway {

struct ScanOptions {
  // Mixed into the hash of client addresses, so the stored hash cannot be
  // reversed by trying every address. Set the same on every replica.
  std::string address_salt = "qrcloud-scan";
  absl::Duration cache_ttl = absl::Seconds(60);
  // The scan log's directory (created if missing; one gateway at a time).
  std::string spool_path = "scans.spool";
  // The log may hold this many bytes of scans not yet in the stream; beyond
  // it scans wait for Redis as if there were no log. Set it below any limit
  // of the volume the log is on (a Kubernetes emptyDir's sizeLimit).
  int64_t spool_max_bytes = int64_t{1} << 30;
  // The stream keeps what a consumer group has not read or not acknowledged,
  // and this much history besides (for the rollup's check of a batch
  // replayed from a scan log: docs/architecture.md); the rest is trimmed
  // every few seconds. Whatever the groups do, it keeps at most about
  // `stream_max_len` entries (each a batch of scans).
  absl::Duration stream_history = absl::Minutes(10);
  int64_t stream_max_len = 1'000'000;
  // A batch gathers this long after its first scan (or until it holds
  // `max_batch`) before it is shipped. No response waits for it: it sets
  // how often the gateway, Redis and every consumer group of the stream
  // handle an entry (docs/benchmarks.md, "Scan path").
  absl::Duration batch_delay = absl::Milliseconds(2);
  size_t max_batch = 256;
};

class ScanRecorder {
 public:
  // Opens the log at options.spool_path. Without it (the directory cannot
  // be made, or another gateway holds it: logged as an error) every scan
  // waits for its batch's XADD.
  static std::unique_ptr<ScanRecorder> Open(cache::RedisPool* redis, ScanOptions options);
  // Ships what is logged once more; what Redis does not take stays in the
  // log for the next start.
  ~ScanRecorder();
  ScanRecorder(const ScanRecorder&) = delete;
  ScanRecorder& operator=(const ScanRecorder&) = delete;

  // Records `event`. `done` runs once it is safe: at once, on the calling
  // thread, when it is in the log; otherwise on the recorder's thread once
  // its batch is in the stream, with an error if Redis did not take it.
  void Record(const core::ScanEvent& event, std::function<void(absl::Status)> done);

  // Scans in the log that are waiting for Redis (not counting the batch
  // being gathered).
  int64_t waiting() const;
  // Whether scans are answered from the log.
  bool has_log() const { return lock_fd_ >= 0; }

 private:
  // A batch of scans and its file in the log.
  struct Batch {
    std::string id;
    int fd = -1;          // -1 once closed (or never opened)
    char* map = nullptr;  // the file, mapped shared: scans are copied in
    size_t used = 0;      // bytes of ScanEvent lines in it
    size_t events = 0;
  };
  // A scan the log could not take: it waits for its batch's XADD.
  struct Unlogged {
    std::string line;
    std::function<void(absl::Status)> done;
  };
  // A file of the log left to replay, and how many scans it holds.
  struct Waiting {
    std::string path;
    int64_t events = 0;
    int64_t bytes = 0;
  };

  ScanRecorder(cache::RedisPool* redis, ScanOptions options, int lock_fd);
  // A new, empty batch with its file open and mapped (fd -1 if it cannot
  // be).
  Batch NewBatch();
  // Unmaps `batch`'s file and cuts it to its scans.
  static void Unmap(Batch& batch);
  std::string PathOf(const std::string& batch_id) const;
  void FlushLoop();
  // Ships `batch` (XADD), or leaves it in the log for a replay.
  void Ship(Batch batch);
  // Replays the files left in the log, oldest first, until one fails.
  void Replay();
  void KeepForReplay(Batch& batch);
  bool RedisDown() const { return absl::Now() < redis_retry_at_; }
  // One stream entry: `packed` events as batch `batch_id`; `attempts`
  // (comma-separated Unix ms) only for a replay.
  absl::Status Append(const std::string& batch_id, std::string packed, const std::string& attempts);

  cache::RedisPool* redis_;
  const ScanOptions options_;
  const int lock_fd_;  // -1: no log

  mutable absl::Mutex mu_;
  Batch open_ ABSL_GUARDED_BY(mu_);
  std::vector<Unlogged> unlogged_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // Bytes in the log: the open batch's file and the files waiting.
  int64_t log_bytes_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t waiting_events_ ABSL_GUARDED_BY(mu_) = 0;

  // The flusher's own.
  Batch spare_;                  // the next batch, its file opened before it is needed
  std::deque<Waiting> waiting_;  // oldest first
  absl::Time redis_retry_at_ = absl::InfinitePast();
  absl::Time next_trim_ = absl::InfinitePast();
  std::thread flusher_;
};

}  // namespace qrcloud::gateway

#endif  // QRCLOUD_GATEWAY_SCAN_RECORDER_H_
