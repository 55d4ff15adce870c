#include "services/personal/social_logic.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "libs/core/ids.h"
#include "libs/core/moderation_events.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"
#include "libs/core/validate.h"
#include "libs/rpc/paging.h"
#include "services/personal/wallet_logic.h"

namespace qrcloud::personal {
namespace {

constexpr size_t kMaxRequestIdChars = 64;

absl::Status CheckRequestId(const std::string& request_id) {
  if (request_id.size() > kMaxRequestIdChars) {
    return core::InvalidField("requestId", "is at most 64 characters");
  }
  return absl::OkStatus();
}

absl::Status CheckToken(const std::string& token) {
  if (!token.empty() && !core::IsValidId(token)) {
    return core::InvalidField("page.pageToken", "is not the nextPageToken of an earlier page");
  }
  return absl::OkStatus();
}

absl::Status NoSuch(absl::string_view what, absl::string_view id) {
  return absl::NotFoundError(absl::StrCat("no ", what, " ", id.substr(0, 40)));
}

// Appends the submission to the outbox in `tx`; its event id names it.
absl::StatusOr<std::string> Submit(store::Tx& tx, const char* type,
                                   const google::protobuf::Message& item) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = false;
  if (!google::protobuf::util::MessageToJsonString(item, &json, options).ok()) {
    return absl::InternalError(absl::StrCat("cannot write ", type, " as JSON"));
  }
  return tx.AppendEvent({core::kAuditStream, type, std::move(json)});
}

// How the author is shown: their nickname, else "someone".
absl::StatusOr<std::string> AuthorName(store::Tx& tx, ProfileStore& profiles,
                                       absl::string_view account_id) {
  QRCLOUD_ASSIGN_OR_RETURN(std::optional<v1::Profile> profile, profiles.Get(tx, account_id));
  if (profile && !profile->nickname().empty()) return profile->nickname();
  return std::string("someone");
}

// The state a decision moves an item to.
v1::ModerationState Decided(bool approve) { return approve ? v1::VISIBLE : v1::REJECTED; }

void SetReasons(const v1::AuditDecision& d,
                google::protobuf::RepeatedPtrField<std::string>* reasons) {
  reasons->Clear();
  if (!d.approve()) *reasons = d.reasons();
}

// What others see of a review or share: never why it was rejected.
template <typename Item>
void ShownTo(Item& item, absl::string_view viewer) {
  if (item.account_id() != viewer) item.clear_rejection_reasons();
}

}  // namespace

// Reviews.

absl::Status ReviewLogic::Create(const rpc::CallContext& call, const v1::CreateReviewRequest& req,
                                 v1::Review& resp) {
  QRCLOUD_RETURN_IF_ERROR(RequirePerson(call));
  if (!core::IsValidId(req.campaign_id())) {
    return core::InvalidField("campaignId", "is not a campaign id");
  }
  QRCLOUD_RETURN_IF_ERROR(CheckReview(req, d_.public_url));
  QRCLOUD_RETURN_IF_ERROR(CheckRequestId(req.request_id()));
  // Only a campaign people can see can be reviewed; its merchant answers.
  absl::StatusOr<v1::Campaign> campaign = d_.campaigns.Fetch(req.campaign_id());
  if (campaign.status().code() == absl::StatusCode::kNotFound) {
    return NoSuch("public campaign", req.campaign_id());
  }
  QRCLOUD_RETURN_IF_ERROR(campaign.status());
  const std::string& me = call.caller().account_id;
  return d_.runner.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(std::optional<ReviewRow> existing,
                             d_.social.ReviewOf(tx, req.campaign_id(), me));
    if (existing) {
      if (!req.request_id().empty() && existing->request_id == req.request_id()) {
        resp = existing->review;
        return absl::OkStatus();
      }
      return absl::AlreadyExistsError(
          absl::StrCat("you reviewed this campaign already (review ", existing->review.id(), ")"));
    }
    ReviewRow row;
    row.request_id = req.request_id();
    v1::Review& v = row.review;
    const absl::Time now = core::ToMicros(d_.clock.Now());
    v.set_id(core::NewIdAt(now));
    v.set_campaign_id(req.campaign_id());
    v.set_merchant_id(campaign->merchant_id());
    v.set_account_id(me);
    QRCLOUD_ASSIGN_OR_RETURN(*v.mutable_author_name(), AuthorName(tx, d_.profiles, me));
    v.set_rating(req.rating());
    v.set_text(std::string(absl::StripAsciiWhitespace(req.text())));
    *v.mutable_image_urls() = req.image_urls();
    QRCLOUD_ASSIGN_OR_RETURN(const bool verified, d_.social.Redeemed(tx, me, req.campaign_id()));
    v.set_verified(verified);
    v.set_state(v1::PENDING);
    core::ToProto(now, v.mutable_create_time());
    QRCLOUD_ASSIGN_OR_RETURN(row.moderation.submission_id, Submit(tx, core::kReviewSubmitted, v));
    QRCLOUD_RETURN_IF_ERROR(d_.social.InsertReview(tx, row));
    resp = v;
    return absl::OkStatus();
  });
}

