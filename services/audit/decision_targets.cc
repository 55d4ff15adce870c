#include "services/audit/decision_targets.h"

#include <google/protobuf/util/json_util.h>

#include "absl/strings/str_cat.h"
#include "libs/core/moderation_events.h"

namespace qrcloud::audit {

bool IsPeoplesContent(v1::AuditTask::Subject subject) {
  return subject == v1::AuditTask::REVIEW || subject == v1::AuditTask::SHARE ||
         subject == v1::AuditTask::COMMENT;
}

absl::Status ModerationStream::Send(v1::AuditTask::Subject subject,
                                    const v1::AuditDecision& decision) {
  const char* type = nullptr;
  switch (subject) {
    case v1::AuditTask::REVIEW:
      type = core::kReviewDecided;
      break;
    case v1::AuditTask::SHARE:
      type = core::kShareDecided;
      break;
    case v1::AuditTask::COMMENT:
      type = core::kCommentDecided;
      break;
    default:
      return absl::InvalidArgumentError(absl::StrCat(
          v1::AuditTask::Subject_Name(subject), " decisions do not go on the moderation stream"));
  }
  std::string data;
  if (!google::protobuf::util::MessageToJsonString(decision, &data).ok()) {
    return absl::InternalError("cannot write the decision as JSON");
  }
  constexpr int64_t kMaxLen = 1'000'000;  // like the outbox's streams
  return redis_
      .XAdd(core::kModerationStream,
            {{"event_id", absl::StrCat("decision-", decision.task_id())},
             {"type", type},
             {"data", std::move(data)}},
            kMaxLen)
      .status();
}

}  // namespace qrcloud::audit
