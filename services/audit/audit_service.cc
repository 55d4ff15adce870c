#include "services/audit/audit_service.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/auth/access.h"
#include "libs/core/ids.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"
#include "libs/core/validate.h"
#include "libs/rpc/paging.h"

namespace qrcloud::audit {
namespace {

constexpr int kMaxReasons = 20;
constexpr int kMaxReasonChars = 500;

// The reasons as the merchant will read them: trimmed, each one line.
absl::StatusOr<std::vector<std::string>> CleanReasons(const v1::DecideTaskRequest& req) {
  if (req.reasons_size() > kMaxReasons) {
    return core::InvalidField("reasons", absl::StrCat("give at most ", kMaxReasons, " reasons"));
  }
  std::vector<std::string> out;
  for (int i = 0; i < req.reasons_size(); ++i) {
    const std::string reason(absl::StripAsciiWhitespace(req.reasons(i)));
    if (reason.empty()) {
      return core::InvalidField(
          "reasons", absl::StrCat("reason ", i + 1, " is empty; say what the merchant must fix"));
    }
    if (reason.find_first_of("\r\n") != std::string::npos) {
      return core::InvalidField(
          "reasons", absl::StrCat("reason ", i + 1, " spans lines; give one reason per entry"));
    }
    if (!core::IsValidUtf8(reason) || core::Utf8Length(reason) > kMaxReasonChars) {
      return core::InvalidField("reasons",
                                absl::StrCat("reason ", i + 1, " must be UTF-8 text of at most ",
                                             kMaxReasonChars, " characters"));
    }
    out.push_back(reason);
  }
  if (!req.approve() && out.empty()) {
    return core::InvalidField(
        "reasons",
        "rejecting needs at least one reason the merchant can act on, "
        "e.g. {\"approve\":false,\"reasons\":[\"the licence photo is unreadable\"]}");
  }
  return out;
}

std::string Describe(const v1::AuditTask& task) {
  std::string when;
  if (task.has_decide_time()) {
    when = absl::StrCat(" at ",
                        absl::FormatTime(absl::RFC3339_sec, core::FromProto(task.decide_time()),
                                         absl::UTCTimeZone()));
  }
  return absl::StrCat(v1::AuditTask::State_Name(task.state()), " (by ", task.decided_by(), when,
                      ")");
}

}  // namespace

absl::Status AuditLogic::ListTasks(const rpc::CallContext& call, const v1::ListTasksRequest& req,
                                   v1::ListTasksResponse& resp) {
  QRCLOUD_RETURN_IF_ERROR(auth::RequireRole(call.caller(), auth::Role::kAuditor));
  QRCLOUD_ASSIGN_OR_RETURN(const int size, rpc::PageSize(req.page()));
  const std::string& token = req.page().page_token();
  if (!token.empty() && !core::IsValidId(token)) {
    return core::InvalidField("page.pageToken", "is not the nextPageToken of an earlier page");
  }
  const v1::AuditTask::State state =
      req.state() == v1::AuditTask::STATE_UNSPECIFIED ? v1::AuditTask::QUEUED : req.state();
  QRCLOUD_ASSIGN_OR_RETURN(auto tasks, store_.ListTasks(state, req.subject(), token, size + 1));
  if (std::string next = rpc::TakePage(tasks, size); !next.empty()) {
    resp.mutable_page()->set_next_page_token(next);
  }
  for (auto& t : tasks) *resp.add_tasks() = std::move(t);
  return absl::OkStatus();
}

absl::Status AuditLogic::GetTask(const rpc::CallContext& call, const v1::GetTaskRequest& req,
                                 v1::AuditTask& resp) {
  QRCLOUD_RETURN_IF_ERROR(auth::RequireRole(call.caller(), auth::Role::kAuditor));
  if (req.id().empty()) return core::InvalidField("id", "is required: the audit task's id");
  return store_.mysql().Transaction([&](store::Connection& conn) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(TaskRecord record, store_.GetTask(conn, req.id()));
    resp = std::move(record.task);
    return absl::OkStatus();
  });
}

absl::Status AuditLogic::DecideTask(const rpc::CallContext& call, const v1::DecideTaskRequest& req,
                                    v1::AuditTask& resp) {
  QRCLOUD_RETURN_IF_ERROR(auth::RequireRole(call.caller(), auth::Role::kAuditor));
  if (req.id().empty()) return core::InvalidField("id", "is required: the audit task's id");
  QRCLOUD_ASSIGN_OR_RETURN(const std::vector<std::string> reasons, CleanReasons(req));
  const std::string& actor = call.caller().account_id;

  const absl::Status recorded =
      store_.mysql().Transaction([&](store::Connection& conn) -> absl::Status {
        QRCLOUD_ASSIGN_OR_RETURN(TaskRecord record,
                                 store_.GetTask(conn, req.id(), /*for_update=*/true));
        const v1::AuditTask& task = record.task;
        if (task.state() != v1::AuditTask::QUEUED) {
          return absl::FailedPreconditionError(absl::StrCat("audit task ", task.id(),
                                                            " is already ", Describe(task),
                                                            "; only a QUEUED task can be decided"));
        }
        const absl::Time now = core::ToMicros(clock_.Now());
        const v1::AuditTask::State state =
            req.approve() ? v1::AuditTask::APPROVED : v1::AuditTask::REJECTED;
        QRCLOUD_RETURN_IF_ERROR(store_.FinishTask(conn, task.id(), state, reasons, actor, now));
        DecisionRecord decision;
        decision.task_id = task.id();
        decision.subject = task.subject();
        decision.subject_id = task.subject_id();
        decision.submission_id = record.submission_id;
        decision.approve = req.approve();
        decision.reasons = reasons;
        decision.decided_by = actor;
        decision.created_at = now;
        QRCLOUD_RETURN_IF_ERROR(store_.InsertDecision(conn, decision));
        QRCLOUD_RETURN_IF_ERROR(store_.AppendLog(
            conn, {actor, req.approve() ? "approve" : "reject", task.subject(), task.subject_id(),
                   task.id(), record.submission_id, reasons, now}));
        QRCLOUD_ASSIGN_OR_RETURN(TaskRecord decided, store_.GetTask(conn, task.id()));
        resp = std::move(decided.task);
        return absl::OkStatus();
      });
  if (!recorded.ok()) return recorded;
  if (applier_ != nullptr) applier_->Nudge();
  return absl::OkStatus();
}

absl::Status AuditLogic::ListAuditLog(const rpc::CallContext& call,
                                      const v1::ListAuditLogRequest& req,
                                      v1::ListAuditLogResponse& resp) {
  QRCLOUD_RETURN_IF_ERROR(auth::RequireRole(call.caller(), auth::Role::kAuditor));
  QRCLOUD_ASSIGN_OR_RETURN(const int size, rpc::PageSize(req.page()));
  int64_t before = 0;
  const std::string& token = req.page().page_token();
  if (!token.empty() && (!absl::SimpleAtoi(token, &before) || before <= 0)) {
    return core::InvalidField("page.pageToken", "is not the nextPageToken of an earlier page");
  }
  QRCLOUD_ASSIGN_OR_RETURN(auto entries, store_.ListLog(req.subject_id(), before, size + 1));
  if (std::string next = rpc::TakePage(entries, size); !next.empty()) {
    resp.mutable_page()->set_next_page_token(next);
  }
  for (auto& e : entries) *resp.add_entries() = std::move(e);
  return absl::OkStatus();
}

}  // namespace qrcloud::audit