absl::Status ReviewLogic::List(const rpc::CallContext& call, const v1::ListReviewsRequest& req,
                               v1::ListReviewsResponse& resp) {
  if (!core::IsValidId(req.campaign_id())) {
    return core::InvalidField("campaignId", "is not a campaign id");
  }
  QRCLOUD_ASSIGN_OR_RETURN(const int size, rpc::PageSize(req.page()));
  const std::string& token = req.page().page_token();
  QRCLOUD_RETURN_IF_ERROR(CheckToken(token));
  const std::string viewer = call.principal ? call.caller().account_id : "";
  // The author's own review heads the first page until it is visible.
  if (token.empty() && !viewer.empty()) {
    QRCLOUD_RETURN_IF_ERROR(d_.runner.Run([&](store::Tx& tx) -> absl::Status {
      QRCLOUD_ASSIGN_OR_RETURN(std::optional<ReviewRow> own,
                               d_.social.ReviewOf(tx, req.campaign_id(), viewer));
      if (own && own->review.state() != v1::VISIBLE) *resp.add_reviews() = own->review;
      return absl::OkStatus();
    }));
  }
  QRCLOUD_ASSIGN_OR_RETURN(std::vector<ReviewRow> rows,
                           d_.social.VisibleReviews(req.campaign_id(), token, size + 1));
  if (static_cast<int>(rows.size()) > size) {
    rows.resize(size);
    resp.mutable_page()->set_next_page_token(rows.back().review.id());
  }
  for (ReviewRow& row : rows) {
    ShownTo(row.review, viewer);
    *resp.add_reviews() = std::move(row.review);
  }
  QRCLOUD_ASSIGN_OR_RETURN(const auto rating, d_.social.Rating(req.campaign_id()));
  resp.set_average_rating_x100(AverageX100(rating.first, rating.second));
  resp.set_review_count(static_cast<int32_t>(rating.second));
  return absl::OkStatus();
}

absl::Status ReviewLogic::Reply(const rpc::CallContext& call, const v1::ReplyToReviewRequest& req,
                                v1::Review& resp) {
  const auth::Principal& caller = call.caller();
  const bool merchant = caller.Has(auth::Role::kMerchant) || caller.Has(auth::Role::kMerchantStaff);
  if (!merchant || caller.merchant_id.empty()) {
    return absl::PermissionDeniedError("only the campaign's merchant replies to its reviews");
  }
  if (!core::IsValidId(req.id())) return NoSuch("review", req.id());
  const absl::string_view text = absl::StripAsciiWhitespace(req.text());
  QRCLOUD_RETURN_IF_ERROR(core::ValidateText("text", text, 1, kMaxReplyChars));
  return d_.runner.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(std::optional<ReviewRow> row, d_.social.GetReview(tx, req.id()));
    // Another merchant's review is as unknown as one that does not exist.
    if (!row || row->review.campaign_id() != req.campaign_id() ||
        row->review.merchant_id() != caller.merchant_id || row->review.state() != v1::VISIBLE) {
      return NoSuch("review", req.id());
    }
    if (!row->review.reply().empty()) {
      return absl::FailedPreconditionError(
          "this review has its reply already; a merchant "
          "replies once");
    }
    row->review.set_reply(std::string(text));
    core::ToProto(core::ToMicros(d_.clock.Now()), row->review.mutable_reply_time());
    QRCLOUD_RETURN_IF_ERROR(d_.social.UpdateReview(tx, *row));
    resp = row->review;
    resp.clear_rejection_reasons();
    return absl::OkStatus();
  });
}

