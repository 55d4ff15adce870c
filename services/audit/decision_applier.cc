#include "services/audit/decision_applier.h"

#include "libs/core/log.h"
#include "libs/core/metrics.h"
#include "libs/core/status.h"

namespace qrcloud::audit {
namespace {

core::Counter& Delivered(absl::string_view outcome) {
  return core::MetricsRegistry::Global().GetCounter(
      "audit_decisions_delivered_total", "Audit decisions delivered to their owner, by outcome.",
      {{"outcome", std::string(outcome)}});
}

core::Counter& FailedAttempts() {
  static core::Counter& c = core::MetricsRegistry::Global().GetCounter(
      "audit_decision_attempts_failed_total",
      "Attempts to deliver an audit decision that failed (retried).");
  return c;
}

core::Gauge& Undelivered() {
  static core::Gauge& g = core::MetricsRegistry::Global().GetGauge(
      "audit_decisions_undelivered",
      "Audit decisions recorded but not yet delivered to their owner.");
  return g;
}

}  // namespace

absl::Duration RetryDelay(int attempts, const ApplierOptions& options) {
  absl::Duration d = options.first_backoff;
  for (int i = 1; i < attempts && d < options.max_backoff; ++i) d *= 2;
  return std::min(d, options.max_backoff);
}

DecisionApplier::DecisionApplier(AuditStore& store, DecisionTarget& target,
                                 const core::Clock& clock, ApplierOptions options)
    : store_(store),
      target_(target),
      clock_(clock),
      options_(options),
      // Looks at once: decisions may wait from before a restart. A failed
      // round means our own MySQL is unreachable; the decisions wait there.
      loop_({.name = "audit: pending decisions",
             .interval = options.poll,
             .first_backoff = options.poll,
             .max_backoff = absl::Seconds(5)},
            [this]() -> absl::StatusOr<bool> {
              QRCLOUD_RETURN_IF_ERROR(ApplyDue().status());
              if (auto count = store_.CountUndelivered(); count.ok()) Undelivered().Set(*count);
              return false;
            }) {}

absl::StatusOr<int> DecisionApplier::ApplyDue(int limit) {
  QRCLOUD_ASSIGN_OR_RETURN(auto due, store_.ClaimDueDecisions(clock_.Now(), options_.lease, limit));
  int delivered = 0;
  for (const DecisionRecord& d : due) {
    absl::Status s = Deliver(d);
    if (s.ok()) ++delivered;
  }
  return delivered;
}

absl::Status DecisionApplier::Deliver(const DecisionRecord& d) {
  v1::AuditDecision decision;
  decision.set_subject_id(d.subject_id);
  decision.set_submission_id(d.submission_id);
  decision.set_approve(d.approve);
  for (const auto& r : d.reasons) decision.add_reasons(r);
  decision.set_decided_by(d.decided_by);
  decision.set_task_id(d.task_id);

  const absl::Status sent = target_.Send(d.subject, decision);
  const absl::Time now = clock_.Now();
  const std::string subject = v1::AuditTask::Subject_Name(d.subject);
  switch (sent.code()) {
    case absl::StatusCode::kOk:
      spdlog::info("audit: {} {} {} (task {}) delivered", subject, d.subject_id,
                   d.approve ? "approval" : "rejection", d.task_id);
      Delivered(kOutcomeApplied).Inc();
      return store_.MarkDelivered(d.id, kOutcomeApplied, "", now);
    case absl::StatusCode::kFailedPrecondition:
      spdlog::info("audit: {} {} decision (task {}) superseded: {}", subject, d.subject_id,
                   d.task_id, sent.message());
      Delivered(kOutcomeSuperseded).Inc();
      return store_.MarkDelivered(d.id, kOutcomeSuperseded, sent.message(), now);
    case absl::StatusCode::kNotFound:
      spdlog::warn("audit: {} {} no longer exists; decision (task {}) dropped: {}", subject,
                   d.subject_id, d.task_id, sent.message());
      Delivered(kOutcomeSubjectGone).Inc();
      return store_.MarkDelivered(d.id, kOutcomeSubjectGone, sent.message(), now);
    default: {
      const int attempts = d.attempts + 1;
      const absl::Duration delay = RetryDelay(attempts, options_);
      FailedAttempts().Inc();
      const bool expected = sent.code() == absl::StatusCode::kUnavailable ||
                            sent.code() == absl::StatusCode::kDeadlineExceeded;
      if (expected) {
        spdlog::warn(
            "audit: {} {} decision (task {}) not delivered (attempt {}), retrying in {}: {}",
            subject, d.subject_id, d.task_id, attempts, absl::FormatDuration(delay),
            sent.message());
      } else {
        spdlog::error("audit: {} {} decision (task {}) refused (attempt {}), retrying in {}: {}",
                      subject, d.subject_id, d.task_id, attempts, absl::FormatDuration(delay),
                      sent.ToString());
      }
      QRCLOUD_RETURN_IF_ERROR(
          store_.MarkAttemptFailed(d.id, attempts, now + delay, sent.ToString()));
      return sent;
    }
  }
}

}  // namespace qrcloud::audit
