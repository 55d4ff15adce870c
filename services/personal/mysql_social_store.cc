#include "services/personal/mysql_social_store.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"

namespace qrcloud::personal {
namespace {

using store::Connection;
using store::Row;

// Lists kept in one column, a line each (URLs and reasons hold no newline
// once kept: a reason's line breaks become spaces).
std::string Lines(const google::protobuf::RepeatedPtrField<std::string>& items) {
  std::vector<std::string> kept;
  for (const std::string& item : items) kept.push_back(absl::StrReplaceAll(item, {{"\n", " "}}));
  return absl::StrJoin(kept, "\n");
}

void SplitLines(const std::string& text, google::protobuf::RepeatedPtrField<std::string>* out) {
  if (text.empty()) return;
  for (absl::string_view line : absl::StrSplit(text, '\n')) out->Add(std::string(line));
}

v1::ModerationState StateOf(const std::string& name) {
  v1::ModerationState state = v1::MODERATION_STATE_UNSPECIFIED;
  v1::ModerationState_Parse(name, &state);
  return state;
}

store::Value OrNull(const std::string& s) {
  if (s.empty()) return nullptr;
  return s;
}

// `ids` as "?, ?, …" into `params`, padded with "" (never an id) to a
// power of two, so that a query's text takes one of a few shapes and the
// connection's prepared statements stay few.
std::string InList(const std::set<std::string>& ids, store::Params& params) {
  size_t n = 1;
  while (n < ids.size()) n *= 2;
  for (const std::string& id : ids) params.push_back(id);
  for (size_t i = ids.size(); i < n; ++i) params.push_back(std::string());
  std::vector<absl::string_view> marks(n, "?");
  return absl::StrJoin(marks, ", ");
}

// The one row of `table` matching `where`, read with `parse`; locked for
// the transaction unless `lock` is false.
template <typename T>
absl::StatusOr<std::optional<T>> One(Connection& conn, T (*parse)(const Row&), const char* columns,
                                     const char* table, absl::string_view where,
                                     const store::Params& params, bool lock = true) {
  QRCLOUD_ASSIGN_OR_RETURN(std::vector<Row> rows,
                           conn.Query(absl::StrCat("SELECT ", columns, " FROM ", table, " WHERE ",
                                                   where, lock ? " FOR UPDATE" : ""),
                                      params));
  if (rows.empty()) return std::nullopt;
  return parse(rows.front());
}

constexpr char kReviewColumns[] =
    "id, campaign_id, merchant_id, account_id, author_name, request_id, rating, body, image_urls, "
    "verified, state, submission_id, report_submission_id, reasons, reply, reply_time, "
    "create_time";

ReviewRow ReviewOfRow(const Row& r) {
  ReviewRow row;
  v1::Review& v = row.review;
  v.set_id(r.String("id"));
  v.set_campaign_id(r.String("campaign_id"));
  v.set_merchant_id(r.String("merchant_id"));
  v.set_account_id(r.String("account_id"));
  v.set_author_name(r.String("author_name"));
  v.set_rating(static_cast<int32_t>(r.Int("rating")));
  v.set_text(r.String("body"));
  SplitLines(r.String("image_urls"), v.mutable_image_urls());
  v.set_verified(r.Bool("verified"));
  v.set_state(StateOf(r.String("state")));
  v.set_visible(v.state() == v1::VISIBLE);
  SplitLines(r.String("reasons"), v.mutable_rejection_reasons());
  v.set_reply(r.String("reply"));
  if (!r.IsNull("reply_time")) core::ToProto(r.Time("reply_time"), v.mutable_reply_time());
  core::ToProto(r.Time("create_time"), v.mutable_create_time());
  row.moderation.submission_id = r.String("submission_id");
  row.moderation.report_submission_id = r.String("report_submission_id");
  row.request_id = r.String("request_id");
  return row;
}

constexpr char kCircleColumns[] =
    "id, owner_account_id, name, basis, interest, lat, lng, radius_m, member_count, create_time";

v1::Circle CircleOfRow(const Row& r) {
  v1::Circle c;
  c.set_id(r.String("id"));
  c.set_owner_account_id(r.String("owner_account_id"));
  c.set_name(r.String("name"));
  v1::Circle::Basis basis = v1::Circle::BASIS_UNSPECIFIED;
  v1::Circle::Basis_Parse(r.String("basis"), &basis);
  c.set_basis(basis);
  c.set_interest(r.String("interest"));
  if (basis == v1::Circle::LOCATION) {
    c.mutable_area()->mutable_origin()->set_lat(r.Double("lat"));
    c.mutable_area()->mutable_origin()->set_lng(r.Double("lng"));
    c.mutable_area()->set_radius_m(static_cast<int32_t>(r.Int("radius_m")));
  }
  c.set_member_count(static_cast<int32_t>(r.Int("member_count")));
  core::ToProto(r.Time("create_time"), c.mutable_create_time());
  return c;
}

absl::StatusOr<std::vector<v1::Circle>> Circles(Connection& conn, absl::string_view where,
                                                const store::Params& params) {
  QRCLOUD_ASSIGN_OR_RETURN(
      std::vector<Row> rows,
      conn.Query(absl::StrCat("SELECT ", kCircleColumns, " FROM circles WHERE ", where), params));
  std::vector<v1::Circle> out;
  out.reserve(rows.size());
  for (const Row& r : rows) out.push_back(CircleOfRow(r));
  return out;
}

constexpr char kShareColumns[] =
    "id, circle_id, account_id, author_name, request_id, body, image_urls, links, campaign_id, "
    "code_id, state, submission_id, report_submission_id, reasons, comment_count, create_time";

ShareRow ShareOfRow(const Row& r) {
  ShareRow row;
  v1::Share& s = row.share;
  s.set_id(r.String("id"));
  s.set_circle_id(r.String("circle_id"));
  s.set_account_id(r.String("account_id"));
  s.set_author_name(r.String("author_name"));
  s.set_text(r.String("body"));
  SplitLines(r.String("image_urls"), s.mutable_image_urls());
  SplitLines(r.String("links"), s.mutable_links());
  s.set_campaign_id(r.String("campaign_id"));
  s.set_code_id(r.String("code_id"));
  s.set_state(StateOf(r.String("state")));
  s.set_visible(s.state() == v1::VISIBLE);
  SplitLines(r.String("reasons"), s.mutable_rejection_reasons());
  s.set_comment_count(static_cast<int32_t>(r.Int("comment_count")));
  core::ToProto(r.Time("create_time"), s.mutable_create_time());
  row.moderation.submission_id = r.String("submission_id");
  row.moderation.report_submission_id = r.String("report_submission_id");
  row.request_id = r.String("request_id");
  return row;
}

constexpr char kCommentColumns[] =
    "id, share_id, account_id, author_name, request_id, body, state, submission_id, create_time";

CommentRow CommentOfRow(const Row& r) {
  CommentRow row;
  v1::Comment& c = row.comment;
  c.set_id(r.String("id"));
  c.set_share_id(r.String("share_id"));
  c.set_account_id(r.String("account_id"));
  c.set_author_name(r.String("author_name"));
  c.set_text(r.String("body"));
  c.set_state(StateOf(r.String("state")));
  core::ToProto(r.Time("create_time"), c.mutable_create_time());
  row.submission_id = r.String("submission_id");
  row.request_id = r.String("request_id");
  return row;
}

const char* KindName(ItemKind kind) {
  switch (kind) {
    case ItemKind::kReview:
      return "review";
    case ItemKind::kShare:
      return "share";
    case ItemKind::kComment:
      return "comment";
  }
  return "";
}

}  // namespace

// Reviews.

absl::Status MysqlSocialStore::InsertReview(store::Tx& tx, const ReviewRow& row) {
  const v1::Review& v = row.review;
  return store::ConnectionOf(tx)
      .Execute(absl::StrCat("INSERT INTO reviews (", kReviewColumns,
                            ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
               {v.id(), v.campaign_id(), v.merchant_id(), v.account_id(), v.author_name(),
                OrNull(row.request_id), static_cast<int64_t>(v.rating()), v.text(),
                Lines(v.image_urls()), v.verified(), v1::ModerationState_Name(v.state()),
                row.moderation.submission_id, row.moderation.report_submission_id,
                Lines(v.rejection_reasons()), v.reply(), nullptr, core::FromProto(v.create_time())})
      .status();
}

absl::StatusOr<std::optional<ReviewRow>> MysqlSocialStore::GetReview(store::Tx& tx,
                                                                     absl::string_view id) {
  return One(store::ConnectionOf(tx), ReviewOfRow, kReviewColumns, "reviews", "id = ?",
             {std::string(id)});
}

absl::StatusOr<std::optional<ReviewRow>> MysqlSocialStore::ReviewOf(store::Tx& tx,
                                                                    absl::string_view campaign_id,
                                                                    absl::string_view account_id) {
  return One(store::ConnectionOf(tx), ReviewOfRow, kReviewColumns, "reviews",
             "campaign_id = ? AND account_id = ?",
             {std::string(campaign_id), std::string(account_id)});
}

absl::Status MysqlSocialStore::UpdateReview(store::Tx& tx, const ReviewRow& row) {
  const v1::Review& v = row.review;
  store::Value reply_time = nullptr;
  if (v.has_reply_time()) reply_time = core::FromProto(v.reply_time());
  return store::ConnectionOf(tx)
      .Execute(
          "UPDATE reviews SET verified = ?, state = ?, submission_id = ?, report_submission_id = "
          "?, reasons = ?, reply = ?, reply_time = ? WHERE id = ?",
          {v.verified(), v1::ModerationState_Name(v.state()), row.moderation.submission_id,
           row.moderation.report_submission_id, Lines(v.rejection_reasons()), v.reply(), reply_time,
           v.id()})
      .status();
}

absl::StatusOr<std::vector<ReviewRow>> MysqlSocialStore::VisibleReviews(
    absl::string_view campaign_id, absl::string_view before_id, int limit) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  store::Params params = {std::string(campaign_id)};
  std::string sql = absl::StrCat("SELECT ", kReviewColumns,
                                 " FROM reviews WHERE campaign_id = ? AND state = 'VISIBLE'");
  if (!before_id.empty()) {
    sql += " AND id < ?";
    params.push_back(std::string(before_id));
  }
  absl::StrAppend(&sql, " ORDER BY id DESC LIMIT ", limit);
  QRCLOUD_ASSIGN_OR_RETURN(std::vector<Row> rows, conn->Query(sql, params));
  std::vector<ReviewRow> out;
  for (const Row& r : rows) out.push_back(ReviewOfRow(r));
  return out;
}

absl::StatusOr<std::pair<int64_t, int64_t>> MysqlSocialStore::Rating(
    absl::string_view campaign_id) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  QRCLOUD_ASSIGN_OR_RETURN(
      std::vector<Row> rows,
      conn->Query("SELECT rating_sum, review_count FROM campaign_ratings WHERE campaign_id = ?",
                  {std::string(campaign_id)}));
  if (rows.empty()) return std::make_pair(int64_t{0}, int64_t{0});
  return std::make_pair(rows.front().Int("rating_sum"), rows.front().Int("review_count"));
}

