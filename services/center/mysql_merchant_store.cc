#include "services/center/mysql_merchant_store.h"

#include <google/protobuf/util/json_util.h>

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
    "landing_review_state, landing_review_reasons, landing_submitted_at, landing_decided_at, "
    "qualification_submission_id, landing_submission_id, profile_review_state, "
    "profile_review_reasons, profile_proposed, profile_submission_id, profile_submitted_at, "
    "profile_decided_at";

store::Value TimeOrNull(const google::protobuf::Timestamp& t, bool has) {
  return has ? store::Value(core::FromProto(t)) : store::Value(nullptr);
}

store::Value TextOrNull(const std::string& s) {
  return s.empty() ? store::Value(nullptr) : store::Value(s);
}

std::string Reasons(const google::protobuf::RepeatedPtrField<std::string>& reasons) {
  return absl::StrJoin(reasons, "\n");
}

std::string ProposedJson(const v1::ProfileEdit& edit) {
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(edit, &json);
  return json;
}

// Every column but id, owner and created_at, in the order of kSaved.
store::Params SavedValues(const MerchantRecord& rec) {
  const v1::Merchant& m = rec.merchant;
  const v1::Qualification& q = m.qualification();
  const v1::LandingReview& l = m.landing_review();
  const v1::ProfileReview& p = m.profile_review();
  return {
      m.display_name(),
      m.description(),
      m.contact_phone(),
      m.contact_email(),
      m.website_url(),
      v1::Qualification::State_Name(
          q.state() == v1::Qualification::STATE_UNSPECIFIED ? v1::Qualification::NONE : q.state()),
      TextOrNull(q.license_number()),
      TextOrNull(q.legal_name()),
      TextOrNull(Reasons(q.reasons())),
      TimeOrNull(q.submit_time(), q.has_submit_time()),
      TimeOrNull(q.decide_time(), q.has_decide_time()),
      m.has_location() ? store::Value(m.location().lat()) : store::Value(nullptr),
      m.has_location() ? store::Value(m.location().lng()) : store::Value(nullptr),
      m.address(),
      m.cloud_business_enabled(),
      m.landing_business_enabled(),
      TextOrNull(m.agent_id()),
      TextOrNull(rec.qualification_submission_id),
      v1::LandingReview::State_Name(
          l.state() == v1::LandingReview::STATE_UNSPECIFIED ? v1::LandingReview::NONE : l.state()),
      TextOrNull(Reasons(l.reasons())),
      TextOrNull(rec.landing_submission_id),
      TimeOrNull(l.submit_time(), l.has_submit_time()),
      TimeOrNull(l.decide_time(), l.has_decide_time()),
      v1::ProfileReview::State_Name(
          p.state() == v1::ProfileReview::STATE_UNSPECIFIED ? v1::ProfileReview::NONE : p.state()),
      TextOrNull(Reasons(p.reasons())),
      p.has_proposed() ? store::Value(ProposedJson(p.proposed())) : store::Value(nullptr),
      TextOrNull(rec.profile_submission_id),
      TimeOrNull(p.submit_time(), p.has_submit_time()),
      TimeOrNull(p.decide_time(), p.has_decide_time())};
}

constexpr char kSaved[] =
    "display_name = ?, description = ?, contact_phone = ?, contact_email = ?, website_url = ?, "
    "qualification_state = ?, license_number = ?, legal_name = ?, qualification_reasons = ?, "
    "qualification_submitted_at = ?, qualification_decided_at = ?, lat = ?, lng = ?, address = "
    "?, cloud_business_enabled = ?, landing_business_enabled = ?, agent_id = ?, "
    "qualification_submission_id = ?, landing_review_state = ?, landing_review_reasons = ?, "
    "landing_submission_id = ?, landing_submitted_at = ?, landing_decided_at = ?, "
    "profile_review_state = ?, profile_review_reasons = ?, profile_proposed = ?, "
    "profile_submission_id = ?, profile_submitted_at = ?, profile_decided_at = ?";

// The columns of a request the audit decides.
struct AuditedColumns {
  const char* state;
  const char* reasons;
  const char* submitted;
  const char* decided;
};

