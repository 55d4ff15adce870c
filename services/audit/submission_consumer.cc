#include "services/audit/submission_consumer.h"

#include "libs/core/log.h"
#include "libs/core/metrics.h"
#include "libs/core/status.h"

namespace qrcloud::audit {
namespace {

core::Counter& Events(absl::string_view outcome) {
  return core::MetricsRegistry::Global().GetCounter(
      "audit_events_total", "Events read from the audit stream, by what became of them.",
      {{"outcome", std::string(outcome)}});
}

}  // namespace

cache::StreamHandler SubmissionHandler(SubmissionIntake& intake, std::function<void()> on_created) {
  return [&intake, on_created = std::move(on_created)](
             const std::vector<cache::StreamEntry>& entries, cache::RedisPool&) {
    cache::Handled handled;
    bool created = false;
    for (const auto& e : entries) {
      const std::string event_id = e.Field("event_id");
      const std::string type = e.Field("type");
      auto outcome = intake.Accept(event_id, type, e.Field("data"));
      if (outcome.ok()) {
        switch (*outcome) {
          case IntakeOutcome::kCreated:
            created = true;
            Events("created").Inc();
            break;
          case IntakeOutcome::kReplayed:
            Events("replayed").Inc();
            break;
          case IntakeOutcome::kSkipped:
            spdlog::warn("audit stream: event {} of type \"{}\" is not audited; acknowledged",
                         event_id, type);
            Events("skipped").Inc();
            break;
        }
      } else if (outcome.status().code() == absl::StatusCode::kInvalidArgument) {
        spdlog::error("audit stream: entry {} cannot be audited and is dropped: {}", e.id,
                      outcome.status().message());
        Events("malformed").Inc();
      } else {
        // The database: leave this and the rest for a later read.
        handled.status = outcome.status();
        break;
      }
      ++handled.done;
    }
    if (created && on_created) on_created();
    return handled;
  };
}

}  // namespace qrcloud::audit
