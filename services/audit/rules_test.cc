#include "services/audit/rules.h"

#include <catch2/catch.hpp>

#include <google/protobuf/util/json_util.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/core/proto_time.h"

namespace qrcloud::audit {
namespace {

constexpr char kLicense[] = "91350100M000100Y43";
const absl::Time kNow = absl::FromUnixSeconds(1767225600);  // 2026-01-01Z

Rules TestRules() {
  RuleOptions o;
  auto words = BannedWords::Parse("赌场\ncounterfeit\n");
  REQUIRE(words.ok());
  o.banned_words = *std::move(words);
  o.video_hosts = {"bilibili.com", "v.qq.com"};
  o.public_url = "https://qr.example.com";
  return Rules(std::move(o));
}

v1::Merchant CleanMerchant() {
  v1::Merchant m;
  m.set_id("01jq0000000000000000000000");
  m.set_display_name("福州小店");
  m.mutable_qualification()->set_license_number(kLicense);
  m.mutable_qualification()->set_legal_name("福州小店有限公司");
  return m;
}

// A campaign as the center sends it: protobuf JSON.
v1::Campaign Campaign(absl::string_view json) {
  v1::Campaign c;
  REQUIRE(google::protobuf::util::JsonStringToMessage(std::string(json), &c).ok());
  return c;
}

v1::Campaign CleanCampaign() {
  return Campaign(R"({"id":"c1","merchantId":"m1","title":"周末火锅套餐","description":"两人份",
    "mode":"ORDER","template":"coupon","price":{"currency":"CNY","minor":"1990"},"stock":"100",
    "perPersonLimit":1,"startTime":"2026-01-01T00:00:00Z","endTime":"2026-03-01T00:00:00Z",
    "imageUrls":["01jq0000000000000000000001","https://qr.example.com/media/01jq0000000000000000000002",
                 "/media/01jq0000000000000000000003"],
    "videoUrls":["https://www.bilibili.com/video/BV1xx411c7mD","https://v.qq.com/x/page/abc.html"],
    "externalUrl":"https://shop.example.com/menu","tags":["hotpot"],
    "fence":{"origin":{"lat":26.07,"lng":119.29},"radiusM":500}})");
}

std::vector<std::string> Strings(const std::vector<Finding>& findings) {
  std::vector<std::string> out;
  for (const auto& f : findings) out.push_back(f.ToString());
  return out;
}

// Exactly one finding, of this severity, whose message starts with `prefix`
// and contains `detail`.
void RequireOne(const std::vector<Finding>& findings, Severity severity, absl::string_view prefix,
                absl::string_view detail = "") {
  INFO(absl::StrJoin(Strings(findings), "\n"));
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].severity == severity);
  CHECK(absl::StartsWith(findings[0].message, prefix));
  CHECK(absl::StrContains(findings[0].message, detail));
}

TEST_CASE("A clean qualification and a clean campaign have no findings") {
  const Rules rules = TestRules();
  CHECK(rules.CheckQualification(CleanMerchant()).empty());
  auto findings = rules.CheckCampaign(CleanCampaign(), kNow);
  INFO(absl::StrJoin(Strings(findings), "\n"));
  CHECK(findings.empty());
  // The other modes, with the least they need.
  CHECK(
      rules
          .CheckCampaign(Campaign(R"({"title":"t","mode":"SHOWCASE","template":"showcase"})"), kNow)
          .empty());
  CHECK(rules
            .CheckCampaign(Campaign(R"({"title":"t","mode":"EXTERNAL","template":"event",
                                         "externalUrl":"http://shop.example.com"})"),
                           kNow)
            .empty());
  // A free claim and unlimited stock.
  CHECK(rules
            .CheckCampaign(Campaign(R"({"title":"t","mode":"ORDER","template":"coupon",
                                         "price":{"currency":"CNY"}})"),
                           kNow)
            .empty());
}

