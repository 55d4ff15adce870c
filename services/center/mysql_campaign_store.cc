#include "services/center/mysql_campaign_store.h"

#include <google/protobuf/util/json_util.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"

namespace qrcloud::center {
namespace {

constexpr char kColumns[] =
    "id, merchant_id, state, content, pending_content, submission_id, reject_reasons, stock_left, "
    "page_slug, code_id, created_at, updated_at";

std::string ToJson(const v1::Campaign& c) {
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(c, &out);
  return out;
}

absl::StatusOr<v1::Campaign> FromJson(const std::string& json) {
  v1::Campaign c;
  google::protobuf::util::JsonParseOptions o;
  o.ignore_unknown_fields = true;
  if (!google::protobuf::util::JsonStringToMessage(json, &c, o).ok()) {
    return absl::InternalError("a stored campaign does not parse");
  }
  return c;
}

store::Value OrNull(const std::string& s) {
  if (s.empty()) return nullptr;
  return s;
}

// Id, merchant and state: the columns every read of a campaign takes.
void SetIdentity(const store::Row& r, v1::Campaign& c) {
  c.set_id(r.String("id"));
  c.set_merchant_id(r.String("merchant_id"));
  v1::Campaign::State state = v1::Campaign::DRAFT;
  v1::Campaign::State_Parse(r.String("state"), &state);
  c.set_state(state);
}

absl::StatusOr<CampaignRecord> FromRow(const store::Row& r) {
  CampaignRecord rec;
  QRCLOUD_ASSIGN_OR_RETURN(rec.campaign, FromJson(r.String("content")));
  v1::Campaign& c = rec.campaign;
  SetIdentity(r, c);
  c.set_stock_left(r.Int("stock_left"));
  c.clear_reject_reasons();
  for (absl::string_view reason :
       absl::StrSplit(r.String("reject_reasons"), '\n', absl::SkipEmpty())) {
    c.add_reject_reasons(std::string(reason));
  }
  c.set_code_id(r.String("code_id"));
  core::ToProto(r.Time("created_at"), c.mutable_create_time());
  core::ToProto(r.Time("updated_at"), c.mutable_update_time());
  if (!r.IsNull("pending_content")) {
    QRCLOUD_ASSIGN_OR_RETURN(rec.pending, FromJson(r.String("pending_content")));
  }
  c.set_has_pending_revision(rec.pending.has_value());
  rec.submission_id = r.String("submission_id");
  return rec;
}

store::Params ColumnValues(const CampaignRecord& rec) {
  const v1::Campaign& c = rec.campaign;
  std::string reasons;
  for (const auto& r : c.reject_reasons())
    absl::StrAppend(&reasons, reasons.empty() ? "" : "\n", r);
  return {
      v1::Campaign::State_Name(c.state()),
      ToJson(c),
      rec.pending ? store::Value(ToJson(*rec.pending)) : store::Value(nullptr),
      OrNull(rec.submission_id),
      OrNull(reasons),
      v1::Campaign::Mode_Name(c.mode()),
      c.price().currency().empty() ? std::string("CNY") : c.price().currency(),
      c.price().minor(),
      c.stock(),
      c.stock_left(),
      static_cast<int64_t>(c.per_person_limit()),
      c.has_start_time() ? store::Value(core::FromProto(c.start_time())) : store::Value(nullptr),
      c.has_end_time() ? store::Value(core::FromProto(c.end_time())) : store::Value(nullptr),
      c.has_fence() ? store::Value(c.fence().origin().lat()) : store::Value(nullptr),
      c.has_fence() ? store::Value(c.fence().origin().lng()) : store::Value(nullptr),
      c.has_fence() ? store::Value(static_cast<int64_t>(c.fence().radius_m()))
                    : store::Value(nullptr),
      OrNull(c.page_url().empty() ? "" : c.page_url().substr(c.page_url().rfind('/') + 1)),
      OrNull(c.code_id())};
}

}  // namespace

absl::Status MysqlCampaignStore::Insert(store::Tx& tx, const CampaignRecord& rec) {
  store::Connection& conn = store::ConnectionOf(tx);
  store::Params params = {rec.campaign.id(), rec.campaign.merchant_id()};
  for (auto& v : ColumnValues(rec)) params.push_back(std::move(v));
  const absl::Time created = core::FromProto(rec.campaign.create_time());
  params.push_back(created);
  params.push_back(created);
  return conn
      .Execute(
          "INSERT INTO campaigns (id, merchant_id, state, content, pending_content, submission_id, "
          "reject_reasons, mode, currency, price_minor, stock, stock_left, "
          "per_person_limit, "
          "start_time, end_time, fence_lat, fence_lng, fence_radius_m, page_slug, code_id, "
          "created_at, "
          "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          params)
      .status();
}

absl::Status MysqlCampaignStore::Save(store::Tx& tx, const CampaignRecord& rec) {
  store::Connection& conn = store::ConnectionOf(tx);
  store::Params params = ColumnValues(rec);
  params.push_back(rec.campaign.id());
  return conn
      .Execute(
          "UPDATE campaigns SET state = ?, content = ?, pending_content = ?, submission_id = ?, "
          "reject_reasons = ?, mode = ?, currency = ?, price_minor = ?, stock = "
          "?, "
          "stock_left = ?, per_person_limit = ?, start_time = ?, end_time = ?, fence_lat = ?, "
          "fence_lng = ?, "
          "fence_radius_m = ?, page_slug = ?, code_id = ?, updated_at = UTC_TIMESTAMP(6) WHERE id "
          "= ?",
          params)
      .status();
}

absl::StatusOr<CampaignRecord> MysqlCampaignStore::Get(store::Tx& tx, absl::string_view id,
                                                       bool for_update) {
  return Load(store::ConnectionOf(tx), id, for_update);
}

absl::StatusOr<CampaignRecord> MysqlCampaignStore::Load(store::Connection& conn,
                                                        absl::string_view id, bool for_update) {
  auto row = conn.QueryOne(absl::StrCat("SELECT ", kColumns, " FROM campaigns WHERE id = ?",
                                        for_update ? " FOR UPDATE" : ""),
                           {std::string(id)});
  if (row.status().code() == absl::StatusCode::kNotFound) {
    return absl::NotFoundError(absl::StrCat("campaign ", id, " not found"));
  }
  if (!row.ok()) return row.status();
  return FromRow(*row);
}

absl::StatusOr<OrderTerms> MysqlCampaignStore::GetOrderTerms(absl::string_view id,
                                                             absl::string_view account_id,
                                                             absl::string_view request_id) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  auto row = conn->QueryOne(
      "SELECT id, merchant_id, state, mode, currency, price_minor, stock, per_person_limit, "
      "start_time, end_time, "
      "fence_lat, fence_lng, fence_radius_m, (SELECT o.id FROM orders o WHERE o.account_id = ? AND "
      "o.request_id = ?) AS existing_order, (SELECT m.cloud_business_enabled FROM merchants m "
      "WHERE m.id = "
      "campaigns.merchant_id) AS cloud_business_enabled FROM campaigns WHERE id = ?",
      {std::string(account_id), std::string(request_id), std::string(id)});
  if (row.status().code() == absl::StatusCode::kNotFound) {
    return absl::NotFoundError(absl::StrCat("campaign ", id, " not found"));
  }
  if (!row.ok()) return row.status();
  const store::Row& r = *row;
  OrderTerms terms;
  terms.existing_order_id = r.String("existing_order");
  terms.cloud_business_enabled = r.Bool("cloud_business_enabled");
  v1::Campaign& c = terms.campaign;
  SetIdentity(r, c);
  v1::Campaign::Mode mode = v1::Campaign::MODE_UNSPECIFIED;
  v1::Campaign::Mode_Parse(r.String("mode"), &mode);
  c.set_mode(mode);
  c.mutable_price()->set_currency(r.String("currency"));
  c.mutable_price()->set_minor(r.Int("price_minor"));
  c.set_stock(r.Int("stock"));
  c.set_per_person_limit(static_cast<int32_t>(r.Int("per_person_limit")));
  if (!r.IsNull("start_time")) core::ToProto(r.Time("start_time"), c.mutable_start_time());
  if (!r.IsNull("end_time")) core::ToProto(r.Time("end_time"), c.mutable_end_time());
  if (!r.IsNull("fence_radius_m")) {
    c.mutable_fence()->mutable_origin()->set_lat(r.Double("fence_lat"));
    c.mutable_fence()->mutable_origin()->set_lng(r.Double("fence_lng"));
    c.mutable_fence()->set_radius_m(static_cast<int32_t>(r.Int("fence_radius_m")));
  }
  return terms;
}

absl::StatusOr<CampaignRecord> MysqlCampaignStore::Get(absl::string_view id) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  return Load(*conn, id, false);
}

