// Search for people (issue 11) end to end through REST: the gateway, the
// center and its MariaDB. Chinese and English text, folded; only live
// campaigns; tags, interests and distance; the merchant's name; stock;
// pages; bad input named.
#include <catch2/catch.hpp>

#include <cctype>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/core/proto_time.h"
#include "tests/support/api.h"
#include "tests/support/flow.h"
#include "tests/support/stack.h"
#include "tests/support/test_env.h"

namespace qrcloud::testing {
namespace {

// The shop's place (Fuzhou), a point 170 m from it, and Beijing.
constexpr double kShopLat = 26.0745, kShopLng = 119.2965;
constexpr char kNearShop[] = "lat=26.0760&lng=119.2970";
constexpr char kBeijing[] = "lat=39.9042&lng=116.4074";

struct World {
  std::unique_ptr<Stack> stack;
  std::unique_ptr<Flow> flow;
  std::unique_ptr<Api> merchant;
  std::string mid;
  std::unique_ptr<Api> anon;
  World() {
    auto s = Stack::Start();
    INFO((s.ok() ? "" : std::string(s.status().message())));
    REQUIRE(s.ok());
    stack = *std::move(s);
    flow = std::make_unique<Flow>(*stack);
    merchant = flow->QualifiedMerchant(&mid, kShopLat, kShopLng);
    anon = std::make_unique<Api>("127.0.0.1", stack->gateway_port());
  }

  // Publishes a campaign from the fields of its JSON (without braces).
  std::string Publish(const std::string& fields) {
    return flow
        ->PublishCampaign(*merchant, mid, absl::StrCat("{", fields, R"(,"mode":"ORDER",
        "price":{"currency":"CNY","minor":"1990"}})"))
        .At("id");
  }

  ApiResponse Search(const std::string& query) {
    return anon->Get(absl::StrCat("/v1/campaigns:search?", query));
  }

  // The ids a search finds, in order; the search must succeed.
  std::vector<std::string> Found(const std::string& query) {
    ApiResponse r = Search(query);
    INFO(query << " → " << r.body);
    REQUIRE(r.status == 200);
    std::vector<std::string> ids;
    for (int i = 0;; ++i) {
      std::string id = r.At(absl::StrCat("campaigns.", i, ".id"));
      if (id.empty()) break;
      ids.push_back(std::move(id));
    }
    return ids;
  }
};

// Query-string text, percent-encoded as a browser sends it.
std::string Q(absl::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      absl::StrAppend(&out, "%", absl::Hex(c, absl::kZeroPad2));
    }
  }
  return out;
}

std::string Fence(double lat, double lng) {
  return absl::StrCat(R"("fence":{"origin":{"lat":)", lat, R"(,"lng":)", lng,
                      R"(},"radiusM":500})");
}