TEST_CASE("Qualification: the licence number, the legal name and prohibited words") {
  const Rules rules = TestRules();
  v1::Merchant m = CleanMerchant();
  m.mutable_qualification()->set_license_number("91350100M000100Y44");
  RequireOne(rules.CheckQualification(m), Severity::kReject, "licenseNumber:", "should be '3'");

  m = CleanMerchant();
  m.mutable_qualification()->set_license_number("");
  RequireOne(rules.CheckQualification(m), Severity::kReject, "licenseNumber:", "18 characters");

  m = CleanMerchant();
  m.mutable_qualification()->set_legal_name("   ");
  RequireOne(rules.CheckQualification(m), Severity::kReject, "legalName: is required");

  m = CleanMerchant();
  m.mutable_qualification()->set_legal_name("福州赌场有限公司");
  RequireOne(rules.CheckQualification(m), Severity::kReject,
             "legalName:", "prohibited word \"赌场\"");

  m = CleanMerchant();
  m.set_display_name("Counterfeit Goods");
  RequireOne(rules.CheckQualification(m), Severity::kReject, "displayName:", "\"counterfeit\"");

  // A licence someone else submitted or holds is never auto-approved.
  m = CleanMerchant();
  m.mutable_qualification()->set_other_holders(1);
  RequireOne(rules.CheckQualification(m), Severity::kReview, "licenseNumber: 1 other merchant");
}

TEST_CASE("A showcase needs no price, and an empty price object is none") {
  const Rules rules = TestRules();
  v1::Campaign c;
  c.set_title("Spring menu");
  c.set_mode(v1::Campaign::SHOWCASE);
  c.set_template_("showcase");
  CHECK(rules.CheckCampaign(c, absl::Now()).empty());
  c.mutable_price();  // {} as stored
  CHECK(rules.CheckCampaign(c, absl::Now()).empty());
  c.set_mode(v1::Campaign::ORDER);
  RequireOne(rules.CheckCampaign(c, absl::Now()), Severity::kReject, "price: is required");
}

TEST_CASE("Landing business: an approved qualification and a shop address") {
  const Rules rules = TestRules();
  v1::Merchant m = CleanMerchant();
  m.mutable_qualification()->set_state(v1::Qualification::APPROVED);
  m.mutable_location()->set_lat(26.07);
  m.mutable_location()->set_lng(119.29);
  m.set_address("福州市鼓楼区 1 号");
  CHECK(rules.CheckLandingRequest(m).empty());

  v1::Merchant pending = m;
  pending.mutable_qualification()->set_state(v1::Qualification::PENDING_AUDIT);
  RequireOne(rules.CheckLandingRequest(pending), Severity::kReject, "qualification:", "approved");

  v1::Merchant nowhere = m;
  nowhere.set_address("  ");
  RequireOne(rules.CheckLandingRequest(nowhere), Severity::kReject, "location:", "address");
  nowhere = m;
  nowhere.clear_location();
  RequireOne(rules.CheckLandingRequest(nowhere), Severity::kReject, "location:");
}

