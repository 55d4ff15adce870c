#include "services/audit/submission_consumer.h"

#include "libs/cache/consumer_loop.h"
#include "libs/core/log.h"
#include "libs/core/metrics.h"
#include "libs/core/status.h"

namespace qrcloud::audit {
namespace {

constexpr int kBatch = 32;

core::Counter& Events(absl::string_view outcome) {
  return core::MetricsRegistry::Global().GetCounter(
      "audit_events_total", "Events read from the audit stream, by what became of them.",
      {{"outcome", std::string(outcome)}});
}

}  // namespace

void SubmissionConsumer::Start() {
  thread_ = cache::StartConsumerLoop(
      stop_, [this] { return RunOnce(absl::Seconds(1)).status(); },
      [this](const absl::Status& s) {
        spdlog::warn("audit stream: {}", s.message());
        redis_.reset();  // reconnect on the next round
      });
}

void SubmissionConsumer::Stop() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (thread_.joinable()) thread_.join();
}

absl::StatusOr<int> SubmissionConsumer::RunOnce(absl::Duration block) {
  if (!redis_) {
    // A pool of its own: the blocking read holds a connection for a second.
    cache::RedisOptions o = redis_options_;
    o.pool_size = 2;
    QRCLOUD_ASSIGN_OR_RETURN(redis_, cache::RedisPool::Create(o));
    QRCLOUD_RETURN_IF_ERROR(redis_->EnsureGroup(kAuditStream, kAuditGroup));
  }
  QRCLOUD_ASSIGN_OR_RETURN(auto stale, redis_->ClaimStale(kAuditStream, kAuditGroup, consumer_,
                                                          absl::Minutes(1), kBatch));
  if (!stale.empty()) return Handle(stale);
  QRCLOUD_ASSIGN_OR_RETURN(auto fresh,
                           redis_->ReadGroup(kAuditStream, kAuditGroup, consumer_, kBatch, block));
  if (fresh.empty()) return 0;
  return Handle(fresh);
}

absl::StatusOr<int> SubmissionConsumer::Handle(const std::vector<cache::StreamEntry>& entries) {
  std::vector<std::string> done;
  bool created = false;
  absl::Status failure;
  for (const auto& e : entries) {
    const std::string event_id = e.Field("event_id");
    const std::string type = e.Field("type");
    auto outcome = intake_.Accept(event_id, type, e.Field("data"));
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
      failure = outcome.status();
      break;
    }
    done.push_back(e.id);
  }
  if (created && on_created_) on_created_();
  if (!done.empty()) QRCLOUD_RETURN_IF_ERROR(redis_->Ack(kAuditStream, kAuditGroup, done));
  if (!failure.ok()) return failure;
  return static_cast<int>(done.size());
}

}  // namespace qrcloud::audit
