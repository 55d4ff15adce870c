// Takes the `audit` stream in (consumer group `audit`): each event goes to
// the SubmissionIntake. Runs on the kit's StreamConsumer.
//
// An event the intake cannot read, or of a type not audited, is logged and
// acknowledged (it would fail the same way every time). An event that failed
// on a database error stays unacknowledged, with those after it in its batch,
// and is read again once the consumer claims its stale entries.
#ifndef QRCLOUD_SERVICES_AUDIT_SUBMISSION_CONSUMER_H_
#define QRCLOUD_SERVICES_AUDIT_SUBMISSION_CONSUMER_H_

#include <functional>

#include "libs/cache/stream_consumer.h"
#include "libs/core/moderation_events.h"
#include "services/audit/submission_intake.h"

namespace qrcloud::audit {

inline constexpr const char* kAuditStream = core::kAuditStream;
inline constexpr char kAuditGroup[] = "audit";

// The stream handler. `on_created` runs after a batch that created tasks (to
// nudge delivery).
cache::StreamHandler SubmissionHandler(SubmissionIntake& intake, std::function<void()> on_created);

}  // namespace qrcloud::audit

#endif  // QRCLOUD_SERVICES_AUDIT_SUBMISSION_CONSUMER_H_