TEST_CASE("Campaign: required fields and their ranges are rejected by name") {
  const Rules rules = TestRules();
  struct Case {
    const char* name;
    void (*change)(v1::Campaign&);
    const char* prefix;
  };
  const std::vector<Case> cases = {
      {"no title", [](v1::Campaign& c) { c.set_title("  "); }, "title: is required"},
      {"a long title", [](v1::Campaign& c) { c.set_title(std::string(61, 'x')); },
       "title: must be at most 60"},
      {"a long description", [](v1::Campaign& c) { c.set_description(std::string(2001, 'x')); },
       "description: must be at most 2000"},
      {"no mode", [](v1::Campaign& c) { c.set_mode(v1::Campaign::MODE_UNSPECIFIED); },
       "mode: is required"},
      {"no template", [](v1::Campaign& c) { c.set_template_(""); }, "template: is required"},
      {"an unknown template", [](v1::Campaign& c) { c.set_template_("fancy"); },
       "template: must be one of"},
      {"ORDER without a price", [](v1::Campaign& c) { c.clear_price(); },
       "price: is required for mode ORDER"},
      {"a price in dollars", [](v1::Campaign& c) { c.mutable_price()->set_currency("USD"); },
       "price.currency: must be CNY"},
      {"a negative price", [](v1::Campaign& c) { c.mutable_price()->set_minor(-1); },
       "price.minor: must be 0"},
      {"negative stock", [](v1::Campaign& c) { c.set_stock(-1); }, "stock: must be 0"},
      {"a negative per-person limit", [](v1::Campaign& c) { c.set_per_person_limit(-1); },
       "perPersonLimit: must be 0"},
      {"an end before the start", [](v1::Campaign& c) { *c.mutable_start_time() = c.end_time(); },
       "endTime: must be after startTime"},
      {"EXTERNAL without a link",
       [](v1::Campaign& c) {
         c.set_mode(v1::Campaign::EXTERNAL);
         c.clear_external_url();
       },
       "externalUrl: is required for mode EXTERNAL"},
      {"a fence of no size", [](v1::Campaign& c) { c.mutable_fence()->set_radius_m(0); },
       "fence.radiusM:"},
      {"a fence off the globe",
       [](v1::Campaign& c) { c.mutable_fence()->mutable_origin()->set_lat(91); },
       "fence.origin.lat:"},
  };
  for (const Case& k : cases) {
    INFO(k.name);
    v1::Campaign c = CleanCampaign();
    k.change(c);
    RequireOne(rules.CheckCampaign(c, kNow), Severity::kReject, k.prefix);
  }
}

TEST_CASE("Campaign: an end time that has passed is rejected") {
  const Rules rules = TestRules();
  v1::Campaign c = CleanCampaign();
  core::ToProto(kNow - absl::Hours(1), c.mutable_end_time());
  c.clear_start_time();
  RequireOne(rules.CheckCampaign(c, kNow), Severity::kReject, "endTime: has already passed",
             "2025-12-31T23:00:00");
}

TEST_CASE("A profile edit: prohibited words however spelt, and a website that is a public site") {
  const Rules rules = TestRules();
  CHECK(rules.CheckProfile(CleanMerchant()).empty());
  v1::Merchant m = CleanMerchant();
  m.set_display_name("賭場之家");  // traditional characters
  RequireOne(rules.CheckProfile(m), Severity::kReject, "displayName:", "prohibited");
  m = CleanMerchant();
  m.set_description("no coun\u200bterfeit here");
  RequireOne(rules.CheckProfile(m), Severity::kReject, "description:", "prohibited");
  m = CleanMerchant();
  m.set_website_url("http://169.254.169.254/");
  RequireOne(rules.CheckProfile(m), Severity::kReject, "websiteUrl:", "bare IP address");
}

