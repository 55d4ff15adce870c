// Search for people (issue 11): what a published campaign is found by and
// what a search asks, as pure functions, apart from where the documents are
// kept (search_store.h) and how they are looked up (search_index.h).
//
// Text is compared folded (text::NormalizeForMatching: NFKC, case folding,
// traditional to simplified Chinese, look-alike letters), so "火鍋" finds
// "火锅" and "HOTPOT" finds "hotpot". Folded text is cut into terms:
//   - a word: a run of letters or digits of an alphabetic script ("hotpot",
//     "5", "café"), at most kMaxWordBytes (a longer one is cut there);
//   - Chinese, Japanese and Korean text (which has no spaces): every
//     character and every pair of adjacent characters ("火锅" gives 火, 锅,
//     火锅).
// A query needs every term of its words and pairs (a lone character: that
// character), and, where pairs alone could match text that merely holds the
// same pairs apart, the folded text itself ("重庆老火锅" must appear as
// written). Tags are terms of their own ("#hotpot"), besides their text.
#ifndef QRCLOUD_SERVICES_CENTER_SEARCH_RULES_H_
#define QRCLOUD_SERVICES_CENTER_SEARCH_RULES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "qrcloud/v1/campaign.pb.h"
#include "qrcloud/v1/merchant.pb.h"

namespace qrcloud::center {

// Bumped whenever DocumentOf makes something else of the same campaign
// (folding, fields): documents of an older version are rebuilt when the
// center starts (CampaignSearch::Backfill).
inline constexpr int kSearchDocumentVersion = 1;

// A word longer than this many bytes is a term by its first ones.
inline constexpr size_t kMaxWordBytes = 32;

// The request's bounds, named in the errors.
inline constexpr int kMaxQueryChars = 64;
inline constexpr int kMaxSearchTags = 5;
inline constexpr int kMaxSearchInterests = 10;
inline constexpr int kMaxTagChars = 20;
inline constexpr int kMaxRadiusM = 50000;
inline constexpr int kDefaultSearchPageSize = 20;
inline constexpr int kMaxSearchPageSize = 50;
// Merchants whose name holds the text, on the first page of a search.
inline constexpr int kMaxSearchMerchants = 5;

struct SearchPlace {
  double lat = 0;
  double lng = 0;
};

// What a campaign is found by, as stored in campaign_search: everything a
// search compares except stock (which changes with every order and is read
// where it is kept).
struct SearchDocument {
  // Folded: title, merchant name, description, tags, menu item names, one
  // per line (a line break ends a phrase).
  std::string text;
  std::vector<std::string> tags;  // folded
  // The fence's origin, else the merchant's location, as for "nearby".
  std::optional<SearchPlace> place;
  absl::Time start = absl::InfinitePast();  // found from here ...
  absl::Time end = absl::InfiniteFuture();  // ... until just before here
  // Whose campaign it is, and the name it shows (as approved, not folded): a
  // search lists the merchants whose name holds its text (SearchIndex).
  std::string merchant_id;
  std::string merchant_name;
};

// `text` folded for search (text::NormalizeForMatching).
std::string FoldForSearch(absl::string_view text);

// The document of a public campaign of `merchant` (its approved name and
// location).
SearchDocument DocumentOf(const v1::Campaign& campaign, const v1::Merchant& merchant);

// The terms of folded text, in order of appearance, repeated as they repeat.
std::vector<std::string> TextTerms(absl::string_view folded);
// The term a (folded) tag is found by.
std::string TagTerm(absl::string_view folded_tag);
// Every term of a document, sorted, each once.
std::vector<std::string> DocumentTerms(const SearchDocument& doc);

struct SearchCircle {
  double lat = 0;
  double lng = 0;
  int radius_m = 0;
};

// A search, checked and made into terms.
struct SearchQuery {
  std::vector<std::string> all_terms;   // every one: the text's and the tags'
  std::vector<std::string> any_terms;   // at least one (the interests); none: no condition
  std::vector<std::string> phrases;     // folded text the document's text must contain
  std::vector<std::string> text_terms;  // the text's alone (of all_terms), for merchants' names
  std::optional<SearchCircle> circle;
  int page_size = kDefaultSearchPageSize;
  uint64_t before = 0;  // from the page token: documents older than it; 0: from the newest
};

// The request checked: INVALID_ARGUMENT naming the field and what is
// accepted, for
//   q           more than 64 characters, invalid text, or nothing to search
//               for in it (no letter, digit or Chinese character);
//   tags        more than 5, or one empty or longer than 20 characters;
//   interests   more than 10, or one empty or longer than 20 characters;
//   lat, lng    outside -90..90 and -180..180 (checked when radiusM is given);
//   radiusM     outside 1..50000 metres, or missing when lat or lng is given;
//   page.pageSize  outside 0..50 (0: 20);
//   page.pageToken not one this search gave.
// One of q, tags and interests is required.
absl::StatusOr<SearchQuery> ParseSearch(const v1::SearchCampaignsRequest& req);

// Everything but the terms: phrases, window, circle.
bool PassesFilters(const SearchQuery& query, const SearchDocument& doc, absl::Time now);
// The window and the circle alone.
bool InWindowAndCircle(const SearchQuery& query, const SearchDocument& doc, absl::Time now);
// Whether `doc` answers `query` at `now` (stock aside).
bool Matches(const SearchQuery& query, const SearchDocument& doc, absl::Time now);

// Whether a merchant's name answers the text of `query`: it holds every term
// of the text (`name_terms`: TextTerms of `folded_name`, sorted, each once)
// and every phrase. False for a search without text.
bool NameAnswers(const SearchQuery& query, const std::vector<std::string>& name_terms,
                 absl::string_view folded_name);

// Sold out: limited stock, none left.
bool SoldOut(const v1::Campaign& campaign);

// The token of the page that follows document `doc`.
std::string PageToken(uint64_t doc);

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_SEARCH_RULES_H_
