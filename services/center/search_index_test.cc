// The in-memory index: what Find gives is what Matches says, newest first,
// page after page, and it follows changes and removals.
#include "services/center/search_index.h"

#include <catch2/catch.hpp>

#include <map>
#include <random>

#include "absl/strings/str_cat.h"

namespace qrcloud::center {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1767225600);  // 2026-01-01Z

SearchDocument Doc(const std::string& text, std::vector<std::string> tags = {}) {
  SearchDocument d;
  d.text = FoldForSearch(text);
  for (auto& t : tags) t = FoldForSearch(t);
  d.tags = std::move(tags);
  return d;
}

SearchQuery Query(const std::string& q, std::vector<std::string> tags = {},
                  std::vector<std::string> interests = {}) {
  v1::SearchCampaignsRequest req;
  req.set_q(q);
  for (const auto& t : tags) req.add_tags(t);
  for (const auto& i : interests) req.add_interests(i);
  auto query = ParseSearch(req);
  INFO(query.status());
  REQUIRE(query.ok());
  return *query;
}

std::vector<uint32_t> Find(const SearchIndex& index, const SearchQuery& q, uint64_t before = 0,
                           size_t limit = 100) {
  bool done = false;
  return index.Find(q, kNow, before, limit, &done);
}

TEST_CASE("The index finds the newest first and pages down from a document") {
  SearchIndex index;
  index.Put(1, Doc("重庆老火锅"));
  index.Put(2, Doc("成都串串"));
  index.Put(3, Doc("火锅 Hotpot for two"));
  index.Put(5, Doc("老北京火锅"));
  CHECK(Find(index, Query("火锅")) == std::vector<uint32_t>{5, 3, 1});
  bool done = false;
  CHECK(index.Find(Query("火锅"), kNow, 0, 2, &done) == std::vector<uint32_t>{5, 3});
  CHECK_FALSE(done);
  CHECK(index.Find(Query("火锅"), kNow, 3, 2, &done) == std::vector<uint32_t>{1});
  CHECK(done);
  CHECK(Find(index, Query("老火锅")) == std::vector<uint32_t>{1});  // 老北京火锅 has no 老火
  CHECK(Find(index, Query("hotpot two")) == std::vector<uint32_t>{3});
  CHECK(Find(index, Query("烤鱼")).empty());
}

SearchDocument Of(const std::string& merchant_id, const std::string& name, const std::string& title,
                  std::vector<std::string> tags = {}) {
  SearchDocument d = Doc(title + "\n" + name, std::move(tags));
  d.merchant_id = merchant_id;
  d.merchant_name = name;
  return d;
}

std::vector<std::string> Names(const std::vector<SearchIndex::MerchantHit>& hits) {
  std::vector<std::string> names;
  for (const auto& h : hits) names.push_back(absl::StrCat(h.display_name, ":", h.campaigns));
  return names;
}

TEST_CASE("Merchants are found by their name while they have a campaign that answers") {
  SearchIndex index;
  index.Put(1, Of("m1", "重庆老火锅", "双人套餐"));
  index.Put(2, Of("m2", "成都串串", "火锅底料 sale"));  // 火锅 in a title, not in the name
  index.Put(3, Of("m1", "重庆老火锅", "午市特价", {"lunch"}));
  index.Put(4, Of("m3", "北京火锅城", "Hotpot night"));
  index.Put(5, Of("m4", "Golden Dragon Hotpot", "Dinner for two"));

  // Newest answering campaign first; the name must hold the text, as written.
  CHECK(Names(index.FindMerchants(Query("火锅"), kNow, 5)) ==
        std::vector<std::string>{"北京火锅城:1", "重庆老火锅:2"});
  CHECK(Names(index.FindMerchants(Query("火鍋"), kNow, 1)) ==
        std::vector<std::string>{"北京火锅城:1"});
  CHECK(Names(index.FindMerchants(Query("老火锅"), kNow, 5)) ==
        std::vector<std::string>{"重庆老火锅:2"});
  CHECK(Names(index.FindMerchants(Query("HOTPOT"), kNow, 5)) ==
        std::vector<std::string>{"Golden Dragon Hotpot:1"});
  CHECK(index.FindMerchants(Query("dragon sale"), kNow, 5).empty());
  // The rest of the search holds for the campaign that brings the merchant.
  CHECK(Names(index.FindMerchants(Query("火锅", {"lunch"}), kNow, 5)) ==
        std::vector<std::string>{"重庆老火锅:1"});
  // No text, no merchants.
  CHECK(index.FindMerchants(Query("", {"lunch"}), kNow, 5).empty());

  // Renamed: found by the new name only.
  index.Put(1, Of("m1", "山城小面", "双人套餐"));
  index.Put(3, Of("m1", "山城小面", "午市特价", {"lunch"}));
  CHECK(Names(index.FindMerchants(Query("火锅"), kNow, 5)) ==
        std::vector<std::string>{"北京火锅城:1"});
  CHECK(Names(index.FindMerchants(Query("小面"), kNow, 5)) ==
        std::vector<std::string>{"山城小面:2"});
  // Its last campaign gone: not found at all.
  index.Remove(4);
  CHECK(index.FindMerchants(Query("火锅"), kNow, 5).empty());
}

