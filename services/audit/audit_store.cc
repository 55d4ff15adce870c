#include "services/audit/audit_store.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <limits>

#include "absl/strings/str_cat.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"

namespace qrcloud::audit {
namespace {

constexpr char kTaskColumns[] =
    "id, subject, subject_id, merchant_id, submission_id, state, findings, reasons, snapshot_json, "
    "decided_by, created_at, decided_at";

constexpr char kDecisionColumns[] =
    "id, task_id, subject, subject_id, submission_id, approve, reasons, decided_by, created_at, "
    "attempts";

v1::AuditTask::Subject SubjectFromName(const std::string& name) {
  v1::AuditTask::Subject subject = v1::AuditTask::SUBJECT_UNSPECIFIED;
  v1::AuditTask::Subject_Parse(name, &subject);
  return subject;
}

TaskRecord TaskFromRow(const store::Row& r) {
  TaskRecord record;
  v1::AuditTask& t = record.task;
  t.set_id(r.String("id"));
  t.set_subject(SubjectFromName(r.String("subject")));
  t.set_subject_id(r.String("subject_id"));
  t.set_merchant_id(r.String("merchant_id"));
  v1::AuditTask::State state = v1::AuditTask::STATE_UNSPECIFIED;
  v1::AuditTask::State_Parse(r.String("state"), &state);
  t.set_state(state);
  for (auto& f : DecodeStrings(r.String("findings"))) t.add_findings(std::move(f));
  for (auto& reason : DecodeStrings(r.String("reasons"))) t.add_reasons(std::move(reason));
  t.set_snapshot_json(r.String("snapshot_json"));
  t.set_decided_by(r.String("decided_by"));
  core::ToProto(r.Time("created_at"), t.mutable_create_time());
  if (!r.IsNull("decided_at")) core::ToProto(r.Time("decided_at"), t.mutable_decide_time());
  record.submission_id = r.String("submission_id");
  return record;
}

DecisionRecord DecisionFromRow(const store::Row& r) {
  DecisionRecord d;
  d.id = r.Int("id");
  d.task_id = r.String("task_id");
  d.subject = SubjectFromName(r.String("subject"));
  d.subject_id = r.String("subject_id");
  d.submission_id = r.String("submission_id");
  d.approve = r.Bool("approve");
  d.reasons = DecodeStrings(r.String("reasons"));
  d.decided_by = r.String("decided_by");
  d.created_at = r.Time("created_at");
  d.attempts = static_cast<int>(r.Int("attempts"));
  return d;
}

}  // namespace

std::string EncodeStrings(const std::vector<std::string>& values) {
  google::protobuf::ListValue list;
  for (const auto& v : values) list.add_values()->set_string_value(v);
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(list, &out);
  return out;
}

std::vector<std::string> DecodeStrings(absl::string_view json) {
  std::vector<std::string> out;
  google::protobuf::ListValue list;
  if (json.empty() || !google::protobuf::util::JsonStringToMessage(std::string(json), &list).ok())
    return out;
  for (const auto& v : list.values()) out.push_back(v.string_value());
  return out;
}

absl::Status AuditStore::InsertTask(store::Connection& conn, const TaskRecord& record) {
  const v1::AuditTask& t = record.task;
  std::vector<std::string> findings(t.findings().begin(), t.findings().end());
  std::vector<std::string> reasons(t.reasons().begin(), t.reasons().end());
  return conn
      .Execute(absl::StrCat("INSERT INTO tasks (", kTaskColumns,
                            ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
               {t.id(), v1::AuditTask::Subject_Name(t.subject()), t.subject_id(), t.merchant_id(),
                record.submission_id, v1::AuditTask::State_Name(t.state()), EncodeStrings(findings),
                EncodeStrings(reasons), t.snapshot_json(),
                t.decided_by().empty() ? store::Value(nullptr) : store::Value(t.decided_by()),
                core::FromProto(t.create_time()),
                t.has_decide_time() ? store::Value(core::FromProto(t.decide_time()))
                                    : store::Value(nullptr)})
      .status();
}

absl::StatusOr<TaskRecord> AuditStore::GetTask(store::Connection& conn, absl::string_view id,
                                               bool for_update) {
  auto row = conn.QueryOne(absl::StrCat("SELECT ", kTaskColumns, " FROM tasks WHERE id = ?",
                                        for_update ? " FOR UPDATE" : ""),
                           {std::string(id)});
  if (row.status().code() == absl::StatusCode::kNotFound) {
    return absl::NotFoundError(absl::StrCat("audit task ", id, " not found"));
  }
  if (!row.ok()) return row.status();
  return TaskFromRow(*row);
}

absl::StatusOr<TaskRecord> AuditStore::GetTaskBySubmission(absl::string_view submission_id) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  auto row =
      conn->QueryOne(absl::StrCat("SELECT ", kTaskColumns, " FROM tasks WHERE submission_id = ?"),
                     {std::string(submission_id)});
  if (row.status().code() == absl::StatusCode::kNotFound) {
    return absl::NotFoundError(absl::StrCat("no audit task for submission ", submission_id));
  }
  if (!row.ok()) return row.status();
  return TaskFromRow(*row);
}

absl::Status AuditStore::FinishTask(store::Connection& conn, absl::string_view id,
                                    v1::AuditTask::State state,
                                    const std::vector<std::string>& reasons,
                                    absl::string_view decided_by, absl::Time at) {
  QRCLOUD_ASSIGN_OR_RETURN(
      int64_t n,
      conn.Execute(
          "UPDATE tasks SET state = ?, reasons = ?, decided_by = ?, decided_at = ? WHERE id = ?",
          {v1::AuditTask::State_Name(state), EncodeStrings(reasons), std::string(decided_by), at,
           std::string(id)}));
  if (n == 0) return absl::NotFoundError(absl::StrCat("audit task ", id, " not found"));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::AuditTask>> AuditStore::ListTasks(v1::AuditTask::State state,
                                                                 v1::AuditTask::Subject subject,
                                                                 absl::string_view after_id,
                                                                 int limit) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  std::string sql = absl::StrCat("SELECT ", kTaskColumns, " FROM tasks WHERE state = ? AND id > ?");
  store::Params params = {v1::AuditTask::State_Name(state), std::string(after_id)};
  if (subject != v1::AuditTask::SUBJECT_UNSPECIFIED) {
    sql += " AND subject = ?";
    params.push_back(v1::AuditTask::Subject_Name(subject));
  }
  sql += " ORDER BY id LIMIT ?";
  params.push_back(static_cast<int64_t>(limit));
  QRCLOUD_ASSIGN_OR_RETURN(auto rows, conn->Query(sql, params));
  std::vector<v1::AuditTask> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(TaskFromRow(r).task);
  return out;
}

absl::Status AuditStore::InsertDecision(store::Connection& conn, const DecisionRecord& d) {
  return conn
      .Execute(
          "INSERT INTO decisions (task_id, subject, subject_id, submission_id, approve, reasons, "
          "decided_by, "
          "created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {d.task_id, v1::AuditTask::Subject_Name(d.subject), d.subject_id, d.submission_id,
           d.approve, EncodeStrings(d.reasons), d.decided_by, d.created_at, d.created_at})
      .status();
}