absl::Status ReviewLogic::Report(const rpc::CallContext& call, const v1::ReportRequest& req,
                                 v1::ReportResponse&) {
  QRCLOUD_RETURN_IF_ERROR(RequirePerson(call));
  if (!core::IsValidId(req.id())) return NoSuch("review", req.id());
  QRCLOUD_RETURN_IF_ERROR(CheckReport(req.reason()));
  const std::string& me = call.caller().account_id;
  return d_.runner.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(std::optional<ReviewRow> row, d_.social.GetReview(tx, req.id()));
    if (!row || row->review.state() != v1::VISIBLE) return NoSuch("review", req.id());
    if (row->review.account_id() == me) {
      return absl::FailedPreconditionError("this is your own review");
    }
    const std::string reason(absl::StripAsciiWhitespace(req.reason()));
    QRCLOUD_ASSIGN_OR_RETURN(const bool first,
                             d_.social.AddReport(tx, ItemKind::kReview, req.id(), me, reason,
                                                 core::ToMicros(d_.clock.Now())));
    // One open report per review goes to an auditor; more wait for it.
    if (!first || !row->moderation.report_submission_id.empty()) return absl::OkStatus();
    v1::ContentReport report;
    *report.mutable_review() = row->review;
    report.set_reason(reason);
    QRCLOUD_ASSIGN_OR_RETURN(row->moderation.report_submission_id,
                             Submit(tx, core::kReviewReported, report));
    return d_.social.UpdateReview(tx, *row);
  });
}

absl::Status ReviewLogic::OnDecision(const v1::AuditDecision& d) {
  if (!core::IsValidId(d.subject_id())) return absl::OkStatus();  // not ours
  return d_.runner.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(std::optional<ReviewRow> row, d_.social.GetReview(tx, d.subject_id()));
    if (!row) return absl::OkStatus();
    v1::Review& v = row->review;
    const bool was_visible = v.state() == v1::VISIBLE;
    if (d.submission_id() == row->moderation.submission_id) {
      v.set_state(Decided(d.approve()));
      SetReasons(d, v.mutable_rejection_reasons());
    } else if (d.submission_id() == row->moderation.report_submission_id) {
      row->moderation.report_submission_id.clear();
      if (!d.approve()) {
        v.set_state(v1::REJECTED);
        SetReasons(d, v.mutable_rejection_reasons());
      }
    } else {
      return absl::OkStatus();  // an older submission's decision
    }
    const bool visible = v.state() == v1::VISIBLE;
    if (visible != was_visible) {
      const int64_t sign = visible ? 1 : -1;
      QRCLOUD_RETURN_IF_ERROR(d_.social.AddRating(tx, v.campaign_id(), sign * v.rating(), sign));
    }
    return d_.social.UpdateReview(tx, *row);
  });
}

absl::Status ReviewLogic::OnOrder(const v1::Order& order) {
  if (order.state() != v1::Order::REDEEMED || !core::IsValidId(order.account_id()) ||
      !core::IsValidId(order.campaign_id())) {
    return absl::OkStatus();
  }
  return d_.runner.Run([&](store::Tx& tx) -> absl::Status {
    return d_.social.MarkVerified(tx, order.account_id(), order.campaign_id());
  });
}

// Circles.

absl::StatusOr<Viewer> CircleLogic::ViewerOf(absl::string_view account_id) {
  return d_.social.LoadViewer(account_id);
}

absl::StatusOr<std::vector<v1::Circle>> CircleLogic::CirclesOf(const Viewer& viewer) {
  std::set<std::string> owners = viewer.friends;
  owners.insert(viewer.account_id);
  QRCLOUD_ASSIGN_OR_RETURN(std::vector<v1::Circle> candidates,
                           d_.social.Candidates(viewer.joined, owners, viewer.location));
  std::vector<v1::Circle> out;
  for (v1::Circle& c : candidates) {
    if (!IsMember(c, viewer)) continue;
    c.set_member(true);
    out.push_back(std::move(c));
  }
  return out;
}

