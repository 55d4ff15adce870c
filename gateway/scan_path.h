// The scan path, GET /s/{slug}: the front door of every printed code.
//
// Resolution: an in-process cache, then Redis (where the center publishes
// each code's resolution), then the center. The center announces changes on
// a Redis channel and every gateway drops its copy, so a paused code stops
// redirecting at once.
//
// Recording: the scan event is appended to the Redis stream `scans` before
// the 302 leaves. Appends from concurrent requests are batched (group
// commit): every event queued meanwhile goes into one stream entry in one
// round trip, and each response is sent once its batch is in Redis. If Redis cannot take a
// batch it is written to a local spool file (fsync'd) and replayed into the
// stream when Redis is back; only if the spool fails too is the scan refused
// (503), so an acknowledged scan is never lost.
//
// Each stream entry carries a batch id. A batch that went to the spool may
// have reached the stream anyway (Redis took the XADD but its answer was
// lost), so a replayed entry also carries the times it was tried
// (`attempts`): the rollup looks for the same batch id near those times and
// counts the replay only if the batch is not already there.
#ifndef QRCLOUD_GATEWAY_SCAN_PATH_H_
#define QRCLOUD_GATEWAY_SCAN_PATH_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "libs/auth/session_store.h"
#include "libs/cache/redis.h"
#include "libs/core/scan_event.h"
#include "libs/http/server.h"
#include "qrcloud/v1/code.grpc.pb.h"

namespace qrcloud::gateway {

struct ScanOptions {
  // Mixed into the hash of client addresses, so the stored hash cannot be
  // reversed by trying every address. Set the same on every replica.
  std::string address_salt = "qrcloud-scan";
  absl::Duration cache_ttl = absl::Seconds(60);
  // Where scans wait when Redis is unreachable.
  std::string spool_path = "scans.spool";
  // The stream is trimmed to about this many entries (each a batch of scans).
  int64_t stream_max_len = 1'000'000;
  // A batch waits this long after its first scan for more (or until it holds
  // `max_batch`) before its XADD: every XADD costs the gateway and Redis a
  // round of system calls and thread wake-ups, and every consumer of the
  // stream an entry to read, so under load 250 us of waiting makes batches
  // ~10x larger and doubles the scans served (docs/benchmarks.md).
  absl::Duration batch_delay = absl::Microseconds(250);
  size_t max_batch = 256;
};

// What a slug leads to (a copy of the center's ResolveSlugResponse).
using Resolution = v1::ResolveSlugResponse;

// A resolution as the scan path serves it: shared by every request for the
// slug while it is cached, with the redirect's body made once.
struct Resolved {
  Resolution resolution;
  std::string redirect_body;  // empty unless resolution.location() is set
};

class SlugResolver {
 public:
  // `redis` may be null (then only the center is asked).
  SlugResolver(cache::RedisPool* redis, cache::RedisOptions redis_options,
               std::shared_ptr<grpc::Channel> center, absl::Duration ttl);
  ~SlugResolver();

  // The resolution, null for an unknown slug, or an error when neither
  // Redis nor the center can answer.
  absl::StatusOr<std::shared_ptr<const Resolved>> Resolve(const std::string& slug);
  void Forget(const std::string& slug);

 private:
  void Subscribe();

  cache::RedisPool* redis_;
  cache::RedisOptions redis_options_;
  std::unique_ptr<v1::CodeService::Stub> center_;
  absl::Duration ttl_;
  struct Entry {
    std::shared_ptr<const Resolved> resolved;  // null: known to be unknown
    absl::Time expires;
  };
  absl::Mutex mu_;
  std::unordered_map<std::string, Entry> cache_ ABSL_GUARDED_BY(mu_);
  absl::Notification stop_;
  std::thread subscriber_;
};

class ScanRecorder {
 public:
  ScanRecorder(cache::RedisPool* redis, ScanOptions options);
  ~ScanRecorder();

  // Queues `event`; `done` runs (on the recorder's thread) once the event is
  // in the stream or the spool, with an error only if it is in neither.
  void Record(core::ScanEvent event, std::function<void(absl::Status)> done);

  // Spooled events not yet in the stream.
  int64_t spooled() const;

 private:
  struct Pending {
    core::ScanEvent event;
    std::function<void(absl::Status)> done;
  };
  void FlushLoop();
  // One stream entry: `packed` events (ScanEvent lines) as batch `batch_id`;
  // `attempts` (comma-separated Unix ms) only for a replay from the spool.
  absl::Status Append(const std::string& batch_id, std::string packed, const std::string& attempts);
  // Writes the batch to the spool, with its id and when it was first tried.
  absl::Status Spool(const std::string& batch_id, int64_t tried_ms,
                     const std::vector<Pending>& batch);
  void ReplaySpool();

  cache::RedisPool* redis_;
  ScanOptions options_;
  mutable absl::Mutex mu_;
  std::vector<Pending> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  int64_t spooled_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Time next_replay_ ABSL_GUARDED_BY(mu_);
  std::thread flusher_;
};

class ScanPath {
 public:
  // `redis` counts scans of codes with a scan limit; may be null.
  // `sessions`, if given, links a scan that carries a person's session
  // (`Authorization: Bearer qrs_…`, sent by an app that scans) to that
  // person, for their scan history; a scan without one, or with one that is
  // not a person's, is recorded as anyone's.
  ScanPath(SlugResolver& resolver, ScanRecorder& recorder, cache::RedisPool* redis,
           ScanOptions options, auth::SessionStore* sessions = nullptr);

  // The device of a client, as scans key it: a keyed hash of its address and
  // user agent (16 hex digits).
  std::string DeviceOf(absl::string_view client_address, absl::string_view user_agent) const;

  // Handles GET or HEAD /s/{slug}; `slug_text` is the path segment.
  void Handle(const http::Request& req, const std::string& slug_text,
              const std::string& client_address, http::Responder respond);

 private:
  SlugResolver& resolver_;
  ScanRecorder& recorder_;
  cache::RedisPool* redis_;
  ScanOptions options_;
  auth::SessionStore* sessions_;
  std::string device_key_;  // keys the device hash; derived from the salt
};

// Friendly pages for people who scanned something that leads nowhere.
http::Response ScanPage(int status, absl::string_view title_zh, absl::string_view title_en,
                        absl::string_view body_html);

}  // namespace qrcloud::gateway

#endif  // QRCLOUD_GATEWAY_SCAN_PATH_H_
