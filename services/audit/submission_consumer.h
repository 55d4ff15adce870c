// Reads the `audit` stream in the consumer group `audit` and hands each event
// to the SubmissionIntake, acknowledging what it took in.
//
// An event the intake cannot read, or of a type not audited, is logged and
// acknowledged (it would fail the same way every time). An event that failed
// on a database error stays unacknowledged and is read again: entries left
// pending, by this consumer or one that died, are claimed after a minute.
#ifndef QRCLOUD_SERVICES_AUDIT_SUBMISSION_CONSUMER_H_
#define QRCLOUD_SERVICES_AUDIT_SUBMISSION_CONSUMER_H_

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "libs/cache/redis.h"
#include "services/audit/submission_intake.h"

namespace qrcloud::audit {

inline constexpr char kAuditStream[] = "audit";
inline constexpr char kAuditGroup[] = "audit";

class SubmissionConsumer {
 public:
  // `on_created` runs after a batch that created tasks (to nudge delivery).
  SubmissionConsumer(SubmissionIntake& intake, cache::RedisOptions redis_options,
                     std::string consumer, std::function<void()> on_created)
      : intake_(intake),
        redis_options_(std::move(redis_options)),
        consumer_(std::move(consumer)),
        on_created_(std::move(on_created)) {}
  ~SubmissionConsumer() { Stop(); }

  void Start();
  void Stop();

  // Reads and handles one batch (stale entries of dead consumers first);
  // returns how many entries it acknowledged.
  absl::StatusOr<int> RunOnce(absl::Duration block);

 private:
  absl::StatusOr<int> Handle(const std::vector<cache::StreamEntry>& entries);

  SubmissionIntake& intake_;
  cache::RedisOptions redis_options_;
  std::string consumer_;
  std::function<void()> on_created_;
  std::unique_ptr<cache::RedisPool> redis_;
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace qrcloud::audit

#endif  // QRCLOUD_SERVICES_AUDIT_SUBMISSION_CONSUMER_H_
