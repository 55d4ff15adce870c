#include "services/personal/history_logic.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/core/ids.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"
#include "libs/rpc/paging.h"
#include "services/personal/wallet_logic.h"

namespace qrcloud::personal {
namespace {

// A page token: "<scan time, Unix µs>.<event id>" of the last entry.
std::string TokenOf(const HistoryRow& r) {
  return absl::StrCat(absl::ToUnixMicros(r.scan_time), ".", r.event_id);
}

std::optional<HistoryRow> FromToken(absl::string_view token) {
  std::vector<absl::string_view> parts = absl::StrSplit(token, absl::MaxSplits('.', 1));
  int64_t micros;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &micros) || parts[1].size() > 32) {
    return std::nullopt;
  }
  HistoryRow r;
  r.scan_time = absl::FromUnixMicros(micros);
  r.event_id = std::string(parts[1]);
  return r;
}

}  // namespace

absl::Status HistoryLogic::OnScans(const std::vector<core::ScanEvent>& events) {
  std::vector<HistoryRow> rows;
  for (const core::ScanEvent& e : events) {
    if (e.account.empty() || !core::IsValidId(e.account)) continue;
    rows.push_back({e.event_id, e.account, e.code_id, e.campaign,
                    core::ToMicros(absl::FromUnixMillis(e.time_ms))});
  }
  if (rows.empty()) return absl::OkStatus();
  return runner_.Run([&](store::Tx& tx) { return history_.Add(tx, rows); });
}

std::string HistoryLogic::Title(const std::string& campaign_id) {
  if (campaign_id.empty()) return "";
  std::optional<CampaignFacts> known;
  (void)runner_.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(known, facts_.GetCampaign(tx, campaign_id));
    return absl::OkStatus();
  });
  if (known) return known->title;
  auto fetched = center_.Fetch(campaign_id);  // a title is worth one question
  return fetched.ok() ? fetched->title() : "";
}

absl::Status HistoryLogic::List(const rpc::CallContext& call, const v1::ListHistoryRequest& req,
                                v1::ListHistoryResponse& resp) {
  QRCLOUD_RETURN_IF_ERROR(RequirePerson(call));
  QRCLOUD_ASSIGN_OR_RETURN(const int size, rpc::PageSize(req.page()));
  std::optional<HistoryRow> before;
  if (!req.page().page_token().empty()) {
    before = FromToken(req.page().page_token());
    if (!before) {
      return core::InvalidField("page.pageToken", "is not the nextPageToken of an earlier page");
    }
  }
  QRCLOUD_ASSIGN_OR_RETURN(
      std::vector<HistoryRow> rows,
      history_.List(call.caller().account_id, before ? &*before : nullptr, size + 1));
  if (static_cast<int>(rows.size()) > size) {
    rows.resize(size);
    resp.mutable_page()->set_next_page_token(TokenOf(rows.back()));
  }
  std::map<std::string, std::string> titles;
  for (const HistoryRow& r : rows) {
    v1::HistoryEntry& e = *resp.add_entries();
    e.set_campaign_id(r.campaign_id);
    e.set_code_id(r.code_id);
    auto [it, fresh] = titles.try_emplace(r.campaign_id);
    if (fresh) it->second = Title(r.campaign_id);
    e.set_title(it->second);
    core::ToProto(r.scan_time, e.mutable_scan_time());
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> HistoryLogic::Prune(int limit) {
  return history_.Prune(clock_.Now() - retention_, limit);
}

}  // namespace qrcloud::personal
