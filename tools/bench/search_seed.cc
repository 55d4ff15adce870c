// search_seed: fills a throwaway center database with merchants and
// campaigns for tools/bench/search_bench.sh, through the center's own stores
// and search documents (CampaignSearch::Index, in the campaign's unit, as
// the center writes them), many to a transaction so 100,000 take about a
// minute instead of an hour of audits.
//
//   search_seed --campaigns=100000 --merchants=20000 --mysql_port=N --mysql_database=D
//
// The MySQL user and password come from QRCLOUD_MYSQL_USER and
// QRCLOUD_MYSQL_PASSWORD (tools/deps writes them). The content is made up
// but shaped like the real thing: Chinese, bilingual and English titles of
// 40 kinds of shop and offer in 20 cities, descriptions, one to three tags,
// places within 15 km of the city's centre (a fence on 60%), limited stock
// on a third (2% of those sold out), 3% over and 2% not yet begun, 4% paused,
// ended or drafts. Deterministic for a given --seed.
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/core/ids.h"
#include "libs/core/proto_time.h"
#include "libs/store/migrations.h"
#include "libs/store/mysql.h"
#include "libs/store/tx.h"
#include "services/center/campaign_search.h"
#include "services/center/center.h"
#include "services/center/mysql_campaign_store.h"
#include "services/center/mysql_merchant_store.h"
#include "services/center/mysql_search_store.h"

ABSL_FLAG(int, campaigns, 100000, "Campaigns to write");
ABSL_FLAG(int, merchants, 20000, "Merchants they belong to");
ABSL_FLAG(int, seed, 7, "Random seed");
ABSL_FLAG(int, mysql_port, 3390, "MariaDB port");
ABSL_FLAG(std::string, mysql_database, "qrcloud_center_searchbench", "The center's database");
ABSL_FLAG(int, per_transaction, 50, "Merchants (with their campaigns) per transaction");

namespace qrcloud::center {
namespace {

struct City {
  const char* zh;
  const char* en;
  double lat, lng;
};
const City kCities[] = {
    {"重庆", "Chongqing", 29.563, 106.551}, {"成都", "Chengdu", 30.657, 104.066},
    {"北京", "Beijing", 39.904, 116.407},   {"上海", "Shanghai", 31.230, 121.474},
    {"广州", "Guangzhou", 23.129, 113.264}, {"深圳", "Shenzhen", 22.543, 114.058},
    {"杭州", "Hangzhou", 30.274, 120.155},  {"福州", "Fuzhou", 26.074, 119.296},
    {"厦门", "Xiamen", 24.480, 118.089},    {"西安", "Xi'an", 34.341, 108.940},
    {"武汉", "Wuhan", 30.593, 114.305},     {"南京", "Nanjing", 32.060, 118.797},
    {"长沙", "Changsha", 28.228, 112.939},  {"昆明", "Kunming", 25.039, 102.718},
    {"青岛", "Qingdao", 36.067, 120.383},   {"苏州", "Suzhou", 31.299, 120.585},
    {"天津", "Tianjin", 39.343, 117.362},   {"郑州", "Zhengzhou", 34.747, 113.625},
    {"大连", "Dalian", 38.914, 121.615},    {"宁波", "Ningbo", 29.868, 121.544}};

struct Kind {
  const char* zh;
  const char* en;
  const char* tag;
};
const Kind kKinds[] = {{"火锅", "hotpot", "hotpot"},
                       {"串串", "skewers", "skewers"},
                       {"烤鱼", "grilled fish", "fish"},
                       {"小龙虾", "crayfish", "crayfish"},
                       {"烧烤", "BBQ", "bbq"},
                       {"奶茶", "milk tea", "tea"},
                       {"咖啡", "coffee", "coffee"},
                       {"拉面", "ramen", "noodles"},
                       {"米线", "rice noodles", "noodles"},
                       {"饺子", "dumplings", "dumplings"},
                       {"包子", "steamed buns", "buns"},
                       {"烤鸭", "roast duck", "duck"},
                       {"寿司", "sushi", "sushi"},
                       {"披萨", "pizza", "pizza"},
                       {"汉堡", "burger", "burger"},
                       {"甜品", "dessert", "dessert"},
                       {"蛋糕", "cake", "cake"},
                       {"面包", "bakery", "bakery"},
                       {"酸菜鱼", "pickled fish", "fish"},
                       {"麻辣烫", "malatang", "malatang"},
                       {"冒菜", "maocai", "maocai"},
                       {"早茶", "dim sum", "dimsum"},
                       {"牛排", "steak", "steak"},
                       {"炸鸡", "fried chicken", "chicken"},
                       {"水果", "fruit", "fruit"},
                       {"鲜花", "flowers", "flowers"},
                       {"美甲", "nails", "beauty"},
                       {"理发", "haircut", "beauty"},
                       {"洗车", "car wash", "car"},
                       {"健身", "gym", "fitness"},
                       {"瑜伽", "yoga", "fitness"},
                       {"按摩", "massage", "spa"},
                       {"电影", "cinema", "movies"},
                       {"书店", "bookstore", "books"},
                       {"宠物", "pet care", "pets"},
                       {"茶馆", "tea house", "tea"},
                       {"面馆", "noodle bar", "noodles"},
                       {"粥铺", "congee", "congee"},
                       {"烤肉", "Korean BBQ", "bbq"},
                       {"日料", "Japanese", "japanese"}};

const char* kAdjectives[] = {"老",   "新",   "正宗", "特色", "招牌", "家常",
                             "秘制", "手工", "网红", "百年", "",     ""};
const char* kOffers[] = {"双人套餐", "单人套餐", "四人餐",   "代金券",   "买一送一", "8折优惠",
                         "优惠券",   "限时特惠", "午市套餐", "周末特惠", "会员日",   "新店开业"};
const char* kEnglishOffers[] = {"for two",         "set for one", "family meal", "voucher",
                                "buy one get one", "20% off",     "coupon",      "limited offer",
                                "weekday lunch",   "weekend deal"};
const char* kShopWords[] = {"店", "馆", "坊", "楼", "小馆", "铺", "家"};
const char* kEnglishShops[] = {"House", "Kitchen", "Corner", "Bar", "Club", "Studio", "Garden"};
const char* kMoods[] = {"环境优雅",   "老板很热情", "排队也值得", "朋友聚会首选",
                        "Cozy place", "Open late",  "Since 1998", "本地人推荐"};
const char* kQualities[] = {"新鲜", "地道", "好吃", "实惠", "fresh", "authentic"};
const char* kOccasions[] = {"lunch", "dinner", "family", "date", "friends", "takeaway"};

class Seeder {
 public:
  explicit Seeder(int seed) : rng_(static_cast<uint32_t>(seed)) {}