absl::StatusOr<std::vector<DecisionRecord>> AuditStore::ClaimDueDecisions(absl::Time now,
                                                                          absl::Duration lease,
                                                                          int limit) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  QRCLOUD_ASSIGN_OR_RETURN(
      auto rows,
      conn->Query(absl::StrCat("SELECT ", kDecisionColumns,
                               " FROM decisions WHERE applied_at IS NULL AND next_attempt_at <= ? "
                               "ORDER BY next_attempt_at, id LIMIT ?"),
                  {now, static_cast<int64_t>(limit)}));
  std::vector<DecisionRecord> claimed;
  for (const auto& r : rows) {
    // Only one claimer moves a due row into the future.
    QRCLOUD_ASSIGN_OR_RETURN(
        int64_t n, conn->Execute("UPDATE decisions SET next_attempt_at = ? "
                                 "WHERE id = ? AND applied_at IS NULL AND next_attempt_at <= ?",
                                 {now + lease, r.Int("id"), now}));
    if (n == 1) claimed.push_back(DecisionFromRow(r));
  }
  return claimed;
}

absl::Status AuditStore::MarkDelivered(int64_t id, absl::string_view outcome,
                                       absl::string_view note, absl::Time at) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  return conn
      ->Execute(
          "UPDATE decisions SET applied_at = ?, outcome = ?, last_error = ?, attempts = attempts + "
          "1 "
          "WHERE id = ? AND applied_at IS NULL",
          {at, std::string(outcome),
           note.empty() ? store::Value(nullptr) : store::Value(std::string(note)), id})
      .status();
}

absl::Status AuditStore::MarkAttemptFailed(int64_t id, int attempts, absl::Time next_attempt,
                                           absl::string_view error) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  return conn
      ->Execute(
          "UPDATE decisions SET attempts = ?, next_attempt_at = ?, last_error = ? "
          "WHERE id = ? AND applied_at IS NULL",
          {static_cast<int64_t>(attempts), next_attempt, std::string(error), id})
      .status();
}

absl::StatusOr<int64_t> AuditStore::CountUndelivered() {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  QRCLOUD_ASSIGN_OR_RETURN(
      store::Row r, conn->QueryOne("SELECT COUNT(*) AS n FROM decisions WHERE applied_at IS NULL"));
  return r.Int("n");
}

absl::Status AuditStore::AppendLog(store::Connection& conn, const LogRecord& e) {
  return conn
      .Execute(
          "INSERT INTO audit_log (at, actor, action, subject, subject_id, task_id, submission_id, "
          "reasons) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
          {e.at, e.actor, e.action, v1::AuditTask::Subject_Name(e.subject), e.subject_id, e.task_id,
           e.submission_id, EncodeStrings(e.reasons)})
      .status();
}

absl::StatusOr<std::vector<v1::AuditLogEntry>> AuditStore::ListLog(absl::string_view subject_id,
                                                                   int64_t before_id, int limit) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  std::string sql =
      "SELECT id, at, actor, action, subject, subject_id, reasons FROM audit_log WHERE id < ?";
  store::Params params = {before_id > 0 ? before_id : std::numeric_limits<int64_t>::max()};
  if (!subject_id.empty()) {
    sql += " AND subject_id = ?";
    params.push_back(std::string(subject_id));
  }
  sql += " ORDER BY id DESC LIMIT ?";
  params.push_back(static_cast<int64_t>(limit));
  QRCLOUD_ASSIGN_OR_RETURN(auto rows, conn->Query(sql, params));
  std::vector<v1::AuditLogEntry> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    v1::AuditLogEntry e;
    e.set_id(r.String("id"));
    e.set_actor(r.String("actor"));
    e.set_action(r.String("action"));
    e.set_subject(r.String("subject"));
    e.set_subject_id(r.String("subject_id"));
    for (auto& reason : DecodeStrings(r.String("reasons"))) e.add_reasons(std::move(reason));
    core::ToProto(r.Time("at"), e.mutable_time());
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace qrcloud::audit
