// The rules of search without any store: what text is cut into, what a
// request asks, and whether a document answers it.
#include "services/center/search_rules.h"

#include <catch2/catch.hpp>

#include <algorithm>

#include "libs/core/status.h"

namespace qrcloud::center {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1767225600);  // 2026-01-01Z

bool Has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

v1::Merchant Shop(const std::string& name) {
  v1::Merchant m;
  m.set_id("m1");
  m.set_display_name(name);
  return m;
}

v1::Campaign Titled(const std::string& title) {
  v1::Campaign c;
  c.set_id("c1");
  c.set_merchant_id("m1");
  c.set_title(title);
  return c;
}

SearchDocument Doc(const std::string& title, const std::string& shop = "小店") {
  return DocumentOf(Titled(title), Shop(shop));
}

SearchQuery Query(const std::string& q) {
  v1::SearchCampaignsRequest req;
  req.set_q(q);
  auto query = ParseSearch(req);
  INFO(query.status());
  REQUIRE(query.ok());
  return *query;
}

bool Finds(const std::string& q, const SearchDocument& doc) { return Matches(Query(q), doc, kNow); }

std::string FieldOf(const v1::SearchCampaignsRequest& req) {
  auto query = ParseSearch(req);
  REQUIRE(!query.ok());
  CHECK(query.status().code() == absl::StatusCode::kInvalidArgument);
  auto violations = core::FieldViolations(query.status());
  REQUIRE(!violations.empty());
  return violations[0].field;
}

TEST_CASE("Chinese text is cut into characters and pairs, other text into words") {
  const std::vector<std::string> terms = TextTerms(FoldForSearch("重庆老火锅Hotpot-Night 2人"));
  for (const char* t : {"重", "庆", "老", "火", "锅", "重庆", "庆老", "老火", "火锅", "hotpot",
                        "night", "2", "人"}) {
    INFO(t);
    CHECK(Has(terms, t));
  }
  CHECK_FALSE(Has(terms, "hot"));
  CHECK_FALSE(Has(terms, "锅h"));  // a pair never spans a script change
  // Japanese kana and Korean are written without spaces too.
  CHECK(Has(TextTerms(FoldForSearch("ラーメン")), "ラー"));
  CHECK(Has(TextTerms(FoldForSearch("café crème")), "café"));
}

TEST_CASE("A very long word is a term by its first 32 bytes and confirmed whole") {
  const std::string longer(40, 'x');
  const std::vector<std::string> terms = TextTerms(longer);
  REQUIRE(terms.size() == 1);
  CHECK(terms[0] == std::string(kMaxWordBytes, 'x'));
  CHECK(Finds(longer, Doc(longer)));
  CHECK_FALSE(Finds(longer + "y", Doc(longer)));  // same first 32 bytes, not the same word
}

TEST_CASE("火锅 finds 重庆老火锅, the whole phrase must appear as written") {
  const SearchDocument hotpot = Doc("重庆老火锅双人套餐");
  CHECK(Finds("火锅", hotpot));
  CHECK(Finds("重庆老火锅", hotpot));
  CHECK(Finds("锅", hotpot));
  CHECK(Finds("双人 火锅", hotpot));  // words in any order
  CHECK_FALSE(Finds("烤鱼", hotpot));
  // Every pair of 重庆老火锅 is here, but not the phrase.
  const SearchDocument apart = Doc("重庆 庆老火锅");
  CHECK(Finds("庆老火锅", apart));
  CHECK_FALSE(Finds("重庆老火锅", apart));
}

TEST_CASE("Traditional Chinese, capitals and full-width letters find what is written plainly") {
  const SearchDocument doc = Doc("火锅双人套餐 Hotpot for two");
  CHECK(Finds("火鍋", doc));
  CHECK(Finds("雙人套餐", doc));
  CHECK(Finds("HOTPOT", doc));
  CHECK(Finds("ＨＯＴＰＯＴ", doc));
  CHECK(Finds("hotpot two", doc));
  CHECK_FALSE(Finds("hot", doc));  // whole words only
  CHECK_FALSE(Finds("hotpot three", doc));
}

TEST_CASE("A campaign is found by its merchant's name, tags and menu") {
  v1::Campaign c = Titled("Weekday lunch");
  c.set_description("Spicy broth");
  c.add_tags("hotpot");
  c.add_menu_items()->set_name("毛肚");
  const SearchDocument doc = DocumentOf(c, Shop("蜀香园 Sichuan House"));
  CHECK(Finds("蜀香园", doc));
  CHECK(Finds("sichuan", doc));
  CHECK(Finds("spicy", doc));
  CHECK(Finds("hotpot", doc));
  CHECK(Finds("毛肚", doc));
  // Fields do not run into each other: the end of a title and the start of
  // the merchant's name are not one phrase.
  CHECK_FALSE(Finds("老火锅", DocumentOf(Titled("重庆老"), Shop("火锅店"))));
}

