#include "services/center/campaign_search.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "libs/core/log.h"
#include "libs/core/metrics.h"
#include "libs/core/status.h"

namespace qrcloud::center {
namespace {

constexpr int kSyncBatch = 5000;
constexpr int kBackfillBatch = 200;
// A page whose candidates turn out sold out or gone is topped up from older
// ones this many times at most; then it ends early with a token that goes
// on from there.
constexpr int kMaxRounds = 4;
// The stock reads kept (a few MB); past it they are all forgotten at once.
constexpr size_t kMaxStockReads = 100000;

core::Gauge& DocumentsGauge() {
  static core::Gauge& g = core::MetricsRegistry::Global().GetGauge(
      "qrcloud_search_documents", "Campaigns this process's search index can find");
  return g;
}

// The campaign as any visitor sees it (as GetCampaign shows it to them).
v1::Campaign PublicCard(const v1::Campaign& c) {
  v1::Campaign card = c;
  card.clear_reject_reasons();
  card.clear_has_pending_revision();
  return card;
}

}  // namespace

absl::Status CampaignSearch::PutDocument(store::Tx& tx, const v1::Campaign& campaign,
                                         const v1::Merchant& merchant) {
  const v1::Campaign card = PublicCard(campaign);
  return store_.Put(tx, card, DocumentOf(card, merchant));
}

absl::Status CampaignSearch::Index(store::Tx& tx, const v1::Campaign& campaign) {
  switch (campaign.state()) {
    case v1::Campaign::PUBLISHED: {
      QRCLOUD_ASSIGN_OR_RETURN(MerchantRecord owner,
                               merchants_.Get(tx, campaign.merchant_id(), /*for_update=*/true));
      return PutDocument(tx, campaign, owner.merchant);
    }
    case v1::Campaign::PAUSED:
    case v1::Campaign::ENDED:
      return store_.Remove(tx, campaign.id());
    default:
      return absl::OkStatus();  // never published: never indexed
  }
}

absl::Status CampaignSearch::PublicFaceChanged(store::Tx& tx, const v1::Merchant& merchant) {
  QRCLOUD_ASSIGN_OR_RETURN(auto cards, store_.LiveCards(tx, merchant.id()));
  for (const v1::Campaign& card : cards) {
    QRCLOUD_RETURN_IF_ERROR(PutDocument(tx, card, merchant));
  }
  return absl::OkStatus();
}

void CampaignSearch::Committed() {
  // The next round of the loop heals what this cannot do now.
  for (int i = 0; i < 100; ++i) {
    absl::StatusOr<bool> more = Sync();
    if (!more.ok()) {
      spdlog::warn("search index not brought up to date: {}", more.status().message());
      return;
    }
    if (!*more) return;
  }
}

absl::Status CampaignSearch::Load() {
  for (;;) {
    QRCLOUD_ASSIGN_OR_RETURN(bool more, Sync());
    if (!more) break;
  }
  spdlog::info("search index loaded: {} campaigns", index_.size());
  return absl::OkStatus();
}

absl::StatusOr<bool> CampaignSearch::Sync() {
  absl::MutexLock lock(&sync_mu_);
  QRCLOUD_ASSIGN_OR_RETURN(auto rows, store_.Changes(synced_version_, synced_doc_, kSyncBatch));
  for (SearchRow& row : rows) {
    if (row.live) {
      index_.Put(row.doc, std::move(row.document), std::move(row.card));
    } else {
      index_.Remove(row.doc);
    }
    synced_version_ = row.version;
    synced_doc_ = row.doc;
  }
  DocumentsGauge().Set(static_cast<int64_t>(index_.size()));
  return rows.size() == static_cast<size_t>(kSyncBatch);
}

absl::StatusOr<bool> CampaignSearch::Backfill() {
  absl::MutexLock lock(&backfill_mu_);
  QRCLOUD_ASSIGN_OR_RETURN(auto ids, store_.Stale(backfilled_to_, kBackfillBatch));
  for (const std::string& id : ids) {
    QRCLOUD_RETURN_IF_ERROR(runner_.Run([&](store::Tx& tx) -> absl::Status {
      QRCLOUD_ASSIGN_OR_RETURN(CampaignRecord rec, campaigns_.Get(tx, id, /*for_update=*/true));
      return Index(tx, rec.campaign);
    }));
    backfilled_to_ = id;
    ++backfilled_;
  }
  const bool more = ids.size() == static_cast<size_t>(kBackfillBatch);
  if (!ids.empty()) {
    if (!more || backfilled_ % 10000 < kBackfillBatch) {
      spdlog::info("search documents written: {}{}", backfilled_, more ? " so far" : ", all");
    }
    Committed();
  }
  return more;
}

absl::StatusOr<bool> CampaignSearch::Follow() {
  if (!backfill_done_) {
    QRCLOUD_ASSIGN_OR_RETURN(bool more, Backfill());
    backfill_done_ = !more;
    if (more) return true;
  }
  return Sync();
}

absl::StatusOr<int> CampaignSearch::Reindex() {
  QRCLOUD_RETURN_IF_ERROR(store_.MarkAllStale());
  {
    absl::MutexLock lock(&backfill_mu_);
    backfilled_to_.clear();
    backfilled_ = 0;
  }
  for (;;) {
    QRCLOUD_ASSIGN_OR_RETURN(bool more, Backfill());
    if (!more) break;
  }
  absl::MutexLock lock(&backfill_mu_);
  return backfilled_;
}

absl::Status CampaignSearch::Search(const v1::SearchCampaignsRequest& req,
                                    v1::SearchCampaignsResponse& resp) {
  QRCLOUD_ASSIGN_OR_RETURN(SearchQuery query, ParseSearch(req));
  const absl::Time now = clock_.Now();
  // One more than the page tells whether another follows.
  const int want = query.page_size + 1;
  std::vector<uint32_t> shown;  // the document of each campaign in resp
  uint64_t before = query.before;
  bool done = false;
  for (int round = 0; round < kMaxRounds && resp.campaigns_size() < want && !done; ++round) {
    const std::vector<uint32_t> docs =
        index_.Find(query, now, before, static_cast<size_t>(want - resp.campaigns_size()), &done);
    if (docs.empty()) break;
    before = docs.back();
    QRCLOUD_RETURN_IF_ERROR(Show(docs, resp, shown));
  }
  if (resp.campaigns_size() == want) {
    resp.mutable_campaigns()->RemoveLast();
    shown.pop_back();
    resp.mutable_page()->set_next_page_token(PageToken(shown.back()));
  } else if (!done && before != query.before) {
    // Cut short: the next page goes on below the last document looked at.
    resp.mutable_page()->set_next_page_token(PageToken(before));
  }
  if (query.before == 0) {
    for (auto& hit : index_.FindMerchants(query, now, kMaxSearchMerchants)) {
      v1::SearchMerchant* m = resp.add_merchants();
      m->set_merchant_id(std::move(hit.merchant_id));
      m->set_display_name(std::move(hit.display_name));
      m->set_campaigns(hit.campaigns);
    }
  }
  return absl::OkStatus();
}

absl::Status CampaignSearch::Show(const std::vector<uint32_t>& docs,
                                  v1::SearchCampaignsResponse& resp, std::vector<uint32_t>& shown) {
  const std::vector<std::string> cards = index_.Cards(docs);
  const int first = resp.campaigns_size();
  std::vector<std::string> limited;
  for (size_t i = 0; i < docs.size(); ++i) {
    v1::Campaign* c = resp.add_campaigns();
    if (cards[i].empty() || !c->ParseFromString(cards[i])) {
      resp.mutable_campaigns()->RemoveLast();  // gone since it was found
      continue;
    }
    shown.push_back(docs[i]);
    if (c->stock() > 0) limited.push_back(c->id());
  }
  if (limited.empty()) return absl::OkStatus();
  QRCLOUD_ASSIGN_OR_RETURN(auto by_id, Stock(limited));
  int kept = first;
  auto& campaigns = *resp.mutable_campaigns();
  for (int i = first; i < campaigns.size(); ++i) {
    v1::Campaign& c = *campaigns.Mutable(i);
    if (c.stock() > 0) {
      auto it = by_id.find(c.id());
      if (it == by_id.end()) continue;
      c.set_state(it->second.state);
      c.set_stock_left(it->second.stock_left);
      if (c.state() != v1::Campaign::PUBLISHED || SoldOut(c)) continue;
    }
    if (kept != i) {
      campaigns.SwapElements(kept, i);
      shown[static_cast<size_t>(kept)] = shown[static_cast<size_t>(i)];
    }
    ++kept;
  }
  while (campaigns.size() > kept) campaigns.RemoveLast();
  shown.resize(static_cast<size_t>(kept));
  return absl::OkStatus();
}

absl::StatusOr<absl::flat_hash_map<std::string, CampaignStock>> CampaignSearch::Stock(
    const std::vector<std::string>& ids) {
  const absl::Time now = clock_.Now();
  absl::flat_hash_map<std::string, CampaignStock> out;
  std::vector<std::string> stale;
  {
    absl::MutexLock lock(&stock_mu_);
    for (const std::string& id : ids) {
      auto it = stock_read_.find(id);
      if (it != stock_read_.end() && now - it->second.at < options_.stock_ttl) {
        out[id] = it->second.stock;
      } else {
        stale.push_back(id);
      }
    }
  }
  if (stale.empty()) return out;
  // Orders change stock where it is kept, not in the document: ask there.
  QRCLOUD_ASSIGN_OR_RETURN(auto read, store_.StockOf(stale));
  absl::MutexLock lock(&stock_mu_);
  if (stock_read_.size() > kMaxStockReads) stock_read_.clear();
  for (CampaignStock& s : read) {
    if (options_.stock_ttl > absl::ZeroDuration()) stock_read_[s.campaign_id] = {s, now};
    std::string id = s.campaign_id;
    out[std::move(id)] = std::move(s);
  }
  return out;
}

}  // namespace qrcloud::center