// A Qualification or a LandingReview from its columns.
template <typename Request>
void ReadAudited(const store::Row& r, const AuditedColumns& c, Request* out) {
  typename Request::State state = Request::NONE;
  Request::State_Parse(r.String(c.state), &state);
  out->set_state(state);
  for (absl::string_view reason : absl::StrSplit(r.String(c.reasons), '\n', absl::SkipEmpty())) {
    out->add_reasons(std::string(reason));
  }
  if (!r.IsNull(c.submitted)) core::ToProto(r.Time(c.submitted), out->mutable_submit_time());
  if (!r.IsNull(c.decided)) core::ToProto(r.Time(c.decided), out->mutable_decide_time());
}

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
  ReadAudited(r,
              {"qualification_state", "qualification_reasons", "qualification_submitted_at",
               "qualification_decided_at"},
              q);
  q->set_license_number(r.String("license_number"));
  q->set_legal_name(r.String("legal_name"));
  if (!r.IsNull("lat")) {
    m.mutable_location()->set_lat(r.Double("lat"));
    m.mutable_location()->set_lng(r.Double("lng"));
  }
  m.set_address(r.String("address"));
  m.set_cloud_business_enabled(r.Bool("cloud_business_enabled"));
  m.set_landing_business_enabled(r.Bool("landing_business_enabled"));
  m.set_agent_id(r.String("agent_id"));
  ReadAudited(r,
              {"landing_review_state", "landing_review_reasons", "landing_submitted_at",
               "landing_decided_at"},
              m.mutable_landing_review());
  ReadAudited(r,
              {"profile_review_state", "profile_review_reasons", "profile_submitted_at",
               "profile_decided_at"},
              m.mutable_profile_review());
  if (!r.IsNull("profile_proposed")) {
    (void)google::protobuf::util::JsonStringToMessage(
        r.String("profile_proposed"), m.mutable_profile_review()->mutable_proposed());
  }
  core::ToProto(r.Time("created_at"), m.mutable_create_time());
  core::ToProto(r.Time("updated_at"), m.mutable_update_time());
  return m;
}

MerchantRecord RecordFromRow(const store::Row& r) {
  MerchantRecord rec;
  rec.merchant = FromRow(r);
  rec.qualification_submission_id = r.String("qualification_submission_id");
  rec.landing_submission_id = r.String("landing_submission_id");
  rec.profile_submission_id = r.String("profile_submission_id");
  return rec;
}

absl::StatusOr<MerchantRecord> Load(store::Connection& conn, absl::string_view id,
                                    bool for_update) {
  auto row = conn.QueryOne(absl::StrCat("SELECT ", kColumns, " FROM merchants WHERE id = ?",
                                        for_update ? " FOR UPDATE" : ""),
                           {std::string(id)});
  if (row.status().code() == absl::StatusCode::kNotFound) {
    return absl::NotFoundError(absl::StrCat("merchant ", id, " not found"));
  }
  if (!row.ok()) return row.status();
  return RecordFromRow(*row);
}

}  // namespace

absl::Status MysqlMerchantStore::Insert(store::Tx& tx, const MerchantRecord& rec) {
  const v1::Merchant& m = rec.merchant;
  const absl::Time created = core::FromProto(m.create_time());
  QRCLOUD_RETURN_IF_ERROR(
      store::ConnectionOf(tx)
          .Execute("INSERT INTO merchants (id, owner_account_id, display_name, "
                   "description, created_at, updated_at) VALUES (?, ?, ?, '', "
                   "?, ?)",
                   {m.id(), m.owner_account_id(), m.display_name(), created, created})
          .status());
  return Save(tx, rec);
}

absl::StatusOr<v1::Merchant> MysqlMerchantStore::Get(absl::string_view id) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  QRCLOUD_ASSIGN_OR_RETURN(MerchantRecord rec, Load(*conn, id, false));
  return std::move(rec.merchant);
}

absl::StatusOr<MerchantRecord> MysqlMerchantStore::Get(store::Tx& tx, absl::string_view id,
                                                       bool for_update) {
  return Load(store::ConnectionOf(tx), id, for_update);
}

absl::Status MysqlMerchantStore::Save(store::Tx& tx, const MerchantRecord& rec) {
  store::Params params = SavedValues(rec);
  params.push_back(rec.merchant.id());
  QRCLOUD_ASSIGN_OR_RETURN(
      int64_t n,
      store::ConnectionOf(tx).Execute(absl::StrCat("UPDATE merchants SET ", kSaved,
                                                   ", updated_at = UTC_TIMESTAMP(6) WHERE id = ?"),
                                      params));
  if (n == 0)
    return absl::NotFoundError(absl::StrCat("merchant ", rec.merchant.id(), " not found"));
  return absl::OkStatus();
}

absl::StatusOr<int> MysqlMerchantStore::CountLicenseHolders(store::Tx& tx,
                                                            absl::string_view license_number,
                                                            absl::string_view merchant_id) {
  QRCLOUD_ASSIGN_OR_RETURN(
      auto rows, store::ConnectionOf(tx).Query(
                     "SELECT COUNT(*) AS n FROM merchants WHERE license_number = ? AND id <> ? "
                     "AND qualification_state IN ('PENDING_AUDIT', 'APPROVED')",
                     {std::string(license_number), std::string(merchant_id)}));
  return rows.empty() ? 0 : static_cast<int>(rows[0].Int("n"));
}

absl::StatusOr<std::vector<v1::Merchant>> MysqlMerchantStore::List(
    absl::string_view qualification_state, absl::string_view after_id, int limit) {
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
