#include "services/personal/social_rules.h"

#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/core/geo.h"
#include "libs/core/ids.h"
#include "libs/core/status.h"
#include "libs/core/validate.h"
#include "libs/text/hosts.h"
#include "services/personal/profile_logic.h"

namespace qrcloud::personal {
namespace {

absl::Status CheckImages(absl::string_view field,
                         const google::protobuf::RepeatedPtrField<std::string>& urls, int max,
                         absl::string_view public_url) {
  if (urls.size() > max) {
    return core::InvalidField(field, absl::StrCat(urls.size(), " given; at most ", max));
  }
  for (int i = 0; i < urls.size(); ++i) {
    if (!IsPlatformMedia(urls[i], public_url)) {
      return core::InvalidField(
          absl::StrCat(field, "[", i, "]"),
          absl::StrCat("is not an image on the platform: upload it first and give its url (",
                       public_url, "/media/<id>)"));
    }
  }
  return absl::OkStatus();
}

// Text that reads as a link: people put links in shares, where they are
// audited, not in comments.
bool HasLink(absl::string_view text) {
  const std::string lower = absl::AsciiStrToLower(text);
  return absl::StrContains(lower, "http://") || absl::StrContains(lower, "https://") ||
         absl::StrContains(lower, "www.");
}

}  // namespace

bool IsPlatformMedia(absl::string_view url, absl::string_view public_url) {
  const std::string prefix = absl::StrCat(public_url, "/media/");
  if (!absl::StartsWith(url, prefix)) return false;
  return core::IsValidId(url.substr(prefix.size()));
}

absl::Status CheckReview(const v1::CreateReviewRequest& req, absl::string_view public_url) {
  if (req.rating() < 1 || req.rating() > 5) {
    return core::InvalidField("rating",
                              absl::StrCat(req.rating(), " is not a rating; give 1 to 5"));
  }
  QRCLOUD_RETURN_IF_ERROR(
      core::ValidateText("text", absl::StripAsciiWhitespace(req.text()), 0, kMaxReviewChars));
  return CheckImages("imageUrls", req.image_urls(), kMaxReviewImages, public_url);
}

absl::Status CheckShare(const v1::Share& share, absl::string_view public_url) {
  if (!core::IsValidId(share.circle_id())) {
    return core::InvalidField("share.circleId", "is required: the circle to share into");
  }
  const absl::string_view text = absl::StripAsciiWhitespace(share.text());
  QRCLOUD_RETURN_IF_ERROR(core::ValidateText("share.text", text, 0, kMaxShareChars));
  QRCLOUD_RETURN_IF_ERROR(
      CheckImages("share.imageUrls", share.image_urls(), kMaxShareImages, public_url));
  if (share.links_size() > kMaxShareLinks) {
    return core::InvalidField("share.links",
                              absl::StrCat(share.links_size(), " given; at most ", kMaxShareLinks));
  }
  for (int i = 0; i < share.links_size(); ++i) {
    QRCLOUD_RETURN_IF_ERROR(
        text::ValidateOutboundLink(absl::StrCat("share.links[", i, "]"), share.links(i)));
  }
  if (!share.campaign_id().empty() && !core::IsValidId(share.campaign_id())) {
    return core::InvalidField("share.campaignId", "is not a campaign id");
  }
  if (!share.code_id().empty() && !core::IsValidId(share.code_id())) {
    return core::InvalidField("share.codeId", "is not a code id");
  }
  if (text.empty() && share.image_urls().empty() && share.links().empty() &&
      share.campaign_id().empty() && share.code_id().empty()) {
    return core::InvalidField("share",
                              "shares nothing: give text, an image, a link, a campaign or a code");
  }
  return absl::OkStatus();
}

absl::Status CheckComment(absl::string_view text) {
  const absl::string_view trimmed = absl::StripAsciiWhitespace(text);
  QRCLOUD_RETURN_IF_ERROR(core::ValidateText("text", trimmed, 1, kMaxCommentChars));
  if (HasLink(trimmed)) {
    return core::InvalidField("text", "has a link; comments are words only (share links instead)");
  }
  return absl::OkStatus();
}

absl::Status CheckReport(absl::string_view reason) {
  return core::ValidateText("reason", absl::StripAsciiWhitespace(reason), 1, kMaxReportChars);
}

absl::StatusOr<v1::Circle> CleanCircle(const v1::Circle& asked) {
  v1::Circle out;
  const absl::string_view name = absl::StripAsciiWhitespace(asked.name());
  QRCLOUD_RETURN_IF_ERROR(core::ValidateText("circle.name", name, 1, kMaxCircleNameChars));
  out.set_name(std::string(name));
  out.set_basis(asked.basis());
  switch (asked.basis()) {
    case v1::Circle::INTEREST: {
      google::protobuf::RepeatedPtrField<std::string> one;
      one.Add(std::string(asked.interest()));
      absl::StatusOr<std::vector<std::string>> cleaned = CleanInterests(one);
      if (!cleaned.ok() || cleaned->empty()) {
        return core::InvalidField("circle.interest",
                                  absl::StrCat("is required for an INTEREST circle: 1 to ",
                                               kMaxInterestChars, " characters"));
      }
      out.set_interest(cleaned->front());
      break;
    }
    case v1::Circle::LOCATION: {
      const v1::GeoFence& area = asked.area();
      if (!asked.has_area() || !area.has_origin()) {
        return core::InvalidField("circle.area",
                                  "is required for a LOCATION circle: an origin "
                                  "and a radius");
      }
      QRCLOUD_RETURN_IF_ERROR(
          core::ValidateLatLng("circle.area.origin", area.origin().lat(), area.origin().lng()));
      if (area.radius_m() < kMinCircleRadiusM || area.radius_m() > kMaxCircleRadiusM) {
        return core::InvalidField("circle.area.radiusM",
                                  absl::StrCat(area.radius_m(), " is outside ", kMinCircleRadiusM,
                                               " to ", kMaxCircleRadiusM, " metres"));
      }
      *out.mutable_area() = area;
      break;
    }
    case v1::Circle::FRIENDS:
      break;
    default:
      return core::InvalidField("circle.basis", "give INTEREST, FRIENDS or LOCATION");
  }
  return out;
}

bool SharePreModerated(const v1::Share& share) {
  return !share.links().empty() || !share.image_urls().empty();
}

bool IsMember(const v1::Circle& circle, const Viewer& viewer) {
  switch (circle.basis()) {
    case v1::Circle::INTEREST:
      return viewer.joined.contains(circle.id()) && viewer.interests.contains(circle.interest());
    case v1::Circle::FRIENDS:
      return circle.owner_account_id() == viewer.account_id ||
             viewer.friends.contains(circle.owner_account_id());
    case v1::Circle::LOCATION: {
      if (!viewer.location) return false;
      const v1::GeoPoint& o = circle.area().origin();
      return core::DistanceMeters(o.lat(), o.lng(), viewer.location->lat(),
                                  viewer.location->lng()) <= circle.area().radius_m();
    }
    default:
      return false;
  }
}

bool MayShare(const v1::Circle& circle, const Viewer& viewer) {
  if (circle.basis() == v1::Circle::FRIENDS) return circle.owner_account_id() == viewer.account_id;
  return IsMember(circle, viewer);
}

int32_t AverageX100(int64_t sum, int64_t count) {
  if (count <= 0) return 0;
  // Half up, in integers: (200 * sum + count) / (2 * count).
  return static_cast<int32_t>((200 * sum + count) / (2 * count));
}

}  // namespace qrcloud::personal
