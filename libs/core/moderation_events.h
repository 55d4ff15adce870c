// The streams between the services whose content is moderated and the
// audit service: what they submit on `audit` (beside the center's
// submissions) and the decisions the audit service sends back on
// `moderation`. The type names here are the streams' schema.
#ifndef QRCLOUD_LIBS_CORE_MODERATION_EVENTS_H_
#define QRCLOUD_LIBS_CORE_MODERATION_EVENTS_H_

namespace qrcloud::core {

inline constexpr char kAuditStream[] = "audit";
inline constexpr char kModerationStream[] = "moderation";

// On `audit`, from the personal service. data: a v1.Review, v1.Share or
// v1.Comment as submitted.
inline constexpr char kReviewSubmitted[] = "review.submitted";
inline constexpr char kShareSubmitted[] = "share.submitted";
inline constexpr char kCommentSubmitted[] = "comment.submitted";
// data: a v1.ContentReport (the item and the reason).
inline constexpr char kReviewReported[] = "review.reported";
inline constexpr char kShareReported[] = "share.reported";

// On `moderation`, from the audit service. data: a v1.AuditDecision whose
// submission_id names the submission or report it decides.
inline constexpr char kReviewDecided[] = "review.decided";
inline constexpr char kShareDecided[] = "share.decided";
inline constexpr char kCommentDecided[] = "comment.decided";

}  // namespace qrcloud::core

#endif  // QRCLOUD_LIBS_CORE_MODERATION_EVENTS_H_
