// Delivers decisions to the service that owns what was audited (the center),
// from the `decisions` table, until each is delivered.
//
// A decision is written to MySQL in the same transaction as the task's
// outcome and its log entry, so it survives any crash or outage. This loop
// sends what is due; a failed attempt is retried with exponential backoff
// (per decision) for as long as it takes. The owner's FAILED_PRECONDITION
// means a newer submission replaced this one: the decision is done and
// changes nothing. Replicas may run side by side: each claims a decision for
// a lease before sending it.
#ifndef QRCLOUD_SERVICES_AUDIT_DECISION_APPLIER_H_
#define QRCLOUD_SERVICES_AUDIT_DECISION_APPLIER_H_

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/core/background_loop.h"
#include "libs/core/clock.h"
#include "qrcloud/v1/audit.pb.h"
#include "qrcloud/v1/common.pb.h"
#include "services/audit/audit_store.h"

namespace qrcloud::audit {

// Where decisions go. Implemented over gRPC by CenterClient, and by fakes in
// tests.
class DecisionTarget {
 public:
  virtual ~DecisionTarget() = default;
  // OK once the owner has recorded the decision.
  virtual absl::Status Send(v1::AuditTask::Subject subject, const v1::AuditDecision& decision) = 0;
};

struct ApplierOptions {
  absl::Duration first_backoff = absl::Milliseconds(200);
  absl::Duration max_backoff = absl::Seconds(30);
  // How long a claimed decision is left to one sender; longer than a call.
  absl::Duration lease = absl::Seconds(30);
  // How often the loop looks for due decisions without being nudged.
  absl::Duration poll = absl::Milliseconds(500);
};

// The wait before attempt `attempts + 1`, after `attempts` failures.
absl::Duration RetryDelay(int attempts, const ApplierOptions& options);

class DecisionApplier {
 public:
  DecisionApplier(AuditStore& store, DecisionTarget& target, const core::Clock& clock,
                  ApplierOptions options = {});

  void Start() { loop_.Start(); }
  void Stop() { loop_.Stop(); }
  // Looks for due decisions now (after a commit that queued one).
  void Nudge() { loop_.Nudge(); }

  // Sends each due decision once; returns how many were delivered.
  absl::StatusOr<int> ApplyDue(int limit = 50);

 private:
  // Sends one claimed decision and records what became of it.
  absl::Status Deliver(const DecisionRecord& d);

  AuditStore& store_;
  DecisionTarget& target_;
  const core::Clock& clock_;
  const ApplierOptions options_;
  core::BackgroundLoop loop_;
};

}  // namespace qrcloud::audit

#endif  // QRCLOUD_SERVICES_AUDIT_DECISION_APPLIER_H_