absl::Status CircleLogic::CreateCircle(const rpc::CallContext& call,
                                       const v1::CreateCircleRequest& req, v1::Circle& resp) {
  QRCLOUD_RETURN_IF_ERROR(RequirePerson(call));
  QRCLOUD_RETURN_IF_ERROR(CheckRequestId(req.request_id()));
  QRCLOUD_ASSIGN_OR_RETURN(v1::Circle circle, CleanCircle(req.circle()));
  const std::string& me = call.caller().account_id;
  QRCLOUD_ASSIGN_OR_RETURN(Viewer viewer, ViewerOf(me));
  if (circle.basis() == v1::Circle::INTEREST && !viewer.interests.contains(circle.interest())) {
    return absl::FailedPreconditionError(
        absl::StrCat("add \"", circle.interest(),
                     "\" to your interests first (PUT /v1/me/interests): an interest circle is "
                     "for people with that interest"));
  }
  const absl::Status done = d_.runner.Run([&](store::Tx& tx) -> absl::Status {
    std::optional<v1::Circle> existing;
    if (!req.request_id().empty()) {
      QRCLOUD_ASSIGN_OR_RETURN(existing, d_.social.CircleByRequest(tx, me, req.request_id()));
    }
    // One friends circle per person: asking again gives it back.
    if (!existing && circle.basis() == v1::Circle::FRIENDS) {
      QRCLOUD_ASSIGN_OR_RETURN(existing, d_.social.FriendsCircleOf(tx, me));
    }
    if (existing) {
      resp = *existing;
      resp.set_member(IsMember(resp, viewer));
      return absl::OkStatus();
    }
    QRCLOUD_ASSIGN_OR_RETURN(const int64_t owned, d_.social.CountOwned(tx, me));
    if (owned >= kMaxOwnedCircles) {
      return absl::ResourceExhaustedError(
          absl::StrCat("you own ", owned, " circles; at most ", kMaxOwnedCircles));
    }
    const absl::Time now = core::ToMicros(d_.clock.Now());
    circle.set_id(core::NewIdAt(now));
    circle.set_owner_account_id(me);
    core::ToProto(now, circle.mutable_create_time());
    QRCLOUD_RETURN_IF_ERROR(d_.social.InsertCircle(tx, circle, req.request_id()));
    // The owner of an interest circle is its first member.
    if (circle.basis() == v1::Circle::INTEREST) {
      QRCLOUD_RETURN_IF_ERROR(d_.social.Join(tx, circle.id(), me, now).status());
      circle.set_member_count(1);
    }
    viewer.joined.insert(circle.id());
    circle.set_member(IsMember(circle, viewer));
    resp = circle;
    return absl::OkStatus();
  });
  if (!done.ok()) return done;
  if (d_.feed_cache) d_.feed_cache->CircleAdded();
  ViewerChanged(me);
  return absl::OkStatus();
}

absl::Status CircleLogic::ListCircles(const rpc::CallContext& call, const v1::ListCirclesRequest&,
                                      v1::ListCirclesResponse& resp) {
  QRCLOUD_RETURN_IF_ERROR(RequirePerson(call));
  QRCLOUD_ASSIGN_OR_RETURN(const Viewer viewer, ViewerOf(call.caller().account_id));
  QRCLOUD_ASSIGN_OR_RETURN(std::vector<v1::Circle> mine, CirclesOf(viewer));
  std::sort(mine.begin(), mine.end(),
            [](const v1::Circle& a, const v1::Circle& b) { return a.id() > b.id(); });
  std::set<std::string> listed;
  for (v1::Circle& c : mine) {
    listed.insert(c.id());
    *resp.add_circles() = std::move(c);
  }
  constexpr int kSuggested = 50;
  QRCLOUD_ASSIGN_OR_RETURN(std::vector<v1::Circle> open,
                           d_.social.InterestCircles(viewer.interests, kSuggested + 1));
  int suggested = 0;
  for (v1::Circle& c : open) {
    if (listed.contains(c.id()) || suggested == kSuggested) continue;
    ++suggested;
    *resp.add_circles() = std::move(c);
  }
  return absl::OkStatus();
}

