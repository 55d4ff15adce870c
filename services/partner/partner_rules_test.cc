// The partner rules on their own: terms, platform codes, tenancy, the
// embed snippet, valid scans and last-touch attribution. No database.
#include "services/partner/partner_rules.h"

#include <catch2/catch.hpp>

#include "absl/strings/match.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"

namespace qrcloud::partner {
namespace {

std::string FieldOf(const absl::Status& s) {
  auto v = core::FieldViolations(s);
  return v.empty() ? "" : v[0].field;
}

v1::PartnerTerms Terms(int64_t cpc, int bps) {
  v1::PartnerTerms t;
  t.mutable_cpc()->set_minor(cpc);
  t.set_cps_bps(bps);
  t.set_holding_days(14);
  t.mutable_min_payout()->set_minor(10000);
  return t;
}

TEST_CASE("Terms are whole fen, never negative, a share at most 100%, in one currency") {
  auto ok = NormalizeTerms("terms", Terms(5, 1000));
  REQUIRE(ok.ok());
  CHECK(ok->cpc().currency() == "CNY");
  CHECK(ok->min_payout().currency() == "CNY");
  CHECK(NormalizeTerms("terms", Terms(0, 0)).ok());
  CHECK(NormalizeTerms("terms", Terms(0, kMaxShareBps)).ok());
  CHECK(FieldOf(NormalizeTerms("terms", Terms(-1, 0)).status()) == "terms.cpc.minor");
  CHECK(FieldOf(NormalizeTerms("terms", Terms(5, 10001)).status()) == "terms.cpsBps");
  CHECK(FieldOf(NormalizeTerms("terms", Terms(5, -1)).status()) == "terms.cpsBps");
  v1::PartnerTerms t = Terms(5, 100);
  t.set_holding_days(366);
  CHECK(FieldOf(NormalizeTerms("terms", t).status()) == "terms.holdingDays");
  t = Terms(5, 100);
  t.mutable_min_payout()->set_currency("USD");
  CHECK(FieldOf(NormalizeTerms("terms", t).status()) == "terms.minPayout.currency");
  t = Terms(5, 100);
  t.mutable_min_payout()->set_minor(-5);
  CHECK(FieldOf(NormalizeTerms("terms", t).status()) == "terms.minPayout.minor");
  t = Terms(5, 100);
  t.mutable_cpc()->set_currency("cny");
  CHECK(FieldOf(NormalizeTerms("terms", t).status()) == "terms.cpc.currency");
}

TEST_CASE("A platform code is 3 to 32 URL-safe characters, kept in lower case") {
  CHECK(*NormalizePlatformCode("WeiBo_2") == "weibo_2");
  CHECK(FieldOf(NormalizePlatformCode("ab").status()) == "platformCode");
  CHECK(FieldOf(NormalizePlatformCode(std::string(33, 'a')).status()) == "platformCode");
  CHECK(FieldOf(NormalizePlatformCode("we ibo").status()) == "platformCode");
  CHECK(FieldOf(NormalizePlatformCode("weibo&x=1").status()) == "platformCode");
  // What the rule keeps, the scan path accepts in ?p=.
  CHECK(core::ValidPlatformCode(*NormalizePlatformCode("A-b_c")));
}

TEST_CASE("A partner sees only itself, an administrator every partner") {
  auth::Principal partner;
  partner.account_id = "acct";
  partner.roles = static_cast<uint32_t>(auth::Role::kPartner);
  partner.partner_id = "p1";
  CHECK(CheckPartnerAccess(partner, "p1").ok());
  CHECK(CheckPartnerAccess(partner, "p2").code() == absl::StatusCode::kNotFound);
  CHECK(ResolvePartnerId(partner, "me") == "p1");
  auth::Principal merchant;
  merchant.roles = static_cast<uint32_t>(auth::Role::kMerchant);
  CHECK(CheckPartnerAccess(merchant, "p1").code() == absl::StatusCode::kNotFound);
  auth::Principal admin;
  admin.roles = static_cast<uint32_t>(auth::Role::kAdmin);
  CHECK(CheckPartnerAccess(admin, "p2").ok());
}

TEST_CASE("The embed snippet links the placement's link and escapes every text in it") {
  const std::string html = EmbedHtml("https://qr.example/s/abc?p=weibo&x=\"1\"", "\x89PNG",
                                     "<script>alert('x')</script>");
  CHECK(absl::StartsWith(html, "<a href=\"https://qr.example/s/abc?p=weibo&amp;x=&quot;1&quot;\""));
  CHECK(absl::StrContains(html, "src=\"data:image/png;base64,iVBORw==\""));
  CHECK(absl::StrContains(html, "alt=\"&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;\""));
  CHECK_FALSE(absl::StrContains(html, "<script>"));
  CHECK(PlacementLink("https://qr.example/s/abc", "weibo") == "https://qr.example/s/abc?p=weibo");
}

core::ScanEvent Browser() {
  core::ScanEvent e;
  e.event_id = "e1";
  e.client = core::ClientClass::kBrowser;
  e.device = "d";
  e.source = "s";
  return e;
}

TEST_CASE("A valid scan is an approved partner's, unflagged, the device's first in 30 minutes") {
  CHECK(IsValidScan(Browser(), v1::Partner::APPROVED, {}));
  CHECK_FALSE(IsValidScan(Browser(), v1::Partner::SUSPENDED, {}));
  CHECK_FALSE(IsValidScan(Browser(), v1::Partner::PENDING, {}));
  core::ScanEvent head = Browser();
  head.head = true;
  core::ScanEvent curl = Browser();
  curl.client = core::ClientClass::kScript;
  core::ScanEvent bot = Browser();
  bot.bot = true;
  for (const auto& e : {head, curl, bot}) CHECK_FALSE(IsValidScan(e, v1::Partner::APPROVED, {}));
  CHECK_FALSE(IsValidScan(Browser(), v1::Partner::APPROVED, {.device_seen = true}));
  CHECK_FALSE(IsValidScan(Browser(), v1::Partner::APPROVED,
                          {.source_devices = core::kMaxDevicesPerSource}));
}

v1::Order OrderAt(absl::Time t) {
  v1::Order o;
  o.set_id("o1");
  o.set_account_id("buyer");
  o.set_merchant_id("m1");
  core::ToProto(t, o.mutable_create_time());
  return o;
}

ValidScan ScanAt(const std::string& id, const std::string& partner, absl::Time t,
                 const std::string& account = "buyer", const std::string& merchant = "m1") {
  return {id, partner, "pl-" + partner, merchant, account, absl::ToUnixMillis(t)};
}

TEST_CASE("An order goes to the buyer's last valid scan at its merchant within 7 days") {
  const absl::Time now = absl::FromUnixSeconds(1800000000);
  const auto all = [](const std::string&) { return true; };
  const v1::Order order = OrderAt(now);
  std::vector<ValidScan> scans = {
      ScanAt("a", "p1", now - absl::Hours(48)),
      ScanAt("b", "p2", now - absl::Hours(2)),
      ScanAt("c", "p3", now - absl::Hours(1), "someone else"),
      ScanAt("d", "p4", now - absl::Minutes(30), "buyer", "another merchant"),
      ScanAt("e", "p5", now + absl::Minutes(1)),  // after the order
  };
  auto chosen = Attribute(order, "", scans, all);
  REQUIRE(chosen.has_value());
  CHECK(chosen->event_id == "b");
  CHECK(chosen->placement_id == "pl-p2");

  // Older than 7 days: none.
  CHECK_FALSE(Attribute(order, "", {ScanAt("old", "p1", now - absl::Hours(24 * 7 + 1))}, all));
  CHECK(Attribute(order, "", {ScanAt("edge", "p1", now - absl::Hours(24 * 7))}, all));
  // No buyer account (a landing table's order): none.
  v1::Order anonymous = order;
  anonymous.clear_account_id();
  CHECK_FALSE(Attribute(anonymous, "", scans, all));
  // The last touch's partner is suspended: nobody gets it.
  CHECK_FALSE(Attribute(order, "", scans, [](const std::string& p) { return p != "p2"; }));
}

TEST_CASE("A scan made on the ordering phone before signing in counts as the buyer's") {
  const absl::Time now = absl::FromUnixSeconds(1800000000);
  const auto all = [](const std::string&) { return true; };
  const v1::Order order = OrderAt(now);
  auto on = [](ValidScan s, std::string device) {
    s.device = std::move(device);
    return s;
  };
  const std::vector<ValidScan> scans = {
      ScanAt("signed-in", "p1", now - absl::Hours(3)),
      on(ScanAt("this-phone", "p2", now - absl::Hours(1), ""), "phone-a"),
      on(ScanAt("other-phone", "p3", now - absl::Minutes(30), ""), "phone-b"),
      on(ScanAt("this-phone-elsewhere", "p4", now - absl::Minutes(20), "", "another merchant"),
         "phone-a"),
  };
  // The same phone's anonymous scan is the last touch at this merchant.
  auto chosen = Attribute(order, "phone-a", scans, all);
  REQUIRE(chosen.has_value());
  CHECK(chosen->event_id == "this-phone");
  // Another phone's scan never counts; without a device only the account does.
  CHECK(Attribute(order, "phone-c", scans, all)->event_id == "signed-in");
  CHECK(Attribute(order, "", scans, all)->event_id == "signed-in");
  // A scan with no device (an old record) does not match an order without one.
  CHECK(Attribute(order, "", {ScanAt("anon", "p5", now - absl::Minutes(5), "")}, all) ==
        std::nullopt);
}

TEST_CASE("The share is basis points of the order, rounded half away from zero") {
  v1::Money total;
  total.set_currency("CNY");
  total.set_minor(1990);
  CHECK(CpsOf(total, 1000)->minor() == 199);
  CHECK(CpsOf(total, 25)->minor() == 5);  // 4.975 → 5
  CHECK(CpsOf(total, 0)->minor() == 0);
  CHECK(CpsOf(total, 10000)->minor() == 1990);
}

TEST_CASE("A period is a month in UTC") {
  const absl::Time now = absl::FromUnixSeconds(1800000000);  // 2027-01-15
  auto current = ParsePeriod("", now);
  REQUIRE(current.ok());
  CHECK(current->name == "2027-01");
  auto nov = ParsePeriod("2026-11", now);
  REQUIRE(nov.ok());
  CHECK(DayOf(nov->start) == "2026-11-01");
  CHECK(DayOf(nov->end) == "2026-12-01");
  for (const char* bad : {"2026-13", "2026-1", "26-11", "2026/11", "2026-11-01"}) {
    CHECK(FieldOf(ParsePeriod(bad, now).status()) == "period");
  }
}

}  // namespace
}  // namespace qrcloud::partner
