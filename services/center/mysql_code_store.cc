#include "services/center/mysql_code_store.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"

namespace qrcloud::center {
namespace {

constexpr char kColumns[] =
    "id, slug, owner_account_id, merchant_id, target_kind, target_url, campaign_id, "
    "target_merchant_id, payload, label, state, start_time, end_time, scan_limit, "
    "error_correction, platform_code, number, batch_id, created_at";

store::Value OrNull(const std::string& s) {
  if (s.empty()) return nullptr;
  return s;
}

store::Value TimeOrNull(const google::protobuf::Timestamp& t, bool has) {
  if (!has) return nullptr;
  return core::FromProto(t);
}

std::string EcLetter(v1::Code::ErrorCorrection ec) {
  switch (ec) {
    case v1::Code::L:
      return "L";
    case v1::Code::Q:
      return "Q";
    case v1::Code::H:
      return "H";
    default:
      return "M";
  }
}

v1::Code::ErrorCorrection EcFromLetter(absl::string_view s) {
  if (s == "L") return v1::Code::L;
  if (s == "Q") return v1::Code::Q;
  if (s == "H") return v1::Code::H;
  return v1::Code::M;
}

// The values of kColumns and updated_at, for one row.
store::Params RowValues(const CodeRow& row) {
  const v1::Code& c = row.code;
  const absl::Time created = core::FromProto(c.create_time());
  return {c.id(),
          c.slug(),
          c.owner_account_id(),
          OrNull(c.merchant_id()),
          row.target_kind,
          c.target_url(),
          OrNull(c.campaign_id()),
          nullptr,
          OrNull(c.payload()),
          c.label(),
          v1::Code::State_Name(c.state()),
          TimeOrNull(c.start_time(), c.has_start_time()),
          TimeOrNull(c.end_time(), c.has_end_time()),
          c.scan_limit(),
          EcLetter(c.error_correction()),
          c.platform_code(),
          static_cast<int64_t>(c.number()),
          OrNull(c.batch_id()),
          created,
          created};
}

constexpr char kRowMarks[] = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

}  // namespace

std::string ShortUrl(absl::string_view public_url, absl::string_view slug) {
  return absl::StrCat(public_url, "/s/", slug);
}

v1::ResolveSlugResponse ResolutionOf(const CodeRow& row) {
  v1::ResolveSlugResponse r;
  const v1::Code& c = row.code;
  r.set_code_id(c.id());
  r.set_state(c.state());
  if (row.target_kind == "PAYLOAD") {
    r.set_payload(c.payload());
  } else {
    r.set_location(c.target_url());
  }
  if (c.has_end_time()) *r.mutable_end_time() = c.end_time();
  r.set_scan_limit(c.scan_limit());
  r.set_merchant_id(c.merchant_id());
  r.set_campaign_id(c.campaign_id());
  return r;
}

CodeRow MysqlCodeStore::FromRow(const store::Row& r) const {
  CodeRow row;
  v1::Code& c = row.code;
  c.set_id(r.String("id"));
  c.set_slug(r.String("slug"));
  c.set_short_url(ShortUrl(public_url_, c.slug()));
  c.set_owner_account_id(r.String("owner_account_id"));
  row.target_kind = r.String("target_kind");
  c.set_target_url(r.String("target_url"));
  c.set_campaign_id(r.String("campaign_id"));
  c.set_merchant_id(r.String("merchant_id"));
  c.set_payload(r.String("payload"));
  c.set_label(r.String("label"));
  v1::Code::State state = v1::Code::ACTIVE;
  v1::Code::State_Parse(r.String("state"), &state);
  c.set_state(state);
  if (!r.IsNull("start_time")) core::ToProto(r.Time("start_time"), c.mutable_start_time());
  if (!r.IsNull("end_time")) core::ToProto(r.Time("end_time"), c.mutable_end_time());
  c.set_scan_limit(r.Int("scan_limit"));
  c.set_error_correction(EcFromLetter(r.String("error_correction")));
  c.set_platform_code(r.String("platform_code"));
  c.set_number(static_cast<int32_t>(r.Int("number")));
  c.set_batch_id(r.String("batch_id"));
  core::ToProto(r.Time("created_at"), c.mutable_create_time());
  return row;
}

absl::Status MysqlCodeStore::Insert(store::Tx& tx, const CodeRow& row) {
  return store::ConnectionOf(tx)
      .Execute(absl::StrCat("INSERT INTO codes (", kColumns, ", updated_at) VALUES ", kRowMarks),
               RowValues(row))
      .status();
}

absl::Status MysqlCodeStore::InsertBatch(store::Tx& tx, const CodeBatch& batch,
                                         const std::vector<CodeRow>& rows) {
  store::Connection& conn = store::ConnectionOf(tx);
  QRCLOUD_RETURN_IF_ERROR(
      conn.Execute(
              "INSERT INTO code_batches (id, owner_account_id, merchant_id, count, "
              "first_number, caption, created_at, request_id, request_hash) "
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
              {batch.id, batch.owner_account_id, OrNull(batch.merchant_id),
               static_cast<int64_t>(batch.count), static_cast<int64_t>(batch.first_number),
               batch.caption, batch.created, OrNull(batch.request_id), OrNull(batch.request_hash)})
          .status());
  // Multi-row INSERTs in fixed-size chunks keep the number of distinct
  // prepared statements small.
  constexpr size_t kChunk = 200;
  for (size_t start = 0; start < rows.size(); start += kChunk) {
    const size_t n = std::min(kChunk, rows.size() - start);
    std::string sql = absl::StrCat("INSERT INTO codes (", kColumns, ", updated_at) VALUES ");
    store::Params params;
    params.reserve(n * 20);
    for (size_t i = 0; i < n; ++i) {
      absl::StrAppend(&sql, i ? "," : "", kRowMarks);
      for (store::Value& v : RowValues(rows[start + i])) params.push_back(std::move(v));
    }
    QRCLOUD_RETURN_IF_ERROR(conn.Execute(sql, params).status());
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<CodeBatch>> MysqlCodeStore::BatchByRequest(
    absl::string_view owner, absl::string_view request_id) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  auto r = conn->QueryOne(
      "SELECT id, merchant_id, count, first_number, caption, created_at, request_hash "
      "FROM code_batches WHERE owner_account_id = ? AND request_id = ?",
      {std::string(owner), std::string(request_id)});
  if (r.status().code() == absl::StatusCode::kNotFound) return std::nullopt;
  if (!r.ok()) return r.status();
  CodeBatch batch;
  batch.id = r->String("id");
  batch.owner_account_id = std::string(owner);
  batch.merchant_id = r->String("merchant_id");
  batch.count = static_cast<int32_t>(r->Int("count"));
  batch.first_number = static_cast<int32_t>(r->Int("first_number"));
  batch.caption = r->String("caption");
  batch.created = r->Time("created_at");
  batch.request_id = std::string(request_id);
  batch.request_hash = r->String("request_hash");
  return batch;
}

absl::StatusOr<CodeRow> MysqlCodeStore::Load(store::Connection& conn, absl::string_view where,
                                             absl::string_view key, bool for_update) {
  auto r = conn.QueryOne(absl::StrCat("SELECT ", kColumns, " FROM codes WHERE ", where, " = ?",
                                      for_update ? " FOR UPDATE" : ""),
                         {std::string(key)});
  if (r.status().code() == absl::StatusCode::kNotFound) {
    return absl::NotFoundError(where == "slug" ? absl::StrCat("no code has the link /s/", key)
                                               : absl::StrCat("code ", key, " not found"));
  }
  if (!r.ok()) return r.status();
  return FromRow(*r);
}

absl::StatusOr<CodeRow> MysqlCodeStore::Get(absl::string_view id) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  return Load(*conn, "id", id, false);
}

absl::StatusOr<CodeRow> MysqlCodeStore::Get(store::Tx& tx, absl::string_view id, bool for_update) {
  return Load(store::ConnectionOf(tx), "id", id, for_update);
}

absl::StatusOr<CodeRow> MysqlCodeStore::GetBySlug(absl::string_view slug) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  return Load(*conn, "slug", slug, false);
}

