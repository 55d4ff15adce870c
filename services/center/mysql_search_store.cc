#include "services/center/mysql_search_store.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "libs/core/status.h"

namespace qrcloud::center {
namespace {

// Takes the next version: the counter row stays locked until the unit
// commits, so writers take turns and their versions show in order.
constexpr char kNextVersion[] =
    "UPDATE campaign_search_clock SET version = version + 1 WHERE id = 1";
constexpr char kVersion[] = "(SELECT version FROM campaign_search_clock WHERE id = 1)";

store::Value TimeOrNull(absl::Time t) {
  if (t == absl::InfinitePast() || t == absl::InfiniteFuture()) return nullptr;
  return t;
}

// A prepared statement per IN-list length: lengths are rounded up to a few
// sizes (the last value repeated), so a connection prepares a handful.
size_t InListSize(size_t n) {
  size_t size = 8;
  while (size < n) size *= 2;
  return size;
}

std::string Placeholders(size_t n) {
  std::vector<std::string> marks(n, "?");
  return absl::StrJoin(marks, ", ");
}

}  // namespace

absl::Status MysqlSearchStore::Put(store::Tx& tx, const v1::Campaign& card,
                                   const SearchDocument& d) {
  store::Connection& conn = store::ConnectionOf(tx);
  QRCLOUD_RETURN_IF_ERROR(conn.Execute(kNextVersion).status());
  store::Params params = {card.merchant_id(),
                          d.merchant_name,
                          static_cast<int64_t>(kSearchDocumentVersion),
                          d.text,
                          absl::StrJoin(d.tags, "\n"),
                          d.place ? store::Value(d.place->lat) : store::Value(nullptr),
                          d.place ? store::Value(d.place->lng) : store::Value(nullptr),
                          TimeOrNull(d.start),
                          TimeOrNull(d.end),
                          card.SerializeAsString(),
                          card.id()};
  QRCLOUD_ASSIGN_OR_RETURN(
      int64_t matched,
      conn.Execute(
          absl::StrCat(
              "UPDATE campaign_search SET merchant_id = ?, merchant_name = ?, live = TRUE, "
              "document_version = ?, text = ?, tags = ?, lat = ?, lng = ?, "
              "start_time = ?, end_time = ?, card = ?, version = ",
              kVersion, " WHERE campaign_id = ?"),
          params));
  if (matched > 0) return absl::OkStatus();
  // First published: the next number (the campaign id goes first here).
  std::rotate(params.rbegin(), params.rbegin() + 1, params.rend());
  return conn
      .Execute(absl::StrCat("INSERT INTO campaign_search (campaign_id, merchant_id, merchant_name, "
                            "live, document_version, text, tags, lat, lng, start_time, end_time, "
                            "card, version) VALUES (?, ?, ?, TRUE, ?, ?, ?, ?, ?, ?, ?, ?, ",
                            kVersion, ")"),
               params)
      .status();
}

absl::Status MysqlSearchStore::Remove(store::Tx& tx, absl::string_view campaign_id) {
  store::Connection& conn = store::ConnectionOf(tx);
  QRCLOUD_ASSIGN_OR_RETURN(
      auto live, conn.Query("SELECT doc FROM campaign_search WHERE campaign_id = ? AND live",
                            {std::string(campaign_id)}));
  if (live.empty()) return absl::OkStatus();
  QRCLOUD_RETURN_IF_ERROR(conn.Execute(kNextVersion).status());
  return conn
      .Execute(absl::StrCat("UPDATE campaign_search SET live = FALSE, version = ", kVersion,
                            " WHERE campaign_id = ?"),
               {std::string(campaign_id)})
      .status();
}

absl::StatusOr<std::vector<v1::Campaign>> MysqlSearchStore::LiveCards(
    store::Tx& tx, absl::string_view merchant_id) {
  QRCLOUD_ASSIGN_OR_RETURN(
      auto rows, store::ConnectionOf(tx).Query(
                     "SELECT card FROM campaign_search WHERE merchant_id = ? AND live FOR UPDATE",
                     {std::string(merchant_id)}));
  std::vector<v1::Campaign> cards;
  for (const auto& r : rows) {
    v1::Campaign c;
    if (!c.ParseFromString(r.String("card"))) {
      return absl::InternalError("a stored search card does not parse");
    }
    cards.push_back(std::move(c));
  }
  return cards;
}

absl::StatusOr<std::vector<SearchRow>> MysqlSearchStore::Changes(int64_t version, uint32_t doc,
                                                                 int limit) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  QRCLOUD_ASSIGN_OR_RETURN(
      auto rows,
      conn->Query(
          "SELECT doc, version, live, document_version, merchant_id, merchant_name, text, tags, "
          "lat, lng, start_time, end_time, card FROM campaign_search WHERE version > ? OR (version "
          "= ? AND doc > ?) "
          "ORDER BY version, doc LIMIT ?",
          {version, version, static_cast<int64_t>(doc), static_cast<int64_t>(limit)}));
  std::vector<SearchRow> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    SearchRow row;
    row.doc = static_cast<uint32_t>(r.Int("doc"));
    row.version = r.Int("version");
    row.live = r.Bool("live") && r.Int("document_version") == kSearchDocumentVersion;
    SearchDocument& d = row.document;
    d.merchant_id = r.String("merchant_id");
    d.merchant_name = r.String("merchant_name");
    d.text = r.String("text");
    d.tags = absl::StrSplit(r.String("tags"), '\n', absl::SkipEmpty());
    if (!r.IsNull("lat")) d.place = SearchPlace{r.Double("lat"), r.Double("lng")};
    if (!r.IsNull("start_time")) d.start = r.Time("start_time");
    if (!r.IsNull("end_time")) d.end = r.Time("end_time");
    row.card = r.String("card");
    out.push_back(std::move(row));
  }
  return out;
}

absl::StatusOr<std::vector<CampaignStock>> MysqlSearchStore::StockOf(
    const std::vector<std::string>& ids) {
  if (ids.empty()) return std::vector<CampaignStock>();
  const size_t n = InListSize(ids.size());
  store::Params params(n, ids.back());
  for (size_t i = 0; i < ids.size(); ++i) params[i] = ids[i];
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  QRCLOUD_ASSIGN_OR_RETURN(
      auto rows,
      conn->Query(absl::StrCat("SELECT id, state, stock_left FROM campaigns WHERE id IN (",
                               Placeholders(n), ")"),
                  params));
  std::vector<CampaignStock> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    CampaignStock stock;
    stock.campaign_id = r.String("id");
    v1::Campaign::State_Parse(r.String("state"), &stock.state);
    stock.stock_left = r.Int("stock_left");
    out.push_back(std::move(stock));
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> MysqlSearchStore::Stale(absl::string_view after_id,
                                                                 int limit) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  QRCLOUD_ASSIGN_OR_RETURN(
      auto rows,
      conn->Query("SELECT c.id FROM campaigns c LEFT JOIN campaign_search s ON s.campaign_id = "
                  "c.id WHERE c.state = 'PUBLISHED' AND c.id > ? AND (s.doc IS NULL OR "
                  "s.document_version < ?) ORDER BY c.id LIMIT ?",
                  {std::string(after_id), static_cast<int64_t>(kSearchDocumentVersion),
                   static_cast<int64_t>(limit)}));
  std::vector<std::string> ids;
  for (const auto& r : rows) ids.push_back(r.String("id"));
  return ids;
}

absl::Status MysqlSearchStore::MarkAllStale() {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  return conn->Execute("UPDATE campaign_search SET document_version = 0").status();
}

}  // namespace qrcloud::center