absl::Status CircleLogic::Join(const rpc::CallContext& call, const v1::JoinCircleRequest& req,
                               v1::Circle& resp) {
  QRCLOUD_RETURN_IF_ERROR(RequirePerson(call));
  if (!core::IsValidId(req.id())) return NoSuch("circle", req.id());
  const std::string& me = call.caller().account_id;
  QRCLOUD_ASSIGN_OR_RETURN(Viewer viewer, ViewerOf(me));
  const absl::Status done = d_.runner.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(std::optional<v1::Circle> circle, d_.social.GetCircle(tx, req.id()));
    if (!circle) return NoSuch("circle", req.id());
    if (circle->basis() == v1::Circle::FRIENDS) {
      return absl::FailedPreconditionError(
          "a friends circle is not joined: its owner's friends are in it");
    }
    if (circle->basis() == v1::Circle::LOCATION) {
      return absl::FailedPreconditionError(
          "a location circle is not joined: whoever's location (PUT /v1/me/location) is inside "
          "its area is in it");
    }
    if (!viewer.interests.contains(circle->interest())) {
      return absl::FailedPreconditionError(absl::StrCat(
          "add \"", circle->interest(), "\" to your interests first (PUT /v1/me/interests)"));
    }
    if (!viewer.joined.contains(circle->id()) &&
        static_cast<int>(viewer.joined.size()) >= kMaxJoinedCircles) {
      return absl::ResourceExhaustedError(
          absl::StrCat("you are in ", kMaxJoinedCircles, " interest circles; leave one first"));
    }
    QRCLOUD_ASSIGN_OR_RETURN(const bool added,
                             d_.social.Join(tx, circle->id(), me, core::ToMicros(d_.clock.Now())));
    if (added) circle->set_member_count(circle->member_count() + 1);
    circle->set_member(true);
    resp = *circle;
    return absl::OkStatus();
  });
  if (done.ok()) ViewerChanged(me);
  return done;
}

absl::Status CircleLogic::Leave(const rpc::CallContext& call, const v1::LeaveCircleRequest& req,
                                v1::LeaveCircleResponse&) {
  QRCLOUD_RETURN_IF_ERROR(RequirePerson(call));
  if (!core::IsValidId(req.id())) return NoSuch("circle", req.id());
  const absl::Status done = d_.runner.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(std::optional<v1::Circle> circle, d_.social.GetCircle(tx, req.id()));
    if (!circle) return NoSuch("circle", req.id());
    if (circle->basis() != v1::Circle::INTEREST) {
      return absl::FailedPreconditionError(
          "only interest circles are left; friendship or location decides the others");
    }
    return d_.social.Leave(tx, circle->id(), call.caller().account_id).status();
  });
  if (done.ok()) ViewerChanged(call.caller().account_id);
  return done;
}

// Shares.

absl::Status CircleLogic::CreateShare(const rpc::CallContext& call,
                                      const v1::CreateShareRequest& req, v1::Share& resp) {
  QRCLOUD_RETURN_IF_ERROR(RequirePerson(call));
  QRCLOUD_RETURN_IF_ERROR(CheckShare(req.share(), d_.public_url));
  QRCLOUD_RETURN_IF_ERROR(CheckRequestId(req.request_id()));
  const std::string& me = call.caller().account_id;
  if (!req.share().campaign_id().empty()) {
    absl::StatusOr<v1::Campaign> campaign = d_.campaigns.Fetch(req.share().campaign_id());
    if (campaign.status().code() == absl::StatusCode::kNotFound) {
      return core::InvalidField("share.campaignId", "is not a campaign people can see");
    }
    QRCLOUD_RETURN_IF_ERROR(campaign.status());
  }
  QRCLOUD_ASSIGN_OR_RETURN(const Viewer viewer, ViewerOf(me));
  const absl::Status done = d_.runner.Run([&](store::Tx& tx) -> absl::Status {
    if (!req.request_id().empty()) {
      QRCLOUD_ASSIGN_OR_RETURN(std::optional<ShareRow> again,
                               d_.social.ShareByRequest(tx, me, req.request_id()));
      if (again) {
        resp = again->share;
        return absl::OkStatus();
      }
    }
    QRCLOUD_ASSIGN_OR_RETURN(std::optional<v1::Circle> circle,
                             d_.social.GetCircle(tx, req.share().circle_id()));
    if (!circle) return NoSuch("circle", req.share().circle_id());
    if (!MayShare(*circle, viewer)) {
      return absl::PermissionDeniedError(
          circle->basis() == v1::Circle::FRIENDS
              ? "only its owner shares into a friends circle"
              : "you are not in this circle, so you cannot share into it");
    }
    ShareRow row;
    row.request_id = req.request_id();
    v1::Share& s = row.share;
    s = req.share();
    const absl::Time now = core::ToMicros(d_.clock.Now());
    s.set_id(core::NewIdAt(now));
    s.set_account_id(me);
    s.set_text(std::string(absl::StripAsciiWhitespace(s.text())));
    QRCLOUD_ASSIGN_OR_RETURN(*s.mutable_author_name(), AuthorName(tx, d_.profiles, me));
    s.set_state(SharePreModerated(s) ? v1::PENDING : v1::VISIBLE);
    s.set_visible(s.state() == v1::VISIBLE);
    s.clear_comment_count();
    s.clear_rejection_reasons();
    core::ToProto(now, s.mutable_create_time());
    QRCLOUD_ASSIGN_OR_RETURN(row.moderation.submission_id, Submit(tx, core::kShareSubmitted, s));
    QRCLOUD_RETURN_IF_ERROR(d_.social.InsertShare(tx, row));
    resp = s;
    return absl::OkStatus();
  });
  if (done.ok()) CircleChanged(resp.circle_id());
  return done;
}

