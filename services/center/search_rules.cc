#include "services/center/search_rules.h"

#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "libs/core/geo.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"
#include "libs/core/validate.h"
#include "libs/text/normalize.h"

namespace qrcloud::center {
namespace {

enum class CharClass { kSeparator, kWord, kCjk };

// Chinese, Japanese and Korean are written without spaces between words:
// their characters are terms one by one and in pairs.
// Letters used by those scripts count too (the long-vowel mark ー is
// "common" but only Japanese uses it); their punctuation (。) does not.
bool IsCjk(UChar32 c) {
  if (u_hasBinaryProperty(c, UCHAR_IDEOGRAPHIC)) return true;
  if (!u_hasBinaryProperty(c, UCHAR_ALPHABETIC)) return false;
  for (UScriptCode script : {USCRIPT_HAN, USCRIPT_HIRAGANA, USCRIPT_KATAKANA, USCRIPT_HANGUL}) {
    if (uscript_hasScript(c, script)) return true;
  }
  return false;
}

CharClass Classify(UChar32 c) {
  if (c < 0x80)
    return absl::ascii_isalnum(static_cast<char>(c)) ? CharClass::kWord : CharClass::kSeparator;
  if (IsCjk(c)) return CharClass::kCjk;
  // Letters and digits of other scripts, and the marks that go with them.
  if (u_hasBinaryProperty(c, UCHAR_ALPHABETIC) || u_isdigit(c) ||
      (U_GET_GC_MASK(c) & U_GC_M_MASK) != 0) {
    return CharClass::kWord;
  }
  return CharClass::kSeparator;
}

// One run of characters of a class, as byte offsets into the text, with the
// offsets of each character for a CJK run.
struct Run {
  CharClass kind;
  std::vector<int32_t> starts;  // each character's first byte
  int32_t end;                  // one past the run's last byte
};

// Walks folded (valid UTF-8) text in runs of words and of CJK characters.
template <typename Fn>
void ForEachRun(absl::string_view text, Fn fn) {
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const auto length = static_cast<int32_t>(text.size());
  Run run{CharClass::kSeparator, {}, 0};
  for (int32_t i = 0; i < length;) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(s, i, length, c);
    const CharClass kind = c < 0 ? CharClass::kSeparator : Classify(c);
    if (kind != run.kind && run.kind != CharClass::kSeparator) {
      run.end = start;
      fn(run);
    }
    if (kind != run.kind) run = Run{kind, {}, 0};
    if (kind != CharClass::kSeparator) run.starts.push_back(start);
  }
  if (run.kind != CharClass::kSeparator) {
    run.end = length;
    fn(run);
  }
}

// A word as a term: at most kMaxWordBytes, cut at a character's start.
std::string WordTerm(absl::string_view word, bool* cut) {
  *cut = word.size() > kMaxWordBytes;
  if (!*cut) return std::string(word);
  size_t n = kMaxWordBytes;
  while (n > 0 && (static_cast<uint8_t>(word[n]) & 0xC0) == 0x80) --n;
  return std::string(word.substr(0, n));
}

absl::string_view Slice(absl::string_view text, int32_t from, int32_t to) {
  return text.substr(static_cast<size_t>(from), static_cast<size_t>(to - from));
}

void SortUnique(std::vector<std::string>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

// A tag or interest as asked: trimmed, without '#', folded.
absl::StatusOr<std::string> FoldTag(const std::string& field, absl::string_view raw) {
  absl::string_view tag = absl::StripAsciiWhitespace(raw);
  absl::ConsumePrefix(&tag, "#");
  QRCLOUD_RETURN_IF_ERROR(core::ValidateText(field, tag, 1, kMaxTagChars));
  return FoldForSearch(tag);
}

absl::Status ParseText(absl::string_view q, SearchQuery& query) {
  QRCLOUD_RETURN_IF_ERROR(core::ValidateText("q", q, 0, kMaxQueryChars));
  const std::string folded = FoldForSearch(q);
  ForEachRun(folded, [&](const Run& run) {
    const absl::string_view whole = Slice(folded, run.starts.front(), run.end);
    if (run.kind == CharClass::kWord) {
      bool cut = false;
      query.all_terms.push_back(WordTerm(whole, &cut));
      if (cut) query.phrases.emplace_back(whole);
      return;
    }
    const size_t n = run.starts.size();
    if (n == 1) {
      query.all_terms.emplace_back(whole);
      return;
    }
    for (size_t i = 0; i + 1 < n; ++i) {
      const int32_t to = i + 2 < n ? run.starts[i + 2] : run.end;
      query.all_terms.emplace_back(Slice(folded, run.starts[i], to));
    }
    // Pairs say nothing of order or of what lies between them.
    if (n > 2) query.phrases.emplace_back(whole);
  });
  query.text_terms = query.all_terms;
  if (!absl::StripAsciiWhitespace(q).empty() && query.all_terms.empty()) {
    return core::InvalidField(
        "q", "has nothing to search for: give words, numbers or Chinese characters");
  }
  return absl::OkStatus();
}

absl::Status ParseTags(const v1::SearchCampaignsRequest& req, SearchQuery& query) {
  if (req.tags_size() > kMaxSearchTags) {
    return core::InvalidField("tags", absl::StrCat("at most ", kMaxSearchTags, " tags (got ",
                                                   req.tags_size(), "); each must be carried"));
  }
  for (int i = 0; i < req.tags_size(); ++i) {
    QRCLOUD_ASSIGN_OR_RETURN(std::string tag, FoldTag(absl::StrCat("tags[", i, "]"), req.tags(i)));
    query.all_terms.push_back(TagTerm(tag));
  }
  if (req.interests_size() > kMaxSearchInterests) {
    return core::InvalidField("interests",
                              absl::StrCat("at most ", kMaxSearchInterests, " interests (got ",
                                           req.interests_size(), "); one of them is enough"));
  }
  for (int i = 0; i < req.interests_size(); ++i) {
    QRCLOUD_ASSIGN_OR_RETURN(std::string interest,
                             FoldTag(absl::StrCat("interests[", i, "]"), req.interests(i)));
    query.any_terms.push_back(TagTerm(interest));
  }
  return absl::OkStatus();
}

absl::Status ParseCircle(const v1::SearchCampaignsRequest& req, SearchQuery& query) {
  if (req.radius_m() == 0) {
    if (req.lat() != 0 || req.lng() != 0) {
      return core::InvalidField(
          "radiusM", absl::StrCat("is required with lat and lng: 1 to ", kMaxRadiusM, " metres"));
    }
    return absl::OkStatus();
  }
  if (req.radius_m() < 1 || req.radius_m() > kMaxRadiusM) {
    return core::InvalidField("radiusM", absl::StrCat("must be 1 to ", kMaxRadiusM, " metres"));
  }
  QRCLOUD_RETURN_IF_ERROR(core::ValidateLatLng("", req.lat(), req.lng()));
  query.circle = SearchCircle{req.lat(), req.lng(), req.radius_m()};
  return absl::OkStatus();
}

absl::Status ParsePage(const v1::PageRequest& page, SearchQuery& query) {
  if (page.page_size() < 0 || page.page_size() > kMaxSearchPageSize) {
    return core::InvalidField("page.pageSize",
                              absl::StrCat("must be 1 to ", kMaxSearchPageSize,
                                           " (0 or none: ", kDefaultSearchPageSize, ")"));
  }
  query.page_size = page.page_size() == 0 ? kDefaultSearchPageSize : page.page_size();
  if (!page.page_token().empty() &&
      (!absl::SimpleAtoi(page.page_token(), &query.before) || query.before == 0)) {
    return core::InvalidField("page.pageToken",
                              "is not one this search gave: pass nextPageToken as it came");
  }
  return absl::OkStatus();
}

}  // namespace

std::string FoldForSearch(absl::string_view text) { return text::NormalizeForMatching(text); }

SearchDocument DocumentOf(const v1::Campaign& c, const v1::Merchant& merchant) {
  SearchDocument doc;
  std::string text = absl::StrCat(c.title(), "\n", merchant.display_name(), "\n", c.description());
  for (const auto& t : c.tags()) {
    absl::StrAppend(&text, "\n", t);
    doc.tags.push_back(FoldForSearch(t));
  }
  for (const auto& item : c.menu_items()) absl::StrAppend(&text, "\n", item.name());
  doc.text = FoldForSearch(text);
  SortUnique(doc.tags);
  if (c.has_fence()) {
    doc.place = SearchPlace{c.fence().origin().lat(), c.fence().origin().lng()};
  } else if (merchant.has_location()) {
    doc.place = SearchPlace{merchant.location().lat(), merchant.location().lng()};
  }
  if (c.has_start_time()) doc.start = core::FromProto(c.start_time());
  if (c.has_end_time()) doc.end = core::FromProto(c.end_time());
  doc.merchant_id = merchant.id();
  doc.merchant_name = merchant.display_name();
  return doc;
}

std::vector<std::string> TextTerms(absl::string_view folded) {
  std::vector<std::string> terms;
  ForEachRun(folded, [&](const Run& run) {
    if (run.kind == CharClass::kWord) {
      bool cut = false;
      terms.push_back(WordTerm(Slice(folded, run.starts.front(), run.end), &cut));
      return;
    }
    const size_t n = run.starts.size();
    for (size_t i = 0; i < n; ++i) {
      const int32_t next = i + 1 < n ? run.starts[i + 1] : run.end;
      terms.emplace_back(Slice(folded, run.starts[i], next));
      if (i + 1 < n) {
        const int32_t after = i + 2 < n ? run.starts[i + 2] : run.end;
        terms.emplace_back(Slice(folded, run.starts[i], after));
      }
    }
  });
  return terms;
}

// '#' never begins a text term: it is a separator.
std::string TagTerm(absl::string_view folded_tag) { return absl::StrCat("#", folded_tag); }

std::vector<std::string> DocumentTerms(const SearchDocument& doc) {
  std::vector<std::string> terms = TextTerms(doc.text);
  for (const auto& t : doc.tags) terms.push_back(TagTerm(t));
  SortUnique(terms);
  return terms;
}

absl::StatusOr<SearchQuery> ParseSearch(const v1::SearchCampaignsRequest& req) {
  SearchQuery query;
  QRCLOUD_RETURN_IF_ERROR(ParseText(req.q(), query));
  QRCLOUD_RETURN_IF_ERROR(ParseTags(req, query));
  if (query.all_terms.empty() && query.any_terms.empty()) {
    return core::InvalidField(
        "q",
        "give words to search for, or tags or interests (for everything near a place: "
        "GET /v1/campaigns:nearby)");
  }
  QRCLOUD_RETURN_IF_ERROR(ParseCircle(req, query));
  QRCLOUD_RETURN_IF_ERROR(ParsePage(req.page(), query));
  SortUnique(query.all_terms);
  SortUnique(query.any_terms);
  SortUnique(query.phrases);
  SortUnique(query.text_terms);
  return query;
}

bool PassesFilters(const SearchQuery& query, const SearchDocument& doc, absl::Time now) {
  for (const auto& p : query.phrases) {
    if (doc.text.find(p) == std::string::npos) return false;
  }
  return InWindowAndCircle(query, doc, now);
}

bool InWindowAndCircle(const SearchQuery& query, const SearchDocument& doc, absl::Time now) {
  if (now < doc.start || now >= doc.end) return false;
  if (query.circle) {
    if (!doc.place) return false;
    const SearchCircle& c = *query.circle;
    if (core::DistanceMeters(c.lat, c.lng, doc.place->lat, doc.place->lng) > c.radius_m) {
      return false;
    }
  }
  return true;
}

bool Matches(const SearchQuery& query, const SearchDocument& doc, absl::Time now) {
  const std::vector<std::string> terms = DocumentTerms(doc);
  auto has = [&](const std::string& t) {
    return std::binary_search(terms.begin(), terms.end(), t);
  };
  if (!std::all_of(query.all_terms.begin(), query.all_terms.end(), has)) return false;
  if (!query.any_terms.empty() &&
      !std::any_of(query.any_terms.begin(), query.any_terms.end(), has)) {
    return false;
  }
  return PassesFilters(query, doc, now);
}

bool NameAnswers(const SearchQuery& query, const std::vector<std::string>& name_terms,
                 absl::string_view folded_name) {
  if (query.text_terms.empty()) return false;
  for (const auto& t : query.text_terms) {
    if (!std::binary_search(name_terms.begin(), name_terms.end(), t)) return false;
  }
  for (const auto& p : query.phrases) {
    if (!absl::StrContains(folded_name, p)) return false;
  }
  return true;
}

bool SoldOut(const v1::Campaign& c) { return c.stock() > 0 && c.stock_left() <= 0; }

std::string PageToken(uint64_t doc) { return absl::StrCat(doc); }

}  // namespace qrcloud::center
