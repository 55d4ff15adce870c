// Sync with the center, exactly once: a single flusher sends the outbox in
// batches (up to 500 records, each its uuid and sequence) to
// LandingAdminService.SyncOrders with the node's API key, marks what is at
// or below the center's high-water mark as sent, parks what the center
// rejects (the desk sees it; the rest go on), and backs off exponentially
// with jitter while the center cannot be reached. Rows a crash left
// "sending" are unsent again at start. It pulls the configuration
// (PullNodeConfig with the version it has) at start and periodically, and
// the orders the center took for this node's tables (PullOrders). While the
// center says landing business is off (FAILED_PRECONDITION) it stops
// syncing, and the status says why.
#ifndef QRCLOUD_SERVICES_LANDING_SYNC_H_
#define QRCLOUD_SERVICES_LANDING_SYNC_H_

#include <memory>
#include <random>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libs/core/clock.h"
#include "libs/service/center_caller.h"
#include "qrcloud/v1/landing.pb.h"
#include "qrcloud/v1/landing_admin.grpc.pb.h"
#include "services/landing/node_logic.h"
#include "services/landing/node_store.h"

namespace qrcloud::landing {

// The center as the node sees it (GrpcCenterLink; a fake in tests).
class CenterLink {
 public:
  virtual ~CenterLink() = default;
  virtual absl::StatusOr<v1::PullNodeConfigResponse> PullConfig(
      const v1::PullNodeConfigRequest& req) = 0;
  virtual absl::StatusOr<v1::SyncOrdersResponse> Sync(const v1::SyncOrdersRequest& req) = 0;
  virtual absl::StatusOr<v1::PullOrdersResponse> PullOrders(const v1::PullOrdersRequest& req) = 0;
  virtual absl::StatusOr<v1::LandingConfig> UpdateMenu(const v1::UpdateNodeMenuRequest& req) = 0;
};

// LandingAdminService over gRPC, with the node's API key (service::CenterCaller:
// the key file is read again when the center refuses it).
class GrpcCenterLink final : public CenterLink {
 public:
  static absl::StatusOr<std::unique_ptr<GrpcCenterLink>> Create(const std::string& address,
                                                                const std::string& key_file,
                                                                absl::Duration timeout);
  absl::StatusOr<v1::PullNodeConfigResponse> PullConfig(
      const v1::PullNodeConfigRequest& req) override;
  absl::StatusOr<v1::SyncOrdersResponse> Sync(const v1::SyncOrdersRequest& req) override;
  absl::StatusOr<v1::PullOrdersResponse> PullOrders(const v1::PullOrdersRequest& req) override;
  absl::StatusOr<v1::LandingConfig> UpdateMenu(const v1::UpdateNodeMenuRequest& req) override;

 private:
  explicit GrpcCenterLink(std::unique_ptr<service::CenterCaller> caller);
  std::unique_ptr<service::CenterCaller> caller_;
  std::unique_ptr<v1::LandingAdminService::Stub> stub_;
};

struct SyncOptions {
  int batch = kSyncBatch;
  absl::Duration config_interval = absl::Seconds(30);
  absl::Duration pull_interval = absl::Seconds(5);
  // While stopped (landing business off), how often it asks again.
  absl::Duration stopped_interval = absl::Seconds(10);
};

class Syncer {
 public:
  Syncer(NodeLogic& logic, NodeStore& node, CenterLink& center, const core::Clock& clock,
         SyncOptions options);

  // Rows a crash left "sending" go back to unsent; then what is due.
  absl::Status Start();
  // One round of the flusher's loop (Host::AddLoop): true when there is more
  // to send at once. Never fails: errors go to the status and the backoff.
  absl::StatusOr<bool> Round();
  v1::SyncStatus Status();
  // Makes the next round run now (the center is back, say; tests).
  void Wake();
  // Wakes the flusher and waits (up to `timeout`) for a round that started
  // after the wake to finish: the desk's "sync now". The status after it.
  v1::SyncStatus SyncNow(absl::Duration timeout);
  // The desk's menu edit, sent to the center (which keeps the one menu);
  // what it answers is applied here at once. UNAVAILABLE while the center
  // cannot be reached, saying what still works offline.
  absl::StatusOr<v1::Menu> UpdateMenu(const v1::UpdateDeskMenuRequest& req);

 private:
  // One batch: true if it was full (more may wait).
  absl::StatusOr<bool> Flush(absl::Time now);
  absl::StatusOr<bool> RoundOnce(bool woken);
  // The center said landing business is off: stop syncing and taking orders.
  void Stop(const absl::Status& s, absl::Time now);
  absl::Status PullConfig(absl::Time now);
  absl::Status Pull();
  void Failed(const absl::Status& s, absl::Time now);
  void Succeeded(absl::Time now);

  NodeLogic& logic_;
  NodeStore& node_;
  CenterLink& center_;
  const core::Clock& clock_;
  const SyncOptions options_;

  // A configuration pulled and one answered to a menu edit are each asked
  // for and applied whole, one at a time, so an older one never lands after
  // a newer one (taken before mu_).
  absl::Mutex config_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  absl::Mutex mu_;
  std::mt19937_64 random_ ABSL_GUARDED_BY(mu_){std::random_device{}()};
  int failures_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Time next_attempt_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  absl::Time next_config_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  absl::Time next_pull_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  absl::Time last_sync_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  absl::Time last_config_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  int64_t high_water_mark_ ABSL_GUARDED_BY(mu_) = 0;
  bool online_ ABSL_GUARDED_BY(mu_) = false;
  std::string last_error_ ABSL_GUARDED_BY(mu_);
  std::string stopped_ ABSL_GUARDED_BY(mu_);
  // Wakes asked for, the wakes the last round began with, and the last wake
  // a finished round had seen (SyncNow).
  int64_t wakes_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t wakes_served_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t wakes_started_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace qrcloud::landing

#endif  // QRCLOUD_SERVICES_LANDING_SYNC_H_