absl::Status MysqlSocialStore::AddRating(store::Tx& tx, absl::string_view campaign_id, int64_t sum,
                                         int64_t count) {
  return store::ConnectionOf(tx)
      .Execute(
          "INSERT INTO campaign_ratings (campaign_id, rating_sum, review_count) VALUES (?, ?, ?) "
          "ON DUPLICATE KEY UPDATE rating_sum = rating_sum + VALUES(rating_sum), "
          "review_count = review_count + VALUES(review_count)",
          {std::string(campaign_id), sum, count})
      .status();
}

absl::StatusOr<bool> MysqlSocialStore::Redeemed(store::Tx& tx, absl::string_view account_id,
                                                absl::string_view campaign_id) {
  QRCLOUD_ASSIGN_OR_RETURN(
      std::vector<Row> rows,
      store::ConnectionOf(tx).Query(
          "SELECT 1 AS found FROM order_facts WHERE account_id = ? AND campaign_id = ? AND "
          "state = 'REDEEMED' LIMIT 1",
          {std::string(account_id), std::string(campaign_id)}));
  return !rows.empty();
}

absl::Status MysqlSocialStore::MarkVerified(store::Tx& tx, absl::string_view account_id,
                                            absl::string_view campaign_id) {
  return store::ConnectionOf(tx)
      .Execute("UPDATE reviews SET verified = TRUE WHERE campaign_id = ? AND account_id = ?",
               {std::string(campaign_id), std::string(account_id)})
      .status();
}

