// Where the audit service's decisions go: the center owns qualifications,
// campaigns, landing requests and merchant profiles (CenterClient, over
// gRPC); the personal service owns reviews, shares and comments, and takes
// their decisions from the `moderation` stream (ModerationStream). The
// DecisionRouter sends each subject to its owner.
#ifndef QRCLOUD_SERVICES_AUDIT_DECISION_TARGETS_H_
#define QRCLOUD_SERVICES_AUDIT_DECISION_TARGETS_H_

#include "libs/cache/redis.h"
#include "services/audit/decision_applier.h"

namespace qrcloud::audit {

// Appends each decision to the `moderation` stream, typed by its subject
// (review.decided, share.decided, comment.decided). Delivered once Redis
// took it; the consumer applies it idempotently (by submission id), so a
// decision appended twice after a lost reply changes nothing.
class ModerationStream final : public DecisionTarget {
 public:
  explicit ModerationStream(cache::RedisPool& redis) : redis_(redis) {}
  absl::Status Send(v1::AuditTask::Subject subject, const v1::AuditDecision& decision) override;

 private:
  cache::RedisPool& redis_;
};

// True for the subjects whose owner reads the `moderation` stream.
bool IsPeoplesContent(v1::AuditTask::Subject subject);

class DecisionRouter final : public DecisionTarget {
 public:
  DecisionRouter(DecisionTarget& center, DecisionTarget& people)
      : center_(center), people_(people) {}
  absl::Status Send(v1::AuditTask::Subject subject, const v1::AuditDecision& decision) override {
    return IsPeoplesContent(subject) ? people_.Send(subject, decision)
                                     : center_.Send(subject, decision);
  }

 private:
  DecisionTarget& center_;
  DecisionTarget& people_;
};

}  // namespace qrcloud::audit

#endif  // QRCLOUD_SERVICES_AUDIT_DECISION_TARGETS_H_
