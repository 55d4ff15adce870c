#include "services/audit/submission_intake.h"

#include <google/protobuf/util/json_util.h>

#include <optional>

#include "absl/strings/str_cat.h"
#include "libs/core/ids.h"
#include "libs/core/moderation_events.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"

namespace qrcloud::audit {
namespace {

// What the checks need to know about a submission, whatever its type.
struct Submission {
  v1::AuditTask::Subject subject = v1::AuditTask::SUBJECT_UNSPECIFIED;
  std::string subject_id;
  std::string merchant_id;
  std::vector<Finding> findings;
};

absl::Status ParseJson(absl::string_view type, absl::string_view data,
                       google::protobuf::Message* out) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;  // the owner's messages may grow
  auto s = google::protobuf::util::JsonStringToMessage(std::string(data), out, options);
  if (!s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(type, " data is not a ",
                                                   out->GetDescriptor()->full_name(),
                                                   " in JSON: ", std::string(s.message())));
  }
  return absl::OkStatus();
}

const char* ActionFor(v1::AuditTask::State state) {
  switch (state) {
    case v1::AuditTask::APPROVED:
      return "approve";
    case v1::AuditTask::REJECTED:
      return "reject";
    default:
      return "queue";
  }
}

// Reads the submission and runs its checks; nullopt for an event type the
// audit service does not take.
absl::StatusOr<std::optional<Submission>> Check(const Rules& rules, absl::string_view type,
                                                absl::string_view data, absl::Time now) {
  if (type == kQualificationSubmitted || type == kLandingRequested || type == kProfileSubmitted) {
    v1::Merchant merchant;
    QRCLOUD_RETURN_IF_ERROR(ParseJson(type, data, &merchant));
    if (type == kQualificationSubmitted) {
      return Submission{v1::AuditTask::QUALIFICATION, merchant.id(), merchant.id(),
                        rules.CheckQualification(merchant)};
    }
    if (type == kProfileSubmitted) {
      return Submission{v1::AuditTask::MERCHANT_PROFILE, merchant.id(), merchant.id(),
                        rules.CheckProfile(merchant)};
    }
    return Submission{v1::AuditTask::LANDING_BUSINESS, merchant.id(), merchant.id(),
                      rules.CheckLandingRequest(merchant)};
  }
  if (type == core::kReviewSubmitted) {
    v1::Review review;
    QRCLOUD_RETURN_IF_ERROR(ParseJson(type, data, &review));
    return Submission{v1::AuditTask::REVIEW, review.id(), review.merchant_id(),
                      rules.CheckReview(review)};
  }
  if (type == core::kShareSubmitted) {
    v1::Share share;
    QRCLOUD_RETURN_IF_ERROR(ParseJson(type, data, &share));
    return Submission{v1::AuditTask::SHARE, share.id(), "", rules.CheckShare(share)};
  }
  if (type == core::kCommentSubmitted) {
    v1::Comment comment;
    QRCLOUD_RETURN_IF_ERROR(ParseJson(type, data, &comment));
    return Submission{v1::AuditTask::COMMENT, comment.id(), "", rules.CheckComment(comment)};
  }
  if (type == core::kReviewReported || type == core::kShareReported) {
    v1::ContentReport report;
    QRCLOUD_RETURN_IF_ERROR(ParseJson(type, data, &report));
    if (type == core::kReviewReported) {
      return Submission{v1::AuditTask::REVIEW, report.review().id(), report.review().merchant_id(),
                        rules.CheckReport(report)};
    }
    report.clear_review();
    return Submission{v1::AuditTask::SHARE, report.share().id(), "", rules.CheckReport(report)};
  }
  if (type == kCampaignSubmitted) {
    v1::Campaign campaign;
    QRCLOUD_RETURN_IF_ERROR(ParseJson(type, data, &campaign));
    return Submission{v1::AuditTask::CAMPAIGN, campaign.id(), campaign.merchant_id(),
                      rules.CheckCampaign(campaign, now)};
  }
  return std::nullopt;
}

// The task for a submission, decided already unless the verdict queues it.
TaskRecord NewTask(absl::string_view event_id, absl::string_view data, const Submission& sub,
                   const Verdict& verdict, absl::Time now) {
  TaskRecord record;
  record.submission_id = std::string(event_id);
  v1::AuditTask& task = record.task;
  task.set_id(core::NewIdAt(now));
  task.set_subject(sub.subject);
  task.set_subject_id(sub.subject_id);
  task.set_merchant_id(sub.merchant_id);
  task.set_state(verdict.state);
  for (const Finding& f : sub.findings) task.add_findings(f.ToString());
  task.set_snapshot_json(std::string(data));
  core::ToProto(now, task.mutable_create_time());
  if (verdict.state != v1::AuditTask::QUEUED) {
    for (const auto& r : verdict.reasons) task.add_reasons(r);
    task.set_decided_by(kAutoActor);
    core::ToProto(now, task.mutable_decide_time());
  }
  return record;
}

// The automatic decision on `record`, for the owner of the subject.
DecisionRecord AutoDecision(const TaskRecord& record, const Verdict& verdict, absl::Time now) {
  DecisionRecord decision;
  decision.task_id = record.task.id();
  decision.subject = record.task.subject();
  decision.subject_id = record.task.subject_id();
  decision.submission_id = record.submission_id;
  decision.approve = verdict.state == v1::AuditTask::APPROVED;
  decision.reasons = verdict.reasons;
  decision.decided_by = kAutoActor;
  decision.created_at = now;
  return decision;
}

}  // namespace

absl::StatusOr<IntakeOutcome> SubmissionIntake::Accept(absl::string_view event_id,
                                                       absl::string_view type,
                                                       absl::string_view data) {
  const absl::Time now = core::ToMicros(clock_.Now());
  QRCLOUD_ASSIGN_OR_RETURN(std::optional<Submission> sub, Check(rules_, type, data, now));
  if (!sub) return IntakeOutcome::kSkipped;
  if (event_id.empty() || event_id.size() > 64) {
    return absl::InvalidArgumentError(
        absl::StrCat(type, " event has no usable event_id (\"", event_id, "\")"));
  }
  if (sub->subject_id.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(type, " event ", event_id, " names no id"));
  }

  const Verdict verdict = Decide(sub->findings, auto_approve_);
  const TaskRecord record = NewTask(event_id, data, *sub, verdict, now);
  absl::Status s = store_.mysql().Transaction([&](store::Connection& conn) -> absl::Status {
    QRCLOUD_RETURN_IF_ERROR(store_.InsertTask(conn, record));
    QRCLOUD_RETURN_IF_ERROR(
        store_.AppendLog(conn, {kAutoActor, ActionFor(verdict.state), sub->subject, sub->subject_id,
                                record.task.id(), record.submission_id, verdict.reasons, now}));
    if (verdict.state == v1::AuditTask::QUEUED) return absl::OkStatus();
    return store_.InsertDecision(conn, AutoDecision(record, verdict, now));
  });
  // The unique submission id: this event was taken in before.
  if (s.code() == absl::StatusCode::kAlreadyExists) return IntakeOutcome::kReplayed;
  if (!s.ok()) return s;
  return IntakeOutcome::kCreated;
}

}  // namespace qrcloud::audit