  template <typename T, size_t N>
  const T& Pick(const T (&items)[N]) {
    return items[rng_() % N];
  }
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }

  // A place within 15 km of the city's centre, denser towards it.
  v1::GeoPoint Near(const City& city) {
    const double r = 15000 * std::pow(std::uniform_real_distribution<double>(0, 1)(rng_), 1.5);
    const double a = std::uniform_real_distribution<double>(0, 2 * M_PI)(rng_);
    v1::GeoPoint p;
    p.set_lat(city.lat + r * std::cos(a) / 111320.0);
    p.set_lng(city.lng + r * std::sin(a) / (111320.0 * std::cos(city.lat * M_PI / 180)));
    return p;
  }

  v1::Merchant Merchant(const City& city, const Kind& kind) {
    v1::Merchant m;
    m.set_id(core::NewId());
    m.set_owner_account_id(core::NewId());
    if (Chance(0.8)) {
      m.set_display_name(absl::StrCat(city.zh, Pick(kAdjectives), kind.zh, Pick(kShopWords)));
    } else {
      m.set_display_name(
          absl::StrCat(city.en, " ", Capitalized(kind.en), " ", Pick(kEnglishShops)));
    }
    *m.mutable_location() = Near(city);
    m.set_cloud_business_enabled(true);
    m.mutable_qualification()->set_state(v1::Qualification::APPROVED);
    core::ToProto(absl::Now(), m.mutable_create_time());
    return m;
  }