absl::StatusOr<bool> MysqlSocialStore::AddReport(store::Tx& tx, ItemKind kind,
                                                 absl::string_view item_id,
                                                 absl::string_view account_id,
                                                 absl::string_view reason, absl::Time at) {
  absl::Status s = store::ConnectionOf(tx)
                       .Execute(
                           "INSERT INTO reports (kind, item_id, account_id, reason, create_time) "
                           "VALUES (?, ?, ?, ?, ?)",
                           {std::string(KindName(kind)), std::string(item_id),
                            std::string(account_id), std::string(reason), at})
                       .status();
  if (s.code() == absl::StatusCode::kAlreadyExists) return false;
  if (!s.ok()) return s;
  return true;
}

// Circles.

absl::Status MysqlSocialStore::InsertCircle(store::Tx& tx, const v1::Circle& c,
                                            absl::string_view request_id) {
  const double lat = c.area().origin().lat();
  const double lng = c.area().origin().lng();
  const int32_t radius = c.area().radius_m();
  // The area's bounding box, a little wide (IsMember decides exactly).
  constexpr double kMetresPerDegree = 111'320.0;
  const double dlat = c.basis() == v1::Circle::LOCATION ? radius / kMetresPerDegree * 1.01 : 0;
  const double cos_lat = std::max(0.01, std::cos(lat * M_PI / 180.0));
  const double dlng = c.basis() == v1::Circle::LOCATION ? std::min(180.0, dlat / cos_lat) : 0;
  store::Value friends_owner = nullptr;
  if (c.basis() == v1::Circle::FRIENDS) friends_owner = c.owner_account_id();
  return store::ConnectionOf(tx)
      .Execute(
          "INSERT INTO circles (id, owner_account_id, request_id, name, basis, interest, lat, lng, "
          "radius_m, min_lat, max_lat, min_lng, max_lng, friends_owner, member_count, "
          "create_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {c.id(), c.owner_account_id(), OrNull(std::string(request_id)), c.name(),
           v1::Circle::Basis_Name(c.basis()), c.interest(), lat, lng, static_cast<int64_t>(radius),
           lat - dlat, lat + dlat, lng - dlng, lng + dlng, friends_owner,
           static_cast<int64_t>(c.member_count()), core::FromProto(c.create_time())})
      .status();
}