absl::StatusOr<std::vector<CodeRow>> MysqlCodeStore::List(absl::string_view owner,
                                                          absl::string_view campaign_id,
                                                          absl::string_view batch_id,
                                                          absl::string_view after_id, int limit) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  std::string sql =
      absl::StrCat("SELECT ", kColumns, " FROM codes WHERE owner_account_id = ? AND id > ?");
  store::Params params = {std::string(owner), std::string(after_id)};
  if (!campaign_id.empty()) {
    sql += " AND campaign_id = ?";
    params.push_back(std::string(campaign_id));
  }
  if (!batch_id.empty()) {
    sql += " AND batch_id = ?";
    params.push_back(std::string(batch_id));
  }
  sql += " ORDER BY id LIMIT ?";
  params.push_back(static_cast<int64_t>(limit));
  QRCLOUD_ASSIGN_OR_RETURN(auto rows, conn->Query(sql, params));
  std::vector<CodeRow> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(FromRow(r));
  return out;
}

absl::Status MysqlCodeStore::Update(store::Tx& tx, const CodeRow& row) {
  const v1::Code& c = row.code;
  return store::ConnectionOf(tx)
      .Execute(
          "UPDATE codes SET state = ?, label = ?, end_time = ?, updated_at = UTC_TIMESTAMP(6) "
          "WHERE id = ?",
          {v1::Code::State_Name(c.state()), c.label(), TimeOrNull(c.end_time(), c.has_end_time()),
           c.id()})
      .status();
}

absl::StatusOr<v1::CodeStats> MysqlCodeStore::Stats(absl::string_view code_id) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  QRCLOUD_ASSIGN_OR_RETURN(
      auto rows,
      conn->Query("SELECT hour, platform_code, scans, unique_scans, flagged FROM code_scan_hours "
                  "WHERE code_id = ? ORDER BY hour, platform_code",
                  {std::string(code_id)}));
  v1::CodeStats stats;
  stats.set_code_id(std::string(code_id));
  std::map<std::string, v1::CodeStats::PlatformCount> platforms;
  v1::CodeStats::Bucket* bucket = nullptr;
  absl::Time bucket_hour = absl::InfinitePast();
  for (const auto& r : rows) {
    const int64_t scans = r.Int("scans");
    const int64_t uniques = r.Int("unique_scans");
    stats.set_scans(stats.scans() + scans);
    stats.set_unique_scans(stats.unique_scans() + uniques);
    stats.set_flagged(stats.flagged() + r.Int("flagged"));
    const absl::Time hour = r.Time("hour");
    if (bucket == nullptr || hour != bucket_hour) {
      bucket = stats.add_hours();
      bucket_hour = hour;
      core::ToProto(hour, bucket->mutable_hour());
    }
    bucket->set_scans(bucket->scans() + scans);
    bucket->set_unique_scans(bucket->unique_scans() + uniques);
    auto& p = platforms[r.String("platform_code")];
    p.set_platform_code(r.String("platform_code"));
    p.set_scans(p.scans() + scans);
    p.set_unique_scans(p.unique_scans() + uniques);
  }
  for (auto& [unused, p] : platforms) {
    if (p.scans() > 0) *stats.add_platforms() = std::move(p);  // only platforms with counted scans
  }
  return stats;
}

}  // namespace qrcloud::center
