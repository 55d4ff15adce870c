// The rules of reviews, circles, shares and comments, apart from storage and
// transport: what is accepted, who belongs to a circle, what moderation
// must see first, and how ratings add up. Unit-tested without a database
// (social_rules_test.cc).
#ifndef QRCLOUD_SERVICES_PERSONAL_SOCIAL_RULES_H_
#define QRCLOUD_SERVICES_PERSONAL_SOCIAL_RULES_H_

#include <optional>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "qrcloud/v1/social.pb.h"

namespace qrcloud::personal {

inline constexpr size_t kMaxReviewChars = 2000;
inline constexpr size_t kMaxReplyChars = 1000;
inline constexpr size_t kMaxShareChars = 2000;
inline constexpr size_t kMaxCommentChars = 500;
inline constexpr size_t kMaxReportChars = 500;
inline constexpr size_t kMaxCircleNameChars = 60;
inline constexpr int kMaxReviewImages = 6;
inline constexpr int kMaxShareImages = 9;
inline constexpr int kMaxShareLinks = 5;
inline constexpr int kMinCircleRadiusM = 100;
inline constexpr int kMaxCircleRadiusM = 50'000;
// Circles a person may own, and interest circles they may join.
inline constexpr int kMaxOwnedCircles = 50;
inline constexpr int kMaxJoinedCircles = 200;

// A review as asked for, checked: rating 1..5, text within kMaxReviewChars
// (trimmed), at most kMaxReviewImages platform images. INVALID_ARGUMENT
// names the field and what is accepted.
absl::Status CheckReview(const v1::CreateReviewRequest& req, absl::string_view public_url);

// A share as asked for, checked: a circle, something to share (text, an
// image, a link, a campaign or a code), text within kMaxShareChars, public
// http(s) links, platform images.
absl::Status CheckShare(const v1::Share& share, absl::string_view public_url);

// A comment: 1..kMaxCommentChars of text and no links (comments carry
// words; links and images go in shares, which are audited first).
absl::Status CheckComment(absl::string_view text);

// A report's reason: 1..kMaxReportChars.
absl::Status CheckReport(absl::string_view reason);

// A new circle as kept: the name trimmed; INTEREST with its interest folded
// as profiles keep interests; LOCATION with a valid area; FRIENDS as is.
absl::StatusOr<v1::Circle> CleanCircle(const v1::Circle& asked);

// `url` is platform media: <public_url>/media/<id>.
bool IsPlatformMedia(absl::string_view url, absl::string_view public_url);

// Whether moderation must approve a share before anyone else sees it: one
// with links or images. Text-only shares and comments are shown at once
// and taken down if moderation rejects them; reviews always wait.
bool SharePreModerated(const v1::Share& share);

// What a person is, as circles see them.
struct Viewer {
  std::string account_id;
  // Folded, as the profile keeps them.
  std::set<std::string> interests;
  // Accepted friends.
  std::set<std::string> friends;
  // Interest circles joined.
  std::set<std::string> joined;
  // Their marked or live location, when they set one.
  std::optional<v1::GeoPoint> location;
  // People they blocked: their shares are not shown to them.
  std::set<std::string> blocked;
};

// Whether `viewer` belongs to `circle` now: an INTEREST circle they joined
// and whose interest they still have; the FRIENDS circle of themselves or
// of a friend; a LOCATION circle whose area holds their location.
bool IsMember(const v1::Circle& circle, const Viewer& viewer);

// Whether `viewer` may share into `circle`: a member, and for a FRIENDS
// circle only its owner (a friend's friends are not one's own).
bool MayShare(const v1::Circle& circle, const Viewer& viewer);

// The mean of `count` ratings summing to `sum`, times 100, rounded half up;
// 0 when there are none.
int32_t AverageX100(int64_t sum, int64_t count);

}  // namespace qrcloud::personal

#endif  // QRCLOUD_SERVICES_PERSONAL_SOCIAL_RULES_H_