absl::StatusOr<std::optional<v1::Circle>> MysqlSocialStore::GetCircle(store::Tx& tx,
                                                                      absl::string_view id) {
  return One(store::ConnectionOf(tx), CircleOfRow, kCircleColumns, "circles", "id = ?",
             {std::string(id)}, /*lock=*/false);
}

absl::StatusOr<std::optional<v1::Circle>> MysqlSocialStore::CircleByRequest(
    store::Tx& tx, absl::string_view owner, absl::string_view request_id) {
  return One(store::ConnectionOf(tx), CircleOfRow, kCircleColumns, "circles",
             "owner_account_id = ? AND request_id = ?",
             {std::string(owner), std::string(request_id)}, /*lock=*/false);
}

absl::StatusOr<std::optional<v1::Circle>> MysqlSocialStore::FriendsCircleOf(
    store::Tx& tx, absl::string_view owner) {
  return One(store::ConnectionOf(tx), CircleOfRow, kCircleColumns, "circles", "friends_owner = ?",
             {std::string(owner)}, /*lock=*/false);
}

absl::StatusOr<int64_t> MysqlSocialStore::CountOwned(store::Tx& tx, absl::string_view owner) {
  QRCLOUD_ASSIGN_OR_RETURN(
      Row row, store::ConnectionOf(tx).QueryOne("SELECT COUNT(*) AS n FROM circles WHERE "
                                                "owner_account_id = ?",
                                                {std::string(owner)}));
  return row.Int("n");
}