absl::StatusOr<ShareRow> CircleLogic::VisibleShare(const Viewer& viewer, absl::string_view id) {
  if (!core::IsValidId(id)) return NoSuch("share", id);
  std::optional<ShareRow> row;
  std::optional<v1::Circle> circle;
  QRCLOUD_RETURN_IF_ERROR(d_.runner.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(row, d_.social.GetShare(tx, id));
    if (row) {
      QRCLOUD_ASSIGN_OR_RETURN(circle, d_.social.GetCircle(tx, row->share.circle_id()));
    }
    return absl::OkStatus();
  }));
  const bool mine = row && row->share.account_id() == viewer.account_id;
  if (!row || !circle || !(row->share.state() == v1::VISIBLE || mine) ||
      !(mine || IsMember(*circle, viewer))) {
    return NoSuch("share", id);
  }
  return *row;
}

absl::Status CircleLogic::ReportShare(const rpc::CallContext& call, const v1::ReportRequest& req,
                                      v1::ReportResponse&) {
  QRCLOUD_RETURN_IF_ERROR(RequirePerson(call));
  QRCLOUD_RETURN_IF_ERROR(CheckReport(req.reason()));
  const std::string& me = call.caller().account_id;
  QRCLOUD_ASSIGN_OR_RETURN(const Viewer viewer, ViewerOf(me));
  QRCLOUD_ASSIGN_OR_RETURN(const ShareRow seen, VisibleShare(viewer, req.id()));
  if (seen.share.account_id() == me) return absl::FailedPreconditionError("this is your own share");
  return d_.runner.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(std::optional<ShareRow> row, d_.social.GetShare(tx, req.id()));
    if (!row || row->share.state() != v1::VISIBLE) return NoSuch("share", req.id());
    const std::string reason(absl::StripAsciiWhitespace(req.reason()));
    QRCLOUD_ASSIGN_OR_RETURN(const bool first,
                             d_.social.AddReport(tx, ItemKind::kShare, req.id(), me, reason,
                                                 core::ToMicros(d_.clock.Now())));
    if (!first || !row->moderation.report_submission_id.empty()) return absl::OkStatus();
    v1::ContentReport report;
    *report.mutable_share() = row->share;
    report.set_reason(reason);
    QRCLOUD_ASSIGN_OR_RETURN(row->moderation.report_submission_id,
                             Submit(tx, core::kShareReported, report));
    return d_.social.UpdateShare(tx, *row);
  });
}

