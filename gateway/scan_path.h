// The scan path, GET /s/{slug}: the front door of every printed code.
//
// Resolution: an in-process cache, then Redis (where the center publishes
// each code's resolution), then the center. The center announces changes on
// a Redis channel and every gateway drops its copy, so a paused code stops
// redirecting at once.
//
// Recording: the scan event is written to the gateway's scan log before the
// 302 leaves, and shipped from there to the Redis stream `scans`
// (gateway/scan_recorder.h).
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
#include "gateway/scan_recorder.h"
#include "libs/auth/session_store.h"
#include "libs/cache/redis.h"
#include "libs/core/scan_event.h"
#include "libs/http/server.h"
#include "qrcloud/v1/code.grpc.pb.h"

namespace qrcloud::gateway {

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
