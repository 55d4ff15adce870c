// Scan history on memory: only signed-in people's scans, each once, newest
// first, paged, the person's own, and forgotten after the retention.
#include "services/personal/history_logic.h"

#include <catch2/catch.hpp>

#include <algorithm>

#include "libs/core/ids.h"
#include "libs/store/memory_tx.h"
#include "services/personal/testing/memory_wallet_store.h"

namespace qrcloud::personal {
namespace {

class MemoryHistory final : public HistoryStore {
 public:
  absl::Status Add(store::Tx&, const std::vector<HistoryRow>& rows) override {
    for (const auto& r : rows) {
      if (std::none_of(kept.begin(), kept.end(),
                       [&](const HistoryRow& k) { return k.event_id == r.event_id; })) {
        kept.push_back(r);
      }
    }
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<HistoryRow>> List(absl::string_view account, const HistoryRow* before,
                                               int limit) override {
    std::vector<HistoryRow> mine;
    for (const auto& r : kept) {
      const bool older = before == nullptr || r.scan_time < before->scan_time ||
                         (r.scan_time == before->scan_time && r.event_id < before->event_id);
      if (r.account_id == account && older) mine.push_back(r);
    }
    std::sort(mine.begin(), mine.end(), [](const auto& a, const auto& b) {
      return std::tie(a.scan_time, a.event_id) > std::tie(b.scan_time, b.event_id);
    });
    if (static_cast<int>(mine.size()) > limit) mine.resize(limit);
    return mine;
  }
  absl::StatusOr<int64_t> Prune(absl::Time cutoff, int) override {
    const auto n = std::erase_if(kept, [&](const HistoryRow& r) { return r.scan_time < cutoff; });
    return static_cast<int64_t>(n);
  }
  std::vector<HistoryRow> kept;
};

class NoCenter final : public CampaignSource {
 public:
  absl::StatusOr<v1::Campaign> Fetch(absl::string_view) override {
    return absl::NotFoundError("none");
  }
};

TEST_CASE("History keeps signed-in people's scans once each, newest first, and forgets old ones") {
  store::MemoryDb db;
  MemoryHistory history;
  testing::MemoryWalletStore facts(db);
  NoCenter center;
  core::FakeClock clock;
  HistoryLogic logic(db, history, facts, center, clock, absl::Hours(24));
  const std::string alice = core::NewId(), bob = core::NewId();
  std::vector<core::ScanEvent> scans;
  for (int i = 0; i < 3; ++i) {
    core::ScanEvent e;
    e.event_id = core::NewId();
    e.code_id = "code" + std::to_string(i);
    e.time_ms = absl::ToUnixMillis(clock.Now()) + i * 1000;
    e.account = i == 1 ? bob : alice;
    e.campaign = "";
    scans.push_back(e);
  }
  core::ScanEvent anonymous = scans[0];
  anonymous.event_id = core::NewId();
  anonymous.account.clear();
  scans.push_back(anonymous);
  REQUIRE(logic.OnScans(scans).ok());
  REQUIRE(logic.OnScans(scans).ok());  // delivered twice
  CHECK(history.kept.size() == 3);

  auth::Principal p{.account_id = alice, .kind = "PERSON"};
  rpc::CallContext call;
  call.principal = &p;
  v1::ListHistoryRequest req;
  req.mutable_page()->set_page_size(1);
  v1::ListHistoryResponse first;
  REQUIRE(logic.List(call, req, first).ok());
  REQUIRE(first.entries_size() == 1);
  CHECK(first.entries(0).code_id() == "code2");  // newest first
  req.mutable_page()->set_page_token(first.page().next_page_token());
  v1::ListHistoryResponse second;
  REQUIRE(logic.List(call, req, second).ok());
  REQUIRE(second.entries_size() == 1);
  CHECK(second.entries(0).code_id() == "code0");
  CHECK(second.page().next_page_token().empty());  // bob's scan is not alice's

  req.mutable_page()->set_page_token("forged");
  CHECK(logic.List(call, req, second).code() == absl::StatusCode::kInvalidArgument);

  clock.Advance(absl::Hours(25));
  CHECK(*logic.Prune() == 3);
  CHECK(history.kept.empty());
}

}  // namespace
}  // namespace qrcloud::personal
