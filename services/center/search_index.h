// The inverted index a center process answers searches from: for each term,
// the documents that hold it, in memory. It is derived, never the record:
// the documents are kept in MySQL (campaign_search, written in the
// campaign's own transaction), and CampaignSearch loads them at start and
// follows their changes. Any center can drop it and build it again from the
// table.
//
// Documents are numbered by when they were first published (campaign_search.
// doc); a search walks the postings of its rarest term from the newest
// document down and checks each against the other terms and the filters, so
// a page of a common term costs a page's worth of work, and a rare
// combination at most that term's postings.
//
// Thread-safe: searches share a reader lock, changes take it alone.
#ifndef QRCLOUD_SERVICES_CENTER_SEARCH_INDEX_H_
#define QRCLOUD_SERVICES_CENTER_SEARCH_INDEX_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/center/search_rules.h"

namespace qrcloud::center {

class SearchIndex {
 public:
  // Adds document `doc`, or replaces what it held. `card` is what a search
  // shows of it (SearchRow::card), kept as it came.
  void Put(uint32_t doc, SearchDocument document, std::string card = "");
  void Remove(uint32_t doc);

  // A page of candidates: documents that answer `query` at `now` (Matches:
  // everything but stock), newest first, below `before` (0: from the
  // newest), at most `limit`. `done` is set when no older document can
  // answer (the walk reached the end).
  std::vector<uint32_t> Find(const SearchQuery& query, absl::Time now, uint64_t before,
                             size_t limit, bool* done) const;

  // A merchant whose name answers a search's text.
  struct MerchantHit {
    std::string merchant_id;
    std::string display_name;
    int campaigns = 0;  // its documents that answer the search, up to 100
  };
  // The merchants whose name holds the text of `query` (NameAnswers) and
  // that have a document answering the whole of it at `now`, the one with
  // the newest such document first, at most `limit`. None without text.
  std::vector<MerchantHit> FindMerchants(const SearchQuery& query, absl::Time now,
                                         size_t limit) const;

  // The cards of `docs`, in the same order; "" for one no longer held.
  std::vector<std::string> Cards(const std::vector<uint32_t>& docs) const;

  size_t size() const;

 private:
  using Postings = std::vector<uint32_t>;  // ascending
  // Where a document is, by its number, for a quick look before its entry:
  // a search near a place walks many documents that are elsewhere.
  struct Spot {
    float lat = 0;
    float lng = 0;
    bool placed = false;
  };
  // The rectangle around a search's circle (everything, without one).
  struct Box {
    bool any = true;
    double lat_min = 0, lat_max = 0, lng_min = 0, lng_max = 0;
    bool Holds(const Spot& s) const;
  };
  static Box BoxOf(const SearchQuery& query);
  // The filters, the cheapest first.
  bool Admits(const SearchQuery& query, const Box& box, uint32_t doc, absl::Time now) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  std::vector<uint32_t> FindAll(const SearchQuery& query, absl::Time now, uint64_t before,
                                size_t limit, bool* done) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  std::vector<uint32_t> FindAny(const SearchQuery& query, absl::Time now, uint64_t before,
                                size_t limit, bool* done) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  bool InAny(const SearchQuery& query, uint32_t doc) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  const Postings* PostingsOf(const std::string& term) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  void Unlink(uint32_t doc, const SearchDocument& document) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // A document joins or leaves its merchant; a merchant is found by its name
  // while it has one.
  void JoinMerchant(uint32_t doc, const SearchDocument& document)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void LeaveMerchant(uint32_t doc, const SearchDocument& document)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void LinkName(uint32_t slot, bool link) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // For a document of a merchant whose name answers the text: the tags
  // (their postings), the interests, the place and the window.
  bool AnswersRest(const SearchQuery& query, const std::vector<const Postings*>& tags,
                   const Box& box, uint32_t doc, absl::Time now) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  struct Entry {
    SearchDocument document;
    std::string card;
  };
  absl::flat_hash_map<uint32_t, Entry> docs_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, Postings> postings_ ABSL_GUARDED_BY(mu_);
  std::vector<Spot> spots_ ABSL_GUARDED_BY(mu_);  // by document number

  // Merchants, by a number of their own (a slot, kept while the process
  // lives), found by the terms of their name (folded) while they have a
  // document. A merchant's name is the one its newest Put carried.
  struct Merchant {
    std::string id;
    std::string name;
    std::string folded;
    std::vector<std::string> terms;  // TextTerms of folded, sorted, each once
    std::vector<uint32_t> docs;      // ascending
  };
  std::vector<Merchant> merchants_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, uint32_t> merchant_slots_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, std::vector<uint32_t>> name_postings_
      ABSL_GUARDED_BY(mu_);  // slots, ascending
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_SEARCH_INDEX_H_