absl::Status CircleLogic::Feed(const rpc::CallContext& call, const v1::ListFeedRequest& req,
                               v1::ListFeedResponse& resp) {
  QRCLOUD_RETURN_IF_ERROR(RequirePerson(call));
  QRCLOUD_ASSIGN_OR_RETURN(const int size, rpc::PageSize(req.page()));
  QRCLOUD_RETURN_IF_ERROR(CheckToken(req.page().page_token()));
  if (!req.circle_id().empty() && !core::IsValidId(req.circle_id())) {
    return core::InvalidField("circleId", "is not a circle id");
  }
  const std::string& me = call.caller().account_id;
  // The first page of the whole feed is what people open most: kept.
  const bool first_page = req.page().page_token().empty() && req.circle_id().empty();
  if (!first_page || d_.feed_cache == nullptr) {
    QRCLOUD_ASSIGN_OR_RETURN(const Viewer viewer, ViewerOf(me));
    return BuildFeed(viewer, req, size, nullptr, resp);
  }
  if (std::optional<v1::ListFeedResponse> kept = d_.feed_cache->Lookup(me, size)) {
    resp = *std::move(kept);
    return absl::OkStatus();
  }
  std::optional<FeedCache::Versions> versions = d_.feed_cache->Begin(me);
  QRCLOUD_ASSIGN_OR_RETURN(const Viewer viewer, ViewerOf(me));
  QRCLOUD_RETURN_IF_ERROR(BuildFeed(viewer, req, size, versions ? &*versions : nullptr, resp));
  if (versions) d_.feed_cache->Store(me, size, *versions, resp);
  return absl::OkStatus();
}

absl::Status CircleLogic::BuildFeed(const Viewer& viewer, const v1::ListFeedRequest& req, int size,
                                    FeedCache::Versions* versions, v1::ListFeedResponse& resp) {
  QRCLOUD_ASSIGN_OR_RETURN(const std::vector<v1::Circle> circles, CirclesOf(viewer));
  std::set<std::string> ids;
  for (const v1::Circle& c : circles) {
    if (req.circle_id().empty() || c.id() == req.circle_id()) ids.insert(c.id());
  }
  if (!req.circle_id().empty() && ids.empty()) {
    return absl::PermissionDeniedError("you are not in this circle, so you cannot read it");
  }
  // The circles' versions are read before their shares, so a share added
  // meanwhile makes the stored page stale rather than wrong.
  if (versions && !d_.feed_cache->AddCircles(*versions, {ids.begin(), ids.end()})) {
    versions = nullptr;
  }
  QRCLOUD_ASSIGN_OR_RETURN(
      std::vector<ShareRow> rows,
      d_.social.Feed(ids, viewer.account_id, viewer.blocked, req.page().page_token(), size + 1));
  if (static_cast<int>(rows.size()) > size) {
    rows.resize(size);
    resp.mutable_page()->set_next_page_token(rows.back().share.id());
  }
  for (ShareRow& row : rows) {
    ShownTo(row.share, viewer.account_id);
    *resp.add_shares() = std::move(row.share);
  }
  return absl::OkStatus();
}

absl::Status CircleLogic::CreateComment(const rpc::CallContext& call,
                                        const v1::CreateCommentRequest& req, v1::Comment& resp) {
  QRCLOUD_RETURN_IF_ERROR(RequirePerson(call));
  QRCLOUD_RETURN_IF_ERROR(CheckComment(req.text()));
  QRCLOUD_RETURN_IF_ERROR(CheckRequestId(req.request_id()));
  const std::string& me = call.caller().account_id;
  QRCLOUD_ASSIGN_OR_RETURN(const Viewer viewer, ViewerOf(me));
  QRCLOUD_ASSIGN_OR_RETURN(const ShareRow seen, VisibleShare(viewer, req.share_id()));
  if (seen.share.state() != v1::VISIBLE) {
    return absl::FailedPreconditionError("this share is not shown yet; comment once it is");
  }
  const absl::Status done = d_.runner.Run([&](store::Tx& tx) -> absl::Status {
    if (!req.request_id().empty()) {
      QRCLOUD_ASSIGN_OR_RETURN(std::optional<CommentRow> again,
                               d_.social.CommentByRequest(tx, me, req.request_id()));
      if (again) {
        resp = again->comment;
        return absl::OkStatus();
      }
    }
    QRCLOUD_ASSIGN_OR_RETURN(std::optional<ShareRow> share, d_.social.GetShare(tx, req.share_id()));
    if (!share) return NoSuch("share", req.share_id());
    CommentRow row;
    row.request_id = req.request_id();
    v1::Comment& c = row.comment;
    const absl::Time now = core::ToMicros(d_.clock.Now());
    c.set_id(core::NewIdAt(now));
    c.set_share_id(req.share_id());
    c.set_account_id(me);
    QRCLOUD_ASSIGN_OR_RETURN(*c.mutable_author_name(), AuthorName(tx, d_.profiles, me));
    c.set_text(std::string(absl::StripAsciiWhitespace(req.text())));
    c.set_state(v1::VISIBLE);
    core::ToProto(now, c.mutable_create_time());
    QRCLOUD_ASSIGN_OR_RETURN(row.submission_id, Submit(tx, core::kCommentSubmitted, c));
    QRCLOUD_RETURN_IF_ERROR(d_.social.InsertComment(tx, row));
    share->share.set_comment_count(share->share.comment_count() + 1);
    QRCLOUD_RETURN_IF_ERROR(d_.social.UpdateShare(tx, *share));
    resp = c;
    return absl::OkStatus();
  });
  if (done.ok()) CircleChanged(seen.share.circle_id());
  return done;
}