absl::StatusOr<bool> MysqlSocialStore::Join(store::Tx& tx, absl::string_view circle_id,
                                            absl::string_view account_id, absl::Time at) {
  Connection& conn = store::ConnectionOf(tx);
  QRCLOUD_ASSIGN_OR_RETURN(
      const int64_t added,
      conn.Execute("INSERT IGNORE INTO circle_members (account_id, circle_id, join_time) VALUES "
                   "(?, ?, ?)",
                   {std::string(account_id), std::string(circle_id), at}));
  if (added == 0) return false;
  QRCLOUD_RETURN_IF_ERROR(
      conn.Execute("UPDATE circles SET member_count = member_count + 1 WHERE id = ?",
                   {std::string(circle_id)})
          .status());
  return true;
}

absl::StatusOr<bool> MysqlSocialStore::Leave(store::Tx& tx, absl::string_view circle_id,
                                             absl::string_view account_id) {
  Connection& conn = store::ConnectionOf(tx);
  QRCLOUD_ASSIGN_OR_RETURN(
      const int64_t removed,
      conn.Execute("DELETE FROM circle_members WHERE account_id = ? AND circle_id = ?",
                   {std::string(account_id), std::string(circle_id)}));
  if (removed == 0) return false;
  QRCLOUD_RETURN_IF_ERROR(
      conn.Execute("UPDATE circles SET member_count = member_count - 1 WHERE id = ?",
                   {std::string(circle_id)})
          .status());
  return true;
}

absl::StatusOr<Viewer> MysqlSocialStore::LoadViewer(absl::string_view account_id) {
  // One round trip over the profile, friendship, block and membership tables of
  // this database (ProfileStore and FriendStore write them): k says which
  // part a row is.
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  const std::string id(account_id);
  QRCLOUD_ASSIGN_OR_RETURN(
      std::vector<Row> rows,
      conn->Query("SELECT 'p' AS k, interests AS v, lat, lng FROM profiles WHERE account_id = ? "
                  "UNION ALL SELECT 'f', addressee, NULL, NULL FROM friendships "
                  "WHERE requester = ? AND accepted "
                  "UNION ALL SELECT 'f', requester, NULL, NULL FROM friendships "
                  "WHERE addressee = ? AND accepted "
                  "UNION ALL SELECT 'j', circle_id, NULL, NULL FROM circle_members "
                  "WHERE account_id = ? "
                  "UNION ALL SELECT 'b', blocked, NULL, NULL FROM blocks WHERE blocker = ?",
                  {id, id, id, id, id}));
  Viewer v;
  v.account_id = id;
  for (const Row& r : rows) {
    const std::string& kind = r.String("k");
    if (kind == "p") {
      for (absl::string_view i : absl::StrSplit(r.String("v"), '\n', absl::SkipEmpty())) {
        v.interests.insert(std::string(i));
      }
      if (!r.IsNull("lat")) {
        v1::GeoPoint at;
        at.set_lat(r.Double("lat"));
        at.set_lng(r.Double("lng"));
        v.location = at;
      }
    } else if (kind == "f") {
      v.friends.insert(r.String("v"));
    } else if (kind == "b") {
      v.blocked.insert(r.String("v"));
    } else {
      v.joined.insert(r.String("v"));
    }
  }
  return v;
}

