// Where the center keeps the search documents of its campaigns (table
// campaign_search, migrations/0014_campaign_search.sql): the record the
// in-memory index (search_index.h) is built from and follows. MySQL in the
// service (mysql_search_store.h), memory in unit tests.
//
// Guarantee: a document is written in the unit that saves its campaign, so
// what search finds follows the campaign's state with its commit. Each write
// takes the next version from one counter row held until the commit, so
// versions become visible in the order they were given: a reader that has
// seen version v has seen every change numbered below it.
#ifndef QRCLOUD_SERVICES_CENTER_SEARCH_STORE_H_
#define QRCLOUD_SERVICES_CENTER_SEARCH_STORE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/store/tx.h"
#include "qrcloud/v1/campaign.pb.h"
#include "services/center/search_rules.h"

namespace qrcloud::center {

// A document as the index follows it.
struct SearchRow {
  uint32_t doc = 0;  // numbered when first written: newer campaigns, higher numbers
  int64_t version = 0;
  // Found at all: published, and its document of the current version.
  bool live = false;
  SearchDocument document;
  std::string card;  // the campaign as visitors see it (v1::Campaign, serialized)
};

// What a search checks of a campaign with limited stock where the stock is
// kept (an order's trigger changes it without touching the document).
struct CampaignStock {
  std::string campaign_id;
  v1::Campaign::State state = v1::Campaign::STATE_UNSPECIFIED;
  int64_t stock_left = 0;
};

class SearchStore {
 public:
  virtual ~SearchStore() = default;

  // Makes `card`'s campaign found by `document` (kSearchDocumentVersion). A
  // campaign keeps the number it was first given.
  virtual absl::Status Put(store::Tx& tx, const v1::Campaign& card,
                           const SearchDocument& document) = 0;
  // The campaign is found no more (paused, ended); nothing if it was not.
  virtual absl::Status Remove(store::Tx& tx, absl::string_view campaign_id) = 0;
  // The cards of a merchant's live documents, locked until the unit ends.
  virtual absl::StatusOr<std::vector<v1::Campaign>> LiveCards(store::Tx& tx,
                                                              absl::string_view merchant_id) = 0;
  // Documents changed after (version, doc), in that order, at most `limit`.
  virtual absl::StatusOr<std::vector<SearchRow>> Changes(int64_t version, uint32_t doc,
                                                         int limit) = 0;
  // The current state and stock of these campaigns (those that exist, in
  // any order).
  virtual absl::StatusOr<std::vector<CampaignStock>> StockOf(
      const std::vector<std::string>& campaign_ids) = 0;
  // Published campaigns after `after_id`, in id order, whose document is
  // missing or of an older version; at most `limit`.
  virtual absl::StatusOr<std::vector<std::string>> Stale(absl::string_view after_id, int limit) = 0;
  // Every document is to be made again (qrcloud-center reindex-search).
  virtual absl::Status MarkAllStale() = 0;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_SEARCH_STORE_H_