absl::StatusOr<CampaignRecord> MysqlCampaignStore::GetByPageSlug(absl::string_view slug) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  auto row =
      conn->QueryOne(absl::StrCat("SELECT ", kColumns, " FROM campaigns WHERE page_slug = ?"),
                     {std::string(slug)});
  if (row.status().code() == absl::StatusCode::kNotFound) {
    return absl::NotFoundError(absl::StrCat("no page at /m/", slug));
  }
  if (!row.ok()) return row.status();
  return FromRow(*row);
}

// The campaigns a WHERE clause finds, in id order, at most `limit`.
absl::StatusOr<std::vector<v1::Campaign>> List(store::Connection& conn, std::string sql,
                                               store::Params params, int limit) {
  sql += " ORDER BY id LIMIT ?";
  params.push_back(static_cast<int64_t>(limit));
  QRCLOUD_ASSIGN_OR_RETURN(auto rows, conn.Query(sql, params));
  std::vector<v1::Campaign> out;
  for (const auto& r : rows) {
    QRCLOUD_ASSIGN_OR_RETURN(CampaignRecord rec, FromRow(r));
    out.push_back(std::move(rec.campaign));
  }
  return out;
}

absl::StatusOr<std::vector<v1::Campaign>> MysqlCampaignStore::ListForMerchant(
    absl::string_view merchant_id, absl::string_view state, absl::string_view after_id, int limit) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  std::string sql =
      absl::StrCat("SELECT ", kColumns, " FROM campaigns WHERE merchant_id = ? AND id > ?");
  store::Params params = {std::string(merchant_id), std::string(after_id)};
  if (!state.empty()) {
    sql += " AND state = ?";
    params.push_back(std::string(state));
  }
  return List(*conn, std::move(sql), std::move(params), limit);
}

}  // namespace qrcloud::center