TEST_CASE("What people write: prohibited words however spelt, public links, platform images") {
  const Rules rules = TestRules();
  v1::Review review;
  review.set_id("01jq0000000000000000000010");
  review.set_text("好吃, will come back");
  CHECK(rules.CheckReview(review).empty());
  review.set_text("附近有个赌\u200b场");  // a zero-width space inside the word
  RequireOne(rules.CheckReview(review), Severity::kReject, "text:", "prohibited");
  review.set_text("ok");
  review.add_image_urls("https://elsewhere.example.com/cat.png");
  RequireOne(rules.CheckReview(review), Severity::kReview, "imageUrls[0]:", "uploaded image");

  v1::Share share;
  share.set_text("Cheap COUNTERFEIT bags");
  RequireOne(rules.CheckShare(share), Severity::kReject, "text:", "prohibited");
  share.set_text("周五半价");
  share.add_links("http://10.0.0.1/login");
  RequireOne(rules.CheckShare(share), Severity::kReject, "links[0]:", "bare IP address");
  share.clear_links();
  share.add_image_urls("https://qr.example.com/media/01jq0000000000000000000002");
  CHECK(rules.CheckShare(share).empty());

  // Platform media even where the public URL is an address (a test stack).
  RuleOptions local;
  local.public_url = "http://127.0.0.1:18080";
  const Rules at_address(std::move(local));
  share.set_image_urls(0, "http://127.0.0.1:18080/media/01jq0000000000000000000002");
  CHECK(at_address.CheckShare(share).empty());
  share.set_image_urls(0, "http://127.0.0.1:18081/media/01jq0000000000000000000002");
  CHECK_FALSE(at_address.CheckShare(share).empty());

  v1::Comment comment;
  comment.set_text("賭場");  // traditional
  RequireOne(rules.CheckComment(comment), Severity::kReject, "text:", "prohibited");
}

TEST_CASE("A report goes to an auditor with the reporter's reason") {
  const Rules rules = TestRules();
  v1::ContentReport report;
  report.mutable_review()->set_text("fine words");
  report.set_reason("this is an advert for another shop");
  const std::vector<Finding> found = rules.CheckReport(report);
  RequireOne(found, Severity::kReview, "reported by a person: this is an advert");
  CHECK(Decide(found, /*auto_approve=*/true).state == v1::AuditTask::QUEUED);
}

TEST_CASE("Campaign: links must be http(s) to a named host, videos from known sites") {
  const Rules rules = TestRules();
  v1::Campaign c = CleanCampaign();
  c.set_external_url("javascript:alert(1)");
  RequireOne(rules.CheckCampaign(c, kNow), Severity::kReject, "externalUrl:", "http://");

  for (const char* ip : {"http://192.168.1.10/pay", "https://[::1]:8443/", "http://2130706433/",
                         "http://1.2.3.4./"}) {
    INFO(ip);
    c = CleanCampaign();
    c.set_external_url(ip);
    RequireOne(rules.CheckCampaign(c, kNow), Severity::kReject,
               "externalUrl: links to a bare IP address");
  }
  // A look-alike host in its xn-- form ("аpple" with a Cyrillic а).
  c = CleanCampaign();
  c.set_external_url("https://xn--pple-43d.com/login");
  RequireOne(rules.CheckCampaign(c, kNow), Severity::kReject,
             "externalUrl:", "can pass for another name");

  c = CleanCampaign();
  c.set_video_urls(1, "https://videos.example.com/v/1");
  RequireOne(rules.CheckCampaign(c, kNow), Severity::kReview,
             "videoUrls[1]:", "videos.example.com");

  c = CleanCampaign();
  c.set_video_urls(0, "https://evilbilibili.com/v");  // not a subdomain of bilibili.com
  RequireOne(rules.CheckCampaign(c, kNow), Severity::kReview, "videoUrls[0]:");

  c = CleanCampaign();
  c.add_video_urls("ftp://bilibili.com/v.mp4");
  RequireOne(rules.CheckCampaign(c, kNow), Severity::kReject, "videoUrls[2]:");

  c = CleanCampaign();
  c.add_video_urls("http://10.0.0.1/v.mp4");
  RequireOne(rules.CheckCampaign(c, kNow), Severity::kReject,
             "videoUrls[2]: links to a bare IP address");
}

TEST_CASE("Campaign: images must be the platform's uploaded media") {
  const Rules rules = TestRules();
  v1::Campaign c = CleanCampaign();
  c.add_image_urls("https://img.example.com/a.png");
  RequireOne(rules.CheckCampaign(c, kNow), Severity::kReview,
             "imageUrls[3]: is not an uploaded image", "https://qr.example.com/media/");

  c = CleanCampaign();
  c.add_image_urls("https://qr.example.com/static/a.png");  // our host, not media
  RequireOne(rules.CheckCampaign(c, kNow), Severity::kReview, "imageUrls[3]:");

  c = CleanCampaign();
  c.add_image_urls("data:image/png;base64,AAAA");
  RequireOne(rules.CheckCampaign(c, kNow), Severity::kReject, "imageUrls[3]:");
}