absl::StatusOr<std::vector<v1::Circle>> MysqlSocialStore::Candidates(
    const std::set<std::string>& interest_circle_ids, const std::set<std::string>& owners,
    const std::optional<v1::GeoPoint>& point) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  // One round trip: each kind by its own index.
  store::Params params;
  std::vector<std::string> parts;
  if (!interest_circle_ids.empty()) {
    parts.push_back(absl::StrCat("SELECT ", kCircleColumns, " FROM circles WHERE id IN (",
                                 InList(interest_circle_ids, params), ")"));
  }
  if (!owners.empty()) {
    parts.push_back(absl::StrCat("SELECT ", kCircleColumns,
                                 " FROM circles WHERE friends_owner IN (", InList(owners, params),
                                 ")"));
  }
  if (point) {
    parts.push_back(absl::StrCat("SELECT ", kCircleColumns,
                                 " FROM circles WHERE basis = 'LOCATION' AND min_lat <= ? AND "
                                 "max_lat >= ? AND min_lng <= ? AND max_lng >= ?"));
    for (double v : {point->lat(), point->lat(), point->lng(), point->lng()}) params.push_back(v);
  }
  if (parts.empty()) return std::vector<v1::Circle>();
  QRCLOUD_ASSIGN_OR_RETURN(std::vector<Row> rows,
                           conn->Query(absl::StrJoin(parts, " UNION ALL "), params));
  std::vector<v1::Circle> out;
  out.reserve(rows.size());
  for (const Row& r : rows) out.push_back(CircleOfRow(r));
  return out;
}

absl::StatusOr<std::vector<v1::Circle>> MysqlSocialStore::InterestCircles(
    const std::set<std::string>& interests, int limit) {
  if (interests.empty()) return std::vector<v1::Circle>();
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  store::Params params;
  const std::string in = InList(interests, params);
  return Circles(*conn,
                 absl::StrCat("basis = 'INTEREST' AND interest IN (", in,
                              ") ORDER BY member_count DESC, id LIMIT ", limit),
                 params);
}

// Shares.