TEST_CASE("The index follows a document that changes and one that goes") {
  SearchIndex index;
  index.Put(7, Doc("火锅", {"hotpot"}));
  index.Put(7, Doc("烤鱼", {"fish"}));
  CHECK(Find(index, Query("火锅")).empty());
  CHECK(Find(index, Query("", {"hotpot"})).empty());
  CHECK(Find(index, Query("烤鱼", {"fish"})) == std::vector<uint32_t>{7});
  index.Remove(7);
  CHECK(Find(index, Query("烤鱼")).empty());
  CHECK(index.size() == 0);
  index.Put(3, Doc("烤鱼"));  // an older number than one seen before
  index.Put(9, Doc("烤鱼"));
  index.Put(6, Doc("烤鱼"));
  CHECK(Find(index, Query("烤鱼")) == std::vector<uint32_t>{9, 6, 3});
}

TEST_CASE("Interests alone merge their campaigns newest first, each once") {
  SearchIndex index;
  index.Put(1, Doc("a", {"tea"}));
  index.Put(2, Doc("b", {"hotpot", "tea"}));
  index.Put(3, Doc("c", {"hotpot"}));
  index.Put(4, Doc("d", {"bbq"}));
  CHECK(Find(index, Query("", {}, {"tea", "HotPot"})) == std::vector<uint32_t>{3, 2, 1});
  CHECK(Find(index, Query("", {}, {"tea", "hotpot"}), 3, 1) == std::vector<uint32_t>{2});
  CHECK(Find(index, Query("b", {}, {"hotpot"})) == std::vector<uint32_t>{2});
  CHECK(Find(index, Query("", {}, {"yoga"})).empty());
}

TEST_CASE("Whatever the index finds, Matches agrees, and it misses none") {
  // Random documents over a small alphabet, so terms and phrases collide.
  const std::vector<std::string> pieces = {"火锅", "重庆", "老", "串串", "hotpot",
                                           "tea",  "两人", "锅", "for",  "two"};
  const std::vector<std::string> tags = {"hotpot", "tea", "lunch"};
  std::mt19937 rng(11);
  SearchIndex index;
  std::map<uint32_t, SearchDocument> docs;
  for (uint32_t doc = 1; doc <= 300; ++doc) {
    std::string text;
    for (int i = 0; i < 4; ++i) {
      text += pieces[rng() % pieces.size()];
      if (rng() % 2) text += " ";
    }
    std::vector<std::string> t = {tags[rng() % tags.size()]};
    docs[doc] = Doc(text, t);
    index.Put(doc, docs[doc]);
  }
  for (const SearchQuery& q :
       {Query("火锅"), Query("重庆老火锅"), Query("hotpot two"), Query("锅", {"tea"}),
        Query("老 串串", {}, {"lunch", "tea"}), Query("", {}, {"hotpot"})}) {
    std::vector<uint32_t> expected;
    for (auto it = docs.rbegin(); it != docs.rend(); ++it) {
      if (Matches(q, it->second, kNow)) expected.push_back(it->first);
    }
    CHECK(Find(index, q, 0, 1000) == expected);
    // Two pages of ten, the second from the first's last document.
    const std::vector<uint32_t> first = Find(index, q, 0, 10);
    if (first.size() == 10) {
      const std::vector<uint32_t> second = Find(index, q, first.back(), 10);
      const size_t n = std::min<size_t>(10, expected.size() - 10);
      CHECK(second == std::vector<uint32_t>(expected.begin() + 10, expected.begin() + 10 + n));
    }
  }
}

}  // namespace
}  // namespace qrcloud::center