TEST_CASE("Campaign: prohibited words anywhere the customer reads are rejected, quoting the word") {
  const Rules rules = TestRules();
  v1::Campaign c = CleanCampaign();
  c.set_title("澳门赌场一日游");
  RequireOne(rules.CheckCampaign(c, kNow), Severity::kReject, "title:", "\"赌场\"");
  c = CleanCampaign();
  c.set_description("No COUNTERFEIT goods, promise");
  RequireOne(rules.CheckCampaign(c, kNow), Severity::kReject, "description:", "\"counterfeit\"");
  c = CleanCampaign();
  c.add_tags("赌场");
  RequireOne(rules.CheckCampaign(c, kNow), Severity::kReject, "tags[1]:");
  c = CleanCampaign();
  c.add_menu_items()->set_name("counterfeit wine");
  RequireOne(rules.CheckCampaign(c, kNow), Severity::kReject, "menuItems[0].name:");
}

TEST_CASE("Campaign: a high price, a huge stock and a limit above the stock go to an auditor") {
  const Rules rules = TestRules();
  v1::Campaign c = CleanCampaign();
  c.mutable_price()->set_minor(kReviewPriceMinor + 1);
  RequireOne(rules.CheckCampaign(c, kNow), Severity::kReview, "price.minor:", "100000.01 CNY");
  c = CleanCampaign();
  c.mutable_price()->set_minor(kReviewPriceMinor);  // exactly the limit is fine
  CHECK(rules.CheckCampaign(c, kNow).empty());
  c = CleanCampaign();
  c.set_stock(kReviewStock + 1);
  RequireOne(rules.CheckCampaign(c, kNow), Severity::kReview, "stock:");
  c = CleanCampaign();
  c.set_stock(5);
  c.set_per_person_limit(6);
  RequireOne(rules.CheckCampaign(c, kNow), Severity::kReview, "perPersonLimit:", "stock (5)");
  c.set_stock(0);  // unlimited stock: any limit is fine
  CHECK(rules.CheckCampaign(c, kNow).empty());
}

TEST_CASE(
    "The policy: any REJECT rejects, else any REVIEW queues, else approve (unless turned off)") {
  const Finding reject{Severity::kReject, "title: is required"};
  const Finding review{Severity::kReview, "stock: 2000000 is above 1000000"};

  Verdict v = Decide({review, reject}, true);
  CHECK(v.state == v1::AuditTask::REJECTED);
  CHECK(v.reasons == std::vector<std::string>{"title: is required"});

  v = Decide({review}, true);
  CHECK(v.state == v1::AuditTask::QUEUED);
  CHECK(v.reasons == std::vector<std::string>{review.message});

  v = Decide({}, true);
  CHECK(v.state == v1::AuditTask::APPROVED);
  CHECK(v.reasons.empty());

  v = Decide({}, false);
  CHECK(v.state == v1::AuditTask::QUEUED);
  CHECK(v.reasons.at(0).find("automatic approval is off") != std::string::npos);

  CHECK(Decide({reject}, false).state == v1::AuditTask::REJECTED);
}

TEST_CASE("URL hosts, IP literals and the allow-list") {
  CHECK(HostAllowed("www.bilibili.com", {"bilibili.com"}));
  CHECK(HostAllowed("bilibili.com", {"bilibili.com"}));
  CHECK_FALSE(HostAllowed("evilbilibili.com", {"bilibili.com"}));
  CHECK_FALSE(HostAllowed("bilibili.com.evil.net", {"bilibili.com"}));
}

}  // namespace
}  // namespace qrcloud::audit
