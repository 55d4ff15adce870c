// MySQL access for the audit service's tables: tasks, the decisions waiting
// to reach the center, and the append-only audit log. Only the audit service
// touches these tables.
#ifndef QRCLOUD_SERVICES_AUDIT_AUDIT_STORE_H_
#define QRCLOUD_SERVICES_AUDIT_AUDIT_STORE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/store/mysql.h"
#include "qrcloud/v1/audit.pb.h"

namespace qrcloud::audit {

// The actor of the automatic checks in the log and in decided_by.
inline constexpr char kAutoActor[] = "auto";

struct TaskRecord {
  v1::AuditTask task;
  // The id of the event that carried the submission (unique).
  std::string submission_id;
};

// A decision on its way to the service that owns the audited thing.
struct DecisionRecord {
  int64_t id = 0;  // assigned by the store
  std::string task_id;
  v1::AuditTask::Subject subject = v1::AuditTask::SUBJECT_UNSPECIFIED;
  std::string subject_id;
  std::string submission_id;
  bool approve = false;
  std::vector<std::string> reasons;
  std::string decided_by;
  absl::Time created_at;
  int attempts = 0;
};

// How a decision's delivery ended.
inline constexpr char kOutcomeApplied[] = "applied";
// The owner answered FAILED_PRECONDITION: a newer submission replaced this one.
inline constexpr char kOutcomeSuperseded[] = "superseded";
// The owner no longer has the subject (NOT_FOUND).
inline constexpr char kOutcomeSubjectGone[] = "subject_gone";

struct LogRecord {
  std::string actor;   // "auto" or an account id
  std::string action;  // approve | reject | queue
  v1::AuditTask::Subject subject = v1::AuditTask::SUBJECT_UNSPECIFIED;
  std::string subject_id;
  std::string task_id;
  std::string submission_id;
  std::vector<std::string> reasons;
  absl::Time at;
};

class AuditStore {
 public:
  explicit AuditStore(store::MysqlPool& mysql) : mysql_(mysql) {}

  // ALREADY_EXISTS if a task for the same submission exists.
  absl::Status InsertTask(store::Connection& conn, const TaskRecord& record);
  // NOT_FOUND naming the id if there is no such task.
  absl::StatusOr<TaskRecord> GetTask(store::Connection& conn, absl::string_view id,
                                     bool for_update = false);
  absl::StatusOr<TaskRecord> GetTaskBySubmission(absl::string_view submission_id);
  // Sets the outcome of a task.
  absl::Status FinishTask(store::Connection& conn, absl::string_view id, v1::AuditTask::State state,
                          const std::vector<std::string>& reasons, absl::string_view decided_by,
                          absl::Time at);
  // Tasks in one state (and subject, unless unspecified) in id order after
  // `after_id`: oldest first.
  absl::StatusOr<std::vector<v1::AuditTask>> ListTasks(v1::AuditTask::State state,
                                                       v1::AuditTask::Subject subject,
                                                       absl::string_view after_id, int limit);

  // Queues a decision for delivery, due at once.
  absl::Status InsertDecision(store::Connection& conn, const DecisionRecord& decision);
  // Claims up to `limit` undelivered decisions that are due at `now`, pushing
  // their next attempt `lease` ahead so that another replica does not send
  // them at the same time.
  absl::StatusOr<std::vector<DecisionRecord>> ClaimDueDecisions(absl::Time now,
                                                                absl::Duration lease, int limit);
  absl::Status MarkDelivered(int64_t id, absl::string_view outcome, absl::string_view note,
                             absl::Time at);
  absl::Status MarkAttemptFailed(int64_t id, int attempts, absl::Time next_attempt,
                                 absl::string_view error);
  absl::StatusOr<int64_t> CountUndelivered();

  // Appends to the log (the table refuses updates and deletes).
  absl::Status AppendLog(store::Connection& conn, const LogRecord& entry);
  // Log entries, newest first, with id below `before_id` (0: from the newest),
  // for one subject unless `subject_id` is empty.
  absl::StatusOr<std::vector<v1::AuditLogEntry>> ListLog(absl::string_view subject_id,
                                                         int64_t before_id, int limit);

  store::MysqlPool& mysql() { return mysql_; }

 private:
  store::MysqlPool& mysql_;
};

// A JSON array of strings, and back ("" reads as empty).
std::string EncodeStrings(const std::vector<std::string>& values);
std::vector<std::string> DecodeStrings(absl::string_view json);

}  // namespace qrcloud::audit

#endif  // QRCLOUD_SERVICES_AUDIT_AUDIT_STORE_H_
