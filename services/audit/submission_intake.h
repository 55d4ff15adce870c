// Turns a submission event from the `audit` stream into an audit task: runs
// the automatic checks, applies the policy, and records the task, its log
// entry and (when the checks decided) the decision to deliver, in one
// transaction. Idempotent on the event id: a task per submission.
#ifndef QRCLOUD_SERVICES_AUDIT_SUBMISSION_INTAKE_H_
#define QRCLOUD_SERVICES_AUDIT_SUBMISSION_INTAKE_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/core/clock.h"
#include "services/audit/audit_store.h"
#include "services/audit/rules.h"

namespace qrcloud::audit {

// Event types on the `audit` stream (written by the center's outbox).
inline constexpr char kQualificationSubmitted[] = "qualification.submitted";  // data: a v1.Merchant
inline constexpr char kCampaignSubmitted[] = "campaign.submitted";            // data: a v1.Campaign
inline constexpr char kLandingRequested[] = "landing.requested";              // data: a v1.Merchant
// data: a v1.Merchant as its pages would show it with the edit applied
inline constexpr char kProfileSubmitted[] = "profile.submitted";

enum class IntakeOutcome {
  kCreated,   // a new task (decided, or queued for an auditor)
  kReplayed,  // the submission already has its task; nothing changed
  kSkipped,   // an event type this service does not audit (yet)
};

class SubmissionIntake {
 public:
  SubmissionIntake(AuditStore& store, const Rules& rules, const core::Clock& clock,
                   bool auto_approve)
      : store_(store), rules_(rules), clock_(clock), auto_approve_(auto_approve) {}

  // `event_id` names the submission. INVALID_ARGUMENT for an event that
  // cannot be read (no id, data that is not the type's JSON); other errors
  // are the database's and worth retrying.
  absl::StatusOr<IntakeOutcome> Accept(absl::string_view event_id, absl::string_view type,
                                       absl::string_view data);

 private:
  AuditStore& store_;
  const Rules& rules_;
  const core::Clock& clock_;
  const bool auto_approve_;
};

}  // namespace qrcloud::audit

#endif  // QRCLOUD_SERVICES_AUDIT_SUBMISSION_INTAKE_H_