std::string At(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

using Ids = std::vector<std::string>;

TEST_CASE("Search finds Chinese and English text, folded, and only live campaigns") {
  World w;
  const std::string hotpot = w.Publish(R"("title":"重庆老火锅双人套餐","tags":["火锅","dinner"])");
  const std::string english =
      w.Publish(R"("title":"Sichuan Hotpot Night","description":"Spicy broth for four")");
  // Not live: a draft, an ended campaign, one whose window is over, one
  // whose window has not begun.
  ApiResponse draft = w.merchant->Post("/v1/merchants/" + w.mid + "/campaigns",
                                       R"({"title":"火锅草稿 draft hotpot","mode":"SHOWCASE"})");
  REQUIRE(draft.status == 200);
  const std::string ended = w.Publish(R"("title":"老火锅 ended hotpot")");
  REQUIRE(w.merchant->Post("/v1/campaigns/" + ended + ":end", "{}").status == 200);
  const absl::Time now = absl::Now();
  w.Publish(absl::StrCat(R"("title":"火锅 expired hotpot","startTime":")", At(now - absl::Hours(3)),
                         R"(","endTime":")", At(now - absl::Hours(1)), R"(")"));
  w.Publish(absl::StrCat(R"("title":"火锅 later hotpot","startTime":")", At(now + absl::Hours(1)),
                         R"(","endTime":")", At(now + absl::Hours(3)), R"(")"));

  CHECK(w.Found("q=" + Q("火锅")) == Ids{hotpot});
  CHECK(w.Found("q=" + Q("重庆老火锅")) == Ids{hotpot});
  CHECK(w.Found("q=" + Q("火鍋")) == Ids{hotpot});      // traditional
  CHECK(w.Found("q=" + Q("雙人套餐")) == Ids{hotpot});  // traditional
  CHECK(w.Found("q=" + Q("老火锅 双人")) == Ids{hotpot});
  CHECK(w.Found("q=" + Q("火锅重庆")).empty());  // not as written
  CHECK(w.Found("q=hotpot") == Ids{english});
  CHECK(w.Found("q=" + Q("HOTPOT night")) == Ids{english});
  CHECK(w.Found("q=" + Q("ｓｐｉｃｙ")) == Ids{english});  // full-width, in the description
  CHECK(w.Found("q=hot").empty());                         // whole words
  CHECK(w.Found("q=" + Q("烤鱼")).empty());
  // What a person sees of a result: the campaign as it is public.
  ApiResponse r = w.Search("q=" + Q("火锅"));
  CHECK(r.At("campaigns.0.title") == "重庆老火锅双人套餐");
  CHECK(r.At("campaigns.0.state") == "PUBLISHED");
  CHECK_FALSE(r.At("campaigns.0.pageUrl").empty());
}

TEST_CASE("Search filters by tags, by interests and by distance") {
  World w;
  const std::string noodles = w.Publish(absl::StrCat(
      R"("title":"担担面 Spicy noodles","tags":["noodles","lunch"],)", Fence(kShopLat, kShopLng)));
  const std::string soup =
      w.Publish(absl::StrCat(R"("title":"牛肉汤面 Beef noodle soup","tags":["noodles","dinner"],)",
                             Fence(39.9042, 116.4074)));
  // No fence: placed at the merchant's location.
  const std::string tea = w.Publish(R"("title":"奶茶 Milk tea","tags":["tea"])");

  CHECK(w.Found("tags=noodles") == Ids{soup, noodles});  // newest first
  CHECK(w.Found("tags=NOODLES&tags=lunch") == Ids{noodles});
  CHECK(w.Found("tags=noodles&tags=tea").empty());
  CHECK(w.Found("q=" + Q("面") + "&tags=dinner") == Ids{soup});
  CHECK(w.Found("interests=tea&interests=Lunch") == Ids{tea, noodles});
  CHECK(w.Found("interests=dinner") == Ids{soup});
  CHECK(w.Found("q=" + Q("面") + "&interests=yoga").empty());

  CHECK(w.Found(absl::StrCat("q=", Q("面"), "&", kNearShop, "&radiusM=2000")) == Ids{noodles});
  CHECK(w.Found(absl::StrCat("q=", Q("面"), "&", kBeijing, "&radiusM=2000")) == Ids{soup});
  CHECK(w.Found(absl::StrCat("interests=tea&", kNearShop, "&radiusM=1000")) == Ids{tea});
  CHECK(w.Found(absl::StrCat("interests=tea&", kBeijing, "&radiusM=50000")).empty());
}

TEST_CASE("Search follows the merchant's approved name, the stock, and pages") {
  World w;
  const std::string first = w.Publish(R"("title":"周末特惠 Weekend deal","stock":"1")");
  const std::string second = w.Publish(R"("title":"会员日 Members day")");
  REQUIRE(
      w.merchant->Call("PATCH", "/v1/merchants/" + w.mid, R"({"displayName":"蜀香园"})").status ==
      200);
  CHECK(w.Found("q=" + Q("蜀香园")).empty());  // waiting for audit
  CHECK(w.Search("q=" + Q("蜀香园")).At("merchants").empty());
  w.flow->Decide("profile.submitted", w.mid, true);
  CHECK(w.Found("q=" + Q("蜀香园")) == Ids{second, first});

  // The merchant itself is listed on the first page, by its approved name
  // (folded: traditional 蜀香園 finds it), with its campaigns that answer.
  ApiResponse by_name = w.Search("q=" + Q("蜀香園"));
  INFO(by_name.body);
  CHECK(by_name.At("merchants.0.merchantId") == w.mid);
  CHECK(by_name.At("merchants.0.displayName") == "蜀香园");
  CHECK(by_name.At("merchants.0.campaigns") == "2");
  CHECK(w.Search("q=" + Q("蜀香园 会员日")).At("merchants").empty());  // not all in the name
  CHECK(w.Search("q=" + Q("会员日")).At("merchants").empty());

  // One page at a time.
  ApiResponse page1 = w.Search("q=" + Q("蜀香园") + "&page.pageSize=1");
  REQUIRE(page1.status == 200);
  CHECK(page1.At("campaigns.0.id") == second);
  const std::string token = page1.At("page.nextPageToken");
  REQUIRE_FALSE(token.empty());
  ApiResponse page2 = w.Search("q=" + Q("蜀香园") + "&page.pageSize=1&page.pageToken=" + token);
  CHECK(page2.At("campaigns.0.id") == first);
  CHECK(page2.At("page.nextPageToken").empty());
  CHECK(page2.At("merchants").empty());  // the first page's alone

  // Its one unit bought: sold out, it leaves the results within a second
  // (the stock search read holds that long).
  auto person = w.flow->NewAccount("PERSON");
  ApiResponse order =
      person->Post("/v1/campaigns/" + first + "/orders", R"({"requestId":"search-e2e-1"})");
  INFO(order.body);
  REQUIRE(order.status == 200);
  CHECK(WaitFor([&] { return w.Found("q=" + Q("蜀香园")) == Ids{second}; }, absl::Seconds(3)));
  CHECK(w.Found("q=" + Q("周末特惠")).empty());
}

TEST_CASE("Bad search input is answered 400 naming the field, and search goes on") {
  World w;
  const std::string id = w.Publish(R"("title":"火锅 Hotpot")");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "q"},
      {"q=" + std::string(65, 'a'), "q"},
      {"q=" + Q("？！"), "q"},
      {"q=hotpot&radiusM=900000&lat=26&lng=119", "radiusM"},
      {"q=hotpot&lat=26&lng=119", "radiusM"},
      {"q=hotpot&radiusM=100&lat=91&lng=0", "lat"},
      {"q=hotpot&radiusM=100&lat=26&lng=181", "lng"},
      {"tags=a&tags=b&tags=c&tags=d&tags=e&tags=f", "tags"},
      {"q=hotpot&page.pageSize=500", "page.pageSize"},
      {"q=hotpot&page.pageToken=nonsense", "page.pageToken"},
  };
  for (const auto& [query, field] : cases) {
    ApiResponse r = w.Search(query);
    INFO(query << " → " << r.body);
    CHECK(r.status == 400);
    CHECK(r.At("details.0.fieldViolations.0.field") == field);
  }
  CHECK(w.Found("q=hotpot") == Ids{id});
}

}  // namespace
}  // namespace qrcloud::testing