  v1::Campaign Campaign(const v1::Merchant& m, const City& city, const Kind& kind) {
    v1::Campaign c;
    c.set_id(core::NewId());
    c.set_merchant_id(m.id());
    const double r = std::uniform_real_distribution<double>(0, 1)(rng_);
    if (r < 0.6) {
      c.set_title(
          absl::StrCat(Chance(0.5) ? city.zh : "", Pick(kAdjectives), kind.zh, Pick(kOffers)));
    } else if (r < 0.85) {
      c.set_title(absl::StrCat(Pick(kAdjectives), kind.zh, Pick(kOffers), " ", Capitalized(kind.en),
                               " ", Pick(kEnglishOffers)));
    } else {
      c.set_title(absl::StrCat(Capitalized(kind.en), " ", Pick(kEnglishOffers), " in ", city.en));
    }
    c.set_description(absl::StrCat(Pick(kMoods), "，", kind.zh, Pick(kQualities), "，",
                                   Pick(kOffers), "。", city.zh, "市中心，", city.en, "."));
    c.add_tags(kind.tag);
    if (Chance(0.7)) c.add_tags(Pick(kOccasions));
    if (Chance(0.3)) c.add_tags(Pick(kOccasions));
    c.set_mode(v1::Campaign::ORDER);
    c.set_template_("coupon");
    c.mutable_price()->set_currency("CNY");
    c.mutable_price()->set_minor(static_cast<int64_t>(990 + rng_() % 30000));
    if (Chance(1.0 / 3)) {
      c.set_stock(100 + rng_() % 900);
      c.set_stock_left(Chance(0.02) ? 0 : 1 + static_cast<int64_t>(rng_() % c.stock()));
    }
    if (Chance(0.6)) {
      *c.mutable_fence()->mutable_origin() = m.location();
      c.mutable_fence()->set_radius_m(500 + rng_() % 2500);
    }
    const absl::Time now = absl::Now();
    const double w = std::uniform_real_distribution<double>(0, 1)(rng_);
    if (w < 0.03) {  // over
      core::ToProto(now - absl::Hours(24 * 30), c.mutable_start_time());
      core::ToProto(now - absl::Hours(1 + rng_() % 500), c.mutable_end_time());
    } else if (w < 0.05) {  // not begun
      core::ToProto(now + absl::Hours(1 + rng_() % 500), c.mutable_start_time());
    } else if (w < 0.5) {  // running, with an end
      core::ToProto(now + absl::Hours(24 + rng_() % 2000), c.mutable_end_time());
    }
    const double s = std::uniform_real_distribution<double>(0, 1)(rng_);
    c.set_state(s < 0.01   ? v1::Campaign::DRAFT
                : s < 0.02 ? v1::Campaign::PAUSED
                : s < 0.04 ? v1::Campaign::ENDED
                           : v1::Campaign::PUBLISHED);
    if (c.state() != v1::Campaign::DRAFT) {
      c.set_page_url(absl::StrCat("http://127.0.0.1/m/", core::NewId().substr(16)));
    }
    core::ToProto(now, c.mutable_create_time());
    core::ToProto(now, c.mutable_update_time());
    return c;
  }

  std::mt19937& rng() { return rng_; }

 private:
  static std::string Capitalized(std::string s) {
    if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
    return s;
  }
  std::mt19937 rng_;
};

int Run() {
  store::MysqlOptions o;
  o.port = absl::GetFlag(FLAGS_mysql_port);
  o.database = absl::GetFlag(FLAGS_mysql_database);
  if (const char* u = std::getenv("QRCLOUD_MYSQL_USER")) o.user = u;
  if (const char* p = std::getenv("QRCLOUD_MYSQL_PASSWORD")) o.password = p;
  auto mysql = store::MysqlPool::Create(o);
  if (!mysql.ok()) {
    std::fprintf(stderr, "search_seed: %s\n", std::string(mysql.status().message()).c_str());
    return 1;
  }
  if (absl::Status s = store::Migrate(**mysql, "center", Migrations()); !s.ok()) {
    std::fprintf(stderr, "search_seed: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  store::MysqlTxRunner runner(**mysql, nullptr);
  MysqlMerchantStore merchants(**mysql);
  MysqlCampaignStore campaigns(**mysql);
  MysqlSearchStore search_store(**mysql);
  CampaignSearch search(runner, search_store, campaigns, merchants, core::Clock::Real());

  Seeder seeder(absl::GetFlag(FLAGS_seed));
  const int total = absl::GetFlag(FLAGS_campaigns);
  const int shops = std::max(1, absl::GetFlag(FLAGS_merchants));
  const int per_tx = std::max(1, absl::GetFlag(FLAGS_per_transaction));
  const absl::Time start = absl::Now();
  int written = 0;
  for (int shop = 0; shop < shops; shop += per_tx) {
    absl::Status s = runner.Run([&](store::Tx& tx) -> absl::Status {
      int n = written;
      for (int i = shop; i < std::min(shops, shop + per_tx); ++i) {
        const City& city = seeder.Pick(kCities);
        const Kind& kind = seeder.Pick(kKinds);
        MerchantRecord m;
        m.merchant = seeder.Merchant(city, kind);
        QRCLOUD_RETURN_IF_ERROR(merchants.Insert(tx, m));
        // This merchant's share of the campaigns.
        const int mine = (total * (i + 1)) / shops - (total * i) / shops;
        for (int k = 0; k < mine; ++k, ++n) {
          CampaignRecord rec;
          rec.campaign = seeder.Campaign(m.merchant, city, kind);
          QRCLOUD_RETURN_IF_ERROR(campaigns.Insert(tx, rec));
          QRCLOUD_RETURN_IF_ERROR(search.Index(tx, rec.campaign));
        }
      }
      written = n;
      return absl::OkStatus();
    });
    if (!s.ok()) {
      std::fprintf(stderr, "search_seed: %s\n", std::string(s.message()).c_str());
      return 1;
    }
    if (shop % (per_tx * 40) == 0) {
      std::fprintf(stderr, "search_seed: %d campaigns\n", written);
    }
  }
  std::printf("search_seed: %d campaigns of %d merchants in %.0f s\n", written, shops,
              absl::ToDoubleSeconds(absl::Now() - start));
  return 0;
}

}  // namespace
}  // namespace qrcloud::center

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return qrcloud::center::Run();
}
