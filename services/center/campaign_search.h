// Search for people (issue 11, docs/search.md): published campaigns found
// by text in Chinese and English, by category (tags), interest and
// distance, only while they are live (published, inside their window, not
// sold out), newest first.
//
// The record is the campaign_search table (search_store.h), written in the
// unit that saves a campaign or changes its merchant's name or place. Each
// center answers from its own in-memory index (search_index.h): loaded at
// start (Load), brought up to date after each of its own commits and every
// second for the others' (Sync). A campaign with limited stock is checked
// where its stock is kept when a page shows it (orders change the stock,
// not the document), a read reused for SearchOptions::stock_ttl.
//
//   CampaignSearch search(runner, store, campaigns, merchants, clock);
//   merchant_logic.set_follower(&search);
//   QRCLOUD_RETURN_IF_ERROR(search.Load());      // before serving
//   ... in a campaign's unit: search.Index(tx, campaign); after it: search.Committed();
//   ... every second: search.Follow();
#ifndef QRCLOUD_SERVICES_CENTER_CAMPAIGN_SEARCH_H_
#define QRCLOUD_SERVICES_CENTER_CAMPAIGN_SEARCH_H_

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "libs/core/clock.h"
#include "libs/store/tx.h"
#include "qrcloud/v1/campaign.pb.h"
#include "services/center/campaign_store.h"
#include "services/center/merchant_logic.h"
#include "services/center/merchant_store.h"
#include "services/center/search_index.h"
#include "services/center/search_store.h"

namespace qrcloud::center {

struct SearchOptions {
  // How long the stock of a campaign with limited stock, once read, is
  // taken as it was: a campaign that sells out leaves the results within
  // this (0: read it for every page).
  absl::Duration stock_ttl = absl::Seconds(1);
};

class CampaignSearch final : public MerchantFollower {
 public:
  CampaignSearch(store::TxRunner& runner, SearchStore& store, CampaignStore& campaigns,
                 MerchantStore& merchants, const core::Clock& clock, SearchOptions options = {})
      : runner_(runner),
        store_(store),
        campaigns_(campaigns),
        merchants_(merchants),
        clock_(clock),
        options_(options) {}

  // In the unit that saves `campaign`: a published one is found by what it
  // shows now; a paused or ended one no more. Locks the merchant's row, so a
  // change of its name in flight is not lost.
  absl::Status Index(store::Tx& tx, const v1::Campaign& campaign);

  // MerchantFollower: the merchant's live campaigns are found by its new
  // name and place, in the same unit.
  absl::Status PublicFaceChanged(store::Tx& tx, const v1::Merchant& merchant) override;
  void Committed() override;

  // Reads every document into the index; the center calls it before it
  // serves.
  absl::Status Load();
  // Reads the changes since the last sync into the index; true when there
  // may be more. After each own commit, and every second for the other
  // centers' commits.
  absl::StatusOr<bool> Sync();
  // Writes the documents of published campaigns that have none, or one of
  // an older kSearchDocumentVersion, a campaign per unit, a batch per call;
  // true when there may be more. Run after a migration or reindex-search.
  absl::StatusOr<bool> Backfill();
  // A round of the center's background loop: Backfill until it is done,
  // then Sync; true when there may be more.
  absl::StatusOr<bool> Follow();
  // Every document is to be written again, then Backfill until done: the
  // command `qrcloud-center reindex-search`. Returns how many were written.
  absl::StatusOr<int> Reindex();

  // SearchCampaigns.
  absl::Status Search(const v1::SearchCampaignsRequest& req, v1::SearchCampaignsResponse& resp);

  // Documents in this process's index.
  size_t size() const { return index_.size(); }

 private:
  absl::Status PutDocument(store::Tx& tx, const v1::Campaign& campaign,
                           const v1::Merchant& merchant);
  // Adds to `resp` the cards of `docs` that are still live (limited stock
  // read from the record), and their documents to `shown`.
  absl::Status Show(const std::vector<uint32_t>& docs, v1::SearchCampaignsResponse& resp,
                    std::vector<uint32_t>& shown);
  // The state and stock left of these campaigns, read at most
  // options_.stock_ttl ago.
  absl::StatusOr<absl::flat_hash_map<std::string, CampaignStock>> Stock(
      const std::vector<std::string>& ids);

  store::TxRunner& runner_;
  SearchStore& store_;
  CampaignStore& campaigns_;
  MerchantStore& merchants_;
  const core::Clock& clock_;
  const SearchOptions options_;
  SearchIndex index_;

  struct StockRead {
    CampaignStock stock;
    absl::Time at;
  };
  absl::Mutex stock_mu_;
  absl::flat_hash_map<std::string, StockRead> stock_read_ ABSL_GUARDED_BY(stock_mu_);

  absl::Mutex sync_mu_;
  int64_t synced_version_ ABSL_GUARDED_BY(sync_mu_) = 0;
  uint32_t synced_doc_ ABSL_GUARDED_BY(sync_mu_) = 0;

  absl::Mutex backfill_mu_;
  std::string backfilled_to_ ABSL_GUARDED_BY(backfill_mu_);  // campaign id
  int backfilled_ ABSL_GUARDED_BY(backfill_mu_) = 0;
  bool backfill_done_ = false;  // Follow's own (one loop thread)
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_CAMPAIGN_SEARCH_H_