absl::Status MysqlSocialStore::InsertShare(store::Tx& tx, const ShareRow& row) {
  const v1::Share& s = row.share;
  return store::ConnectionOf(tx)
      .Execute(absl::StrCat("INSERT INTO shares (", kShareColumns,
                            ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
               {s.id(), s.circle_id(), s.account_id(), s.author_name(), OrNull(row.request_id),
                s.text(), Lines(s.image_urls()), Lines(s.links()), s.campaign_id(), s.code_id(),
                v1::ModerationState_Name(s.state()), row.moderation.submission_id,
                row.moderation.report_submission_id, Lines(s.rejection_reasons()),
                static_cast<int64_t>(s.comment_count()), core::FromProto(s.create_time())})
      .status();
}

absl::StatusOr<std::optional<ShareRow>> MysqlSocialStore::GetShare(store::Tx& tx,
                                                                   absl::string_view id) {
  return One(store::ConnectionOf(tx), ShareOfRow, kShareColumns, "shares", "id = ?",
             {std::string(id)});
}

absl::StatusOr<std::optional<ShareRow>> MysqlSocialStore::ShareByRequest(
    store::Tx& tx, absl::string_view account_id, absl::string_view request_id) {
  return One(store::ConnectionOf(tx), ShareOfRow, kShareColumns, "shares",
             "account_id = ? AND request_id = ?",
             {std::string(account_id), std::string(request_id)});
}

absl::Status MysqlSocialStore::UpdateShare(store::Tx& tx, const ShareRow& row) {
  const v1::Share& s = row.share;
  return store::ConnectionOf(tx)
      .Execute(
          "UPDATE shares SET state = ?, submission_id = ?, report_submission_id = ?, reasons = ?, "
          "comment_count = ? WHERE id = ?",
          {v1::ModerationState_Name(s.state()), row.moderation.submission_id,
           row.moderation.report_submission_id, Lines(s.rejection_reasons()),
           static_cast<int64_t>(s.comment_count()), s.id()})
      .status();
}

absl::StatusOr<std::vector<ShareRow>> MysqlSocialStore::Feed(
    const std::set<std::string>& circle_ids, absl::string_view viewer,
    const std::set<std::string>& hidden, absl::string_view before_id, int limit) {
  if (circle_ids.empty()) return std::vector<ShareRow>();
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  // One statement: MariaDB walks the newest shares down the primary key
  // while the circles are busy, or reads the circles' ranges of
  // (circle_id, id) and sorts when they are quiet. (One sub-select per
  // circle, each LIMITed, measured three times slower with 20 circles.)
  store::Params params;
  std::string sql = absl::StrCat("SELECT ", kShareColumns, " FROM shares WHERE circle_id IN (",
                                 InList(circle_ids, params), ")");
  sql += " AND (state = 'VISIBLE' OR account_id = ?)";
  params.push_back(std::string(viewer));
  if (!hidden.empty()) {
    absl::StrAppend(&sql, " AND account_id NOT IN (", InList(hidden, params), ")");
  }
  if (!before_id.empty()) {
    sql += " AND id < ?";
    params.push_back(std::string(before_id));
  }
  absl::StrAppend(&sql, " ORDER BY id DESC LIMIT ", limit);
  QRCLOUD_ASSIGN_OR_RETURN(std::vector<Row> rows, conn->Query(sql, params));
  std::vector<ShareRow> out;
  out.reserve(rows.size());
  for (const Row& r : rows) out.push_back(ShareOfRow(r));
  return out;
}

// Comments.

absl::Status MysqlSocialStore::InsertComment(store::Tx& tx, const CommentRow& row) {
  const v1::Comment& c = row.comment;
  return store::ConnectionOf(tx)
      .Execute(
          "INSERT INTO comments (id, share_id, account_id, author_name, request_id, body, state, "
          "submission_id, reasons, create_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', ?)",
          {c.id(), c.share_id(), c.account_id(), c.author_name(), OrNull(row.request_id), c.text(),
           v1::ModerationState_Name(c.state()), row.submission_id,
           core::FromProto(c.create_time())})
      .status();
}

absl::StatusOr<std::optional<CommentRow>> MysqlSocialStore::GetComment(store::Tx& tx,
                                                                       absl::string_view id) {
  return One(store::ConnectionOf(tx), CommentOfRow, kCommentColumns, "comments", "id = ?",
             {std::string(id)});
}

absl::StatusOr<std::optional<CommentRow>> MysqlSocialStore::CommentByRequest(
    store::Tx& tx, absl::string_view account_id, absl::string_view request_id) {
  return One(store::ConnectionOf(tx), CommentOfRow, kCommentColumns, "comments",
             "account_id = ? AND request_id = ?",
             {std::string(account_id), std::string(request_id)});
}

absl::Status MysqlSocialStore::UpdateComment(store::Tx& tx, const CommentRow& row) {
  return store::ConnectionOf(tx)
      .Execute("UPDATE comments SET state = ?, submission_id = ? WHERE id = ?",
               {v1::ModerationState_Name(row.comment.state()), row.submission_id, row.comment.id()})
      .status();
}

absl::StatusOr<std::vector<CommentRow>> MysqlSocialStore::Comments(absl::string_view share_id,
                                                                   absl::string_view viewer,
                                                                   absl::string_view after_id,
                                                                   int limit) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  store::Params params = {std::string(share_id), std::string(viewer)};
  std::string sql = absl::StrCat("SELECT ", kCommentColumns,
                                 " FROM comments WHERE share_id = ? AND (state = 'VISIBLE' OR "
                                 "account_id = ?)");
  if (!after_id.empty()) {
    sql += " AND id > ?";
    params.push_back(std::string(after_id));
  }
  absl::StrAppend(&sql, " ORDER BY id LIMIT ", limit);
  QRCLOUD_ASSIGN_OR_RETURN(std::vector<Row> rows, conn->Query(sql, params));
  std::vector<CommentRow> out;
  for (const Row& r : rows) out.push_back(CommentOfRow(r));
  return out;
}

}  // namespace qrcloud::personal