absl::Status CircleLogic::ListComments(const rpc::CallContext& call,
                                       const v1::ListCommentsRequest& req,
                                       v1::ListCommentsResponse& resp) {
  QRCLOUD_RETURN_IF_ERROR(RequirePerson(call));
  QRCLOUD_ASSIGN_OR_RETURN(const int size, rpc::PageSize(req.page()));
  const std::string& token = req.page().page_token();
  QRCLOUD_RETURN_IF_ERROR(CheckToken(token));
  QRCLOUD_ASSIGN_OR_RETURN(const Viewer viewer, ViewerOf(call.caller().account_id));
  QRCLOUD_RETURN_IF_ERROR(VisibleShare(viewer, req.share_id()).status());
  QRCLOUD_ASSIGN_OR_RETURN(std::vector<CommentRow> rows,
                           d_.social.Comments(req.share_id(), viewer.account_id, token, size + 1));
  if (static_cast<int>(rows.size()) > size) {
    rows.resize(size);
    resp.mutable_page()->set_next_page_token(rows.back().comment.id());
  }
  for (CommentRow& row : rows) *resp.add_comments() = std::move(row.comment);
  return absl::OkStatus();
}

absl::Status CircleLogic::OnShareDecision(const v1::AuditDecision& d) {
  if (!core::IsValidId(d.subject_id())) return absl::OkStatus();
  std::string circle;
  const absl::Status done = d_.runner.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(std::optional<ShareRow> row, d_.social.GetShare(tx, d.subject_id()));
    if (!row) return absl::OkStatus();
    circle = row->share.circle_id();
    v1::Share& s = row->share;
    if (d.submission_id() == row->moderation.submission_id) {
      s.set_state(Decided(d.approve()));
      SetReasons(d, s.mutable_rejection_reasons());
    } else if (d.submission_id() == row->moderation.report_submission_id) {
      row->moderation.report_submission_id.clear();
      if (!d.approve()) {
        s.set_state(v1::REJECTED);
        SetReasons(d, s.mutable_rejection_reasons());
      }
    } else {
      return absl::OkStatus();
    }
    return d_.social.UpdateShare(tx, *row);
  });
  if (done.ok() && !circle.empty()) CircleChanged(circle);
  return done;
}

absl::Status CircleLogic::OnCommentDecision(const v1::AuditDecision& d) {
  if (!core::IsValidId(d.subject_id())) return absl::OkStatus();
  std::string circle;
  const absl::Status done = d_.runner.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(std::optional<CommentRow> row,
                             d_.social.GetComment(tx, d.subject_id()));
    if (!row || d.submission_id() != row->submission_id) return absl::OkStatus();
    const v1::ModerationState next = Decided(d.approve());
    if (next == row->comment.state()) return absl::OkStatus();
    // comment_count counts the comments others can read.
    QRCLOUD_ASSIGN_OR_RETURN(std::optional<ShareRow> share,
                             d_.social.GetShare(tx, row->comment.share_id()));
    if (share) {
      circle = share->share.circle_id();
      share->share.set_comment_count(share->share.comment_count() + (next == v1::VISIBLE ? 1 : -1));
      QRCLOUD_RETURN_IF_ERROR(d_.social.UpdateShare(tx, *share));
    }
    row->comment.set_state(next);
    return d_.social.UpdateComment(tx, *row);
  });
  if (done.ok() && !circle.empty()) CircleChanged(circle);
  return done;
}

}  // namespace qrcloud::personal
