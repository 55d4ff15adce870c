#include "services/center/merchant_store.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"

namespace qrcloud::center {
namespace {

constexpr char kColumns[] =
    "id, owner_account_id, display_name, description, contact_phone, contact_email, website_url, "
    "qualification_state, license_number, legal_name, qualification_reasons, "
    "qualification_submitted_at, qualification_decided_at, lat, lng, address, "
    "cloud_business_enabled, landing_business_enabled, agent_id, created_at, updated_at, "
    "landing_review_state, landing_review_reasons, landing_submitted_at, landing_decided_at";

// Columns callers may set through Update(): a fixed list, so a column name
// never comes from input.
constexpr absl::string_view kUpdatable[] = {"display_name",
                                            "description",
                                            "contact_phone",
                                            "contact_email",
                                            "website_url",
                                            "qualification_state",
                                            "license_number",
                                            "legal_name",
                                            "qualification_reasons",
                                            "qualification_submitted_at",
                                            "qualification_decided_at",
                                            "lat",
                                            "lng",
                                            "address",
                                            "cloud_business_enabled",
                                            "landing_business_enabled",
                                            "agent_id",
                                            "qualification_submission_id",
                                            "landing_review_state",
                                            "landing_review_reasons",
                                            "landing_submission_id",
                                            "landing_submitted_at",
                                            "landing_decided_at"};

v1::Merchant FromRow(const store::Row& r) {
  v1::Merchant m;
  m.set_id(r.String("id"));
  m.set_owner_account_id(r.String("owner_account_id"));
  m.set_display_name(r.String("display_name"));
  m.set_description(r.String("description"));
  m.set_contact_phone(r.String("contact_phone"));
  m.set_contact_email(r.String("contact_email"));
  m.set_website_url(r.String("website_url"));
  auto* q = m.mutable_qualification();
  v1::Qualification::State state = v1::Qualification::NONE;
  v1::Qualification::State_Parse(r.String("qualification_state"), &state);
  q->set_state(state);
  q->set_license_number(r.String("license_number"));
  q->set_legal_name(r.String("legal_name"));
  for (absl::string_view reason :
       absl::StrSplit(r.String("qualification_reasons"), '\n', absl::SkipEmpty())) {
    q->add_reasons(std::string(reason));
  }
  if (!r.IsNull("qualification_submitted_at")) {
    core::ToProto(r.Time("qualification_submitted_at"), q->mutable_submit_time());
  }
  if (!r.IsNull("qualification_decided_at")) {
    core::ToProto(r.Time("qualification_decided_at"), q->mutable_decide_time());
  }
  if (!r.IsNull("lat")) {
    m.mutable_location()->set_lat(r.Double("lat"));
    m.mutable_location()->set_lng(r.Double("lng"));
  }
  m.set_address(r.String("address"));
  m.set_cloud_business_enabled(r.Bool("cloud_business_enabled"));
  m.set_landing_business_enabled(r.Bool("landing_business_enabled"));
  m.set_agent_id(r.String("agent_id"));
  auto* landing = m.mutable_landing_review();
  v1::LandingReview::State landing_state = v1::LandingReview::NONE;
  v1::LandingReview::State_Parse(r.String("landing_review_state"), &landing_state);
  landing->set_state(landing_state);
  for (absl::string_view reason :
       absl::StrSplit(r.String("landing_review_reasons"), '\n', absl::SkipEmpty())) {
    landing->add_reasons(std::string(reason));
  }
  if (!r.IsNull("landing_submitted_at"))
    core::ToProto(r.Time("landing_submitted_at"), landing->mutable_submit_time());
  if (!r.IsNull("landing_decided_at"))
    core::ToProto(r.Time("landing_decided_at"), landing->mutable_decide_time());
  core::ToProto(r.Time("created_at"), m.mutable_create_time());
  core::ToProto(r.Time("updated_at"), m.mutable_update_time());
  return m;
}

}  // namespace

absl::StatusOr<v1::Merchant> MerchantStore::Get(absl::string_view id) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  return Get(*conn, id);
}

absl::StatusOr<v1::Merchant> MerchantStore::Get(store::Connection& conn, absl::string_view id,
                                                bool for_update) {
  auto row = conn.QueryOne(absl::StrCat("SELECT ", kColumns, " FROM merchants WHERE id = ?",
                                        for_update ? " FOR UPDATE" : ""),
                           {std::string(id)});
  if (row.status().code() == absl::StatusCode::kNotFound) {
    return absl::NotFoundError(absl::StrCat("merchant ", id, " not found"));
  }
  if (!row.ok()) return row.status();
  return FromRow(*row);
}

absl::Status MerchantStore::Update(
    store::Connection& conn, absl::string_view id,
    const std::vector<std::pair<std::string, store::Value>>& columns) {
  std::vector<std::string> sets;
  store::Params params;
  for (const auto& [column, value] : columns) {
    const bool allowed =
        std::find(std::begin(kUpdatable), std::end(kUpdatable), column) != std::end(kUpdatable);
    // Only code names columns; a column outside the list is a programming error.
    assert(allowed);
    if (!allowed) return absl::InternalError(absl::StrCat("column ", column, " is not updatable"));
    sets.push_back(absl::StrCat(column, " = ?"));
    params.push_back(value);
  }
  sets.push_back("updated_at = UTC_TIMESTAMP(6)");
  params.push_back(std::string(id));
  QRCLOUD_ASSIGN_OR_RETURN(
      int64_t n, conn.Execute(absl::StrCat("UPDATE merchants SET ", absl::StrJoin(sets, ", "),
                                           " WHERE id = ?"),
                              params));
  if (n == 0) {
    return absl::NotFoundError(absl::StrCat("merchant ", id, " not found"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::Merchant>> MerchantStore::List(absl::string_view qualification_state,
                                                              absl::string_view after_id,
                                                              int limit) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  std::string sql = absl::StrCat("SELECT ", kColumns, " FROM merchants WHERE id > ?");
  store::Params params = {std::string(after_id)};
  if (!qualification_state.empty()) {
    sql += " AND qualification_state = ?";
    params.push_back(std::string(qualification_state));
  }
  sql += " ORDER BY id LIMIT ?";
  params.push_back(static_cast<int64_t>(limit));
  QRCLOUD_ASSIGN_OR_RETURN(auto rows, conn->Query(sql, params));
  std::vector<v1::Merchant> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(FromRow(r));
  return out;
}

}  // namespace qrcloud::center