TEST_CASE("Tags must all be carried, interests one of them, both folded") {
  v1::Campaign c = Titled("Lunch");
  c.add_tags("火锅");
  c.add_tags("family");
  const SearchDocument doc = DocumentOf(c, Shop("x"));
  v1::SearchCampaignsRequest req;
  req.add_tags("#火鍋");
  req.add_tags("FAMILY");
  CHECK(Matches(*ParseSearch(req), doc, kNow));
  req.add_tags("date");
  CHECK_FALSE(Matches(*ParseSearch(req), doc, kNow));

  v1::SearchCampaignsRequest interests;
  interests.add_interests("tea");
  interests.add_interests("HotPot");
  CHECK_FALSE(Matches(*ParseSearch(interests), doc, kNow));
  interests.add_interests("火鍋");
  CHECK(Matches(*ParseSearch(interests), doc, kNow));
}

TEST_CASE("Distance counts from the fence, else from the merchant, and nowhere is never near") {
  v1::Campaign fenced = Titled("Hotpot");
  fenced.mutable_fence()->mutable_origin()->set_lat(26.0745);
  fenced.mutable_fence()->mutable_origin()->set_lng(119.2965);
  v1::Merchant far = Shop("x");
  far.mutable_location()->set_lat(39.9);
  far.mutable_location()->set_lng(116.4);
  v1::SearchCampaignsRequest req;
  req.set_q("hotpot");
  req.set_lat(26.0760);  // about 170 m from the fence's origin
  req.set_lng(119.2970);
  req.set_radius_m(500);
  const SearchQuery near = *ParseSearch(req);
  CHECK(Matches(near, DocumentOf(fenced, far), kNow));
  CHECK_FALSE(Matches(near, DocumentOf(Titled("Hotpot"), far), kNow));        // 1,500 km away
  CHECK_FALSE(Matches(near, DocumentOf(Titled("Hotpot"), Shop("x")), kNow));  // no place
  req.set_radius_m(100);
  CHECK_FALSE(Matches(*ParseSearch(req), DocumentOf(fenced, far), kNow));
}

TEST_CASE("A campaign is found only inside its window") {
  v1::Campaign c = Titled("Hotpot");
  c.mutable_start_time()->set_seconds(absl::ToUnixSeconds(kNow + absl::Hours(1)));
  c.mutable_end_time()->set_seconds(absl::ToUnixSeconds(kNow + absl::Hours(2)));
  const SearchDocument doc = DocumentOf(c, Shop("x"));
  const SearchQuery q = Query("hotpot");
  CHECK_FALSE(Matches(q, doc, kNow));
  CHECK(Matches(q, doc, kNow + absl::Minutes(90)));
  CHECK_FALSE(Matches(q, doc, kNow + absl::Hours(2)));  // the end is not in it
}

TEST_CASE("Sold out means limited stock with none left") {
  v1::Campaign c;
  CHECK_FALSE(SoldOut(c));  // unlimited
  c.set_stock(5);
  c.set_stock_left(1);
  CHECK_FALSE(SoldOut(c));
  c.set_stock_left(0);
  CHECK(SoldOut(c));
}

TEST_CASE("Bad search input is refused naming the field") {
  v1::SearchCampaignsRequest req;
  CHECK(FieldOf(req) == "q");  // nothing asked
  req.set_q("   !!! ");
  CHECK(FieldOf(req) == "q");  // nothing to search for
  req.set_q(std::string(65, 'a'));
  CHECK(FieldOf(req) == "q");
  req.set_q(std::string(64, 'a'));
  CHECK(ParseSearch(req).ok());
  req.set_q("火锅");

  v1::SearchCampaignsRequest tags = req;
  for (int i = 0; i < 6; ++i) tags.add_tags("t");
  CHECK(FieldOf(tags) == "tags");
  v1::SearchCampaignsRequest empty_tag = req;
  empty_tag.add_tags(" ");
  CHECK(FieldOf(empty_tag) == "tags[0]");
  v1::SearchCampaignsRequest interests = req;
  for (int i = 0; i < 11; ++i) interests.add_interests("i");
  CHECK(FieldOf(interests) == "interests");

  v1::SearchCampaignsRequest circle = req;
  circle.set_lat(26);
  circle.set_lng(119);
  CHECK(FieldOf(circle) == "radiusM");  // a place without a radius
  circle.set_radius_m(50001);
  CHECK(FieldOf(circle) == "radiusM");
  circle.set_radius_m(-1);
  CHECK(FieldOf(circle) == "radiusM");
  circle.set_radius_m(500);
  circle.set_lat(91);
  CHECK(FieldOf(circle) == "lat");
  circle.set_lat(26);
  circle.set_lng(-181);
  CHECK(FieldOf(circle) == "lng");

  v1::SearchCampaignsRequest page = req;
  page.mutable_page()->set_page_size(51);
  CHECK(FieldOf(page) == "page.pageSize");
  page.mutable_page()->set_page_size(0);
  page.mutable_page()->set_page_token("abc");
  CHECK(FieldOf(page) == "page.pageToken");
  page.mutable_page()->set_page_token(PageToken(42));
  auto ok = ParseSearch(page);
  REQUIRE(ok.ok());
  CHECK(ok->before == 42);
  CHECK(ok->page_size == kDefaultSearchPageSize);
}

}  // namespace
}  // namespace qrcloud::center
