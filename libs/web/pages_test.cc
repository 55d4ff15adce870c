#include "libs/web/pages.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "libs/core/encoding.h"
#include "libs/core/status.h"
#include "libs/qr/color.h"
#include "libs/web/internal/embedded_templates.h"
#include "libs/web/page_limits.h"
#include "libs/web/testing/html_check.h"
#include "libs/web/ui_strings.h"
#include "libs/web/vcard.h"
#include "qrcloud/v1/personal.pb.h"

namespace qrcloud::web {
namespace {

using testing::HtmlDoc;
using testing::HtmlElement;
using testing::ParseHtml;

constexpr absl::string_view kCampaignTemplates[] = {"showcase", "coupon", "menu", "event"};
constexpr v1::Campaign::Mode kModes[] = {v1::Campaign::SHOWCASE, v1::Campaign::ORDER,
                                         v1::Campaign::EXTERNAL};

v1::Merchant SampleMerchant() {
  v1::Merchant m;
  m.set_id("01jmerchant0000000000000000");
  m.set_display_name("老王火锅 Lao Wang Hotpot");
  m.set_description("百年老店。\n欢迎光临！");
  m.set_contact_phone("+86 138-0000-0000");
  m.set_contact_email("hi@laowang.example");
  m.set_website_url("https://laowang.example/");
  m.set_address("北京市朝阳区建国路 88 号");
  m.mutable_location()->set_lat(39.9087);
  m.mutable_location()->set_lng(116.3975);
  return m;
}

v1::Campaign SampleCampaign(absl::string_view template_name, v1::Campaign::Mode mode) {
  v1::Campaign c;
  c.set_id("01jcampaign0000000000000000");
  c.set_merchant_id("01jmerchant0000000000000000");
  c.set_title("双人套餐 8 折");
  c.set_description("两荤两素，含锅底。\n\n周一至周五可用。");
  c.add_image_urls("/media/01jimage00000000000000000a");
  c.add_image_urls("01jimage00000000000000000b");
  c.add_video_urls("https://video.example/v/1");
  c.set_external_url("https://laowang.example/deal?id=1&from=qr");
  c.set_mode(mode);
  c.set_template_(std::string(template_name));
  c.mutable_price()->set_currency("CNY");
  c.mutable_price()->set_minor(1990);
  c.set_stock(100);
  c.set_stock_left(12);
  c.set_per_person_limit(2);
  c.mutable_start_time()->set_seconds(1767232800);  // 2026-01-01 10:00 +08:00
  c.mutable_end_time()->set_seconds(1769868000);    // 2026-01-31 22:00 +08:00
  c.mutable_fence()->mutable_origin()->set_lat(39.9087);
  c.mutable_fence()->mutable_origin()->set_lng(116.3975);
  c.mutable_fence()->set_radius_m(500);
  for (int i = 0; i < 3; ++i) {
    v1::MenuItem* item = c.add_menu_items();
    item->set_id(absl::StrCat("item", i));
    item->set_name(absl::StrCat("毛肚 ", i));
    item->set_description("新鲜");
    item->mutable_price()->set_currency("CNY");
    item->mutable_price()->set_minor(3800 + i);
    item->set_image_url(absl::StrCat("/media/01jmenu", i));
    item->set_sold_out(i == 2);
  }
  return c;
}

PageContext Context(v1::Campaign c, absl::string_view lang = "zh") {
  PageContext ctx;
  ctx.campaign = std::move(c);
  ctx.merchant = SampleMerchant();
  ctx.lang = std::string(lang);
  ctx.page_url = "https://q.example/m/abc123";
  return ctx;
}

std::string Render(const PageContext& ctx) {
  absl::StatusOr<std::string> html = RenderCampaignPage(ctx);
  REQUIRE(html.ok());
  return *std::move(html);
}

size_t Count(absl::string_view haystack, absl::string_view needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != absl::string_view::npos;
       at = haystack.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

// `n` code points of Chinese text.
std::string Cjk(size_t n) {
  static constexpr absl::string_view kChars[] = {"优", "惠", "活", "动", "说", "明", "火", "锅"};
  std::string out;
  for (size_t i = 0; i < n; ++i) absl::StrAppend(&out, kChars[i % 8]);
  return out;
}

const HtmlElement* DataScript(const HtmlDoc& doc) { return doc.ById("page-data"); }

const HtmlElement* PageScript(const HtmlDoc& doc) {
  for (const HtmlElement* s : doc.All("script")) {
    if (!s->Has("type")) return s;
  }
  return nullptr;
}

std::string Unescaped(absl::string_view attr) {
  return absl::StrReplaceAll(
      attr, {{"&apos;", "'"}, {"&quot;", "\""}, {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}});
}

// The structure, landmark and accessibility rules every page keeps.
void CheckPage(const std::string& html) {
  const HtmlDoc doc = ParseHtml(html);
  INFO(html);
  for (const std::string& e : doc.errors) FAIL_CHECK(e);
  CHECK(absl::StartsWith(html, "<!doctype html>"));
  REQUIRE(doc.All("html").size() == 1);
  CHECK(doc.All("html")[0]->Has("lang"));
  REQUIRE(!doc.All("meta").empty());
  CHECK(doc.All("meta")[0]->Attr("charset") == "utf-8");
  bool viewport = false, csp = false;
  for (const HtmlElement* meta : doc.All("meta")) {
    viewport = viewport || meta->Attr("name") == "viewport";
    csp = csp || meta->Attr("http-equiv") == "Content-Security-Policy";
  }
  CHECK(viewport);
  CHECK(csp);
  CHECK(doc.All("main").size() == 1);
  CHECK(doc.All("header").size() == 1);
  CHECK(doc.All("h1").size() == 1);
  CHECK(doc.All("title").size() == 1);
  for (const HtmlElement* img : doc.All("img")) {
    // Only menu thumbnails are decorative: the item's name is beside them.
    REQUIRE(img->Has("alt"));
    if (img->Attr("alt")->empty())
      CHECK_THAT(*img->Attr("src"), Catch::StartsWith("/media/01jmenu"));
  }
  std::set<std::string> labelled;
  for (const HtmlElement* label : doc.All("label"))
    labelled.insert(label->Attr("for").value_or(""));
  for (const HtmlElement* input : doc.All("input")) {
    CHECK(labelled.count(input->Attr("id").value_or("?")) == 1);
  }
  for (const HtmlElement* button : doc.All("button")) {
    CHECK(button->Has("type"));
    CHECK((!absl::StripAsciiWhitespace(button->text).empty() || button->Has("aria-label")));
  }
  for (const HtmlElement& e : doc.elements) {
    for (const auto& [name, value] : e.attrs) CHECK_FALSE(absl::StartsWith(name, "on"));
  }
  for (const HtmlElement* a : doc.All("a")) {
    const std::string href = a->Attr("href").value_or("");
    CHECK((absl::StartsWith(href, "https://") || absl::StartsWith(href, "http://") ||
           absl::StartsWith(href, "tel:") || absl::StartsWith(href, "mailto:") ||
           absl::StartsWith(href, "data:text/vcard;") || absl::StartsWith(href, "/me/")));
    if (a->Attr("target") == "_blank") CHECK(a->Attr("rel") == "noopener");
  }
  // The inline script and style are allowed by hash and nothing else runs.
  std::string policy;
  for (const HtmlElement* meta : doc.All("meta")) {
    if (meta->Attr("http-equiv") == "Content-Security-Policy") {
      policy = Unescaped(meta->Attr("content").value_or(""));
    }
  }
  REQUIRE(PageScript(doc) != nullptr);
  const auto hash = [](absl::string_view text) {
    return absl::StrCat("'sha256-", absl::Base64Escape(core::Sha256(text)), "'");
  };
  CHECK_THAT(policy, Catch::Contains("script-src " + hash(PageScript(doc)->text) + ";"));
  CHECK_THAT(policy, Catch::Contains("style-src " + hash(doc.All("style")[0]->text) + ";"));
  CHECK_THAT(policy, Catch::Contains("default-src 'none'"));
}

TEST_CASE("Every template renders a complete, accessible page in every mode") {
  for (absl::string_view name : kCampaignTemplates) {
    for (v1::Campaign::Mode mode : kModes) {
      for (absl::string_view lang : {"zh", "en"}) {
        INFO(name << " mode " << mode << " " << lang);
        const std::string html = Render(Context(SampleCampaign(name, mode), lang));
        CheckPage(html);
        CHECK_THAT(html, Catch::Contains("双人套餐 8 折"));
        CHECK_THAT(html, Catch::Contains("老王火锅 Lao Wang Hotpot"));
        CHECK_THAT(html,
                   Catch::Contains("<link rel=\"canonical\" href=\"https://q.example/m/abc123\">"));
      }
    }
  }
  absl::StatusOr<std::string> card =
      RenderMerchantCard(SampleMerchant(), "zh", "https://q.example/c/m1");
  REQUIRE(card.ok());
  CheckPage(*card);
}

TEST_CASE("Each template shows what it is for") {
  const auto page = [](absl::string_view name) {
    return Render(Context(SampleCampaign(name, v1::Campaign::SHOWCASE)));
  };
  const std::string showcase = page("showcase");
  CHECK_THAT(
      showcase,
      Catch::Contains(
          "<img class=\"hero\" src=\"/media/01jimage00000000000000000a\" alt=\"双人套餐 8 折\">"));
  CHECK_THAT(showcase, Catch::Contains("<p>两荤两素，含锅底。</p>\n<p>周一至周五可用。</p>"));
  CHECK_THAT(showcase,
             Catch::Contains("src=\"/media/01jimage00000000000000000b\""));  // a bare media id
  CHECK_THAT(showcase,
             Catch::Contains("https://uri.amap.com/marker?position=116.397500,39.908700"));
  CHECK_THAT(showcase, Catch::Contains("href=\"tel:+8613800000000\""));
  CHECK_THAT(showcase, Catch::Contains("href=\"https://video.example/v/1\""));

  const HtmlDoc coupon = ParseHtml(page("coupon"));
  REQUIRE(coupon.ByTestId("price") != nullptr);
  CHECK(coupon.ByTestId("price")->text == "¥19.90");
  const std::string coupon_html = page("coupon");
  CHECK_THAT(coupon_html, Catch::Contains("剩余 12 份"));
  CHECK_THAT(coupon_html, Catch::Contains("12 left"));
  CHECK_THAT(coupon_html, Catch::Contains("每人限购 2 份"));
  CHECK_THAT(
      coupon_html,
      Catch::Contains("<time datetime=\"2026-01-01T10:00:00+08:00\">2026-01-01 10:00</time>"));
  CHECK_THAT(
      coupon_html,
      Catch::Contains("<time datetime=\"2026-01-31T22:00:00+08:00\">2026-01-31 22:00</time>"));
  CHECK_THAT(coupon_html, Catch::Contains("商家 500 米内"));

  const std::string menu = page("menu");
  CHECK(Count(menu, "<h3>毛肚") == 3);
  CHECK_THAT(menu, Catch::Contains("<h3>毛肚 1</h3>"));
  CHECK_THAT(menu, Catch::Contains("¥38.01"));
  CHECK_THAT(menu, Catch::Contains("<li class=\"off\">"));  // item 2 is unavailable
  CHECK(Count(menu, "暂不供应") == 1);

  const HtmlDoc event = ParseHtml(page("event"));
  REQUIRE(event.ByTestId("when") != nullptr);
  CHECK_THAT(event.ByTestId("when")->text, Catch::Contains("2026-01-01 10:00"));
  CHECK_THAT(event.ByTestId("when")->text, Catch::Contains("2026-01-31 22:00"));
  // The window is shown once, large, not again in the facts list; no empty
  // facts list when nothing else is left for it.
  CHECK(Count(page("event"), "2026-01-31 22:00") == 1);
  v1::Campaign bare = SampleCampaign("event", v1::Campaign::SHOWCASE);
  bare.clear_stock();
  bare.clear_per_person_limit();
  bare.clear_fence();
  bare.clear_price();
  CHECK_FALSE(absl::StrContains(Render(Context(bare)), "<dl"));
  bare.set_template_("coupon");
  bare.clear_start_time();
  bare.clear_end_time();
  bare.mutable_price()->set_minor(500);
  const std::string coupon_price_only = Render(Context(bare));
  CHECK(Count(coupon_price_only, "¥5.00") == 1);
  CHECK_FALSE(absl::StrContains(coupon_price_only, "<dl"));
}

TEST_CASE("Pages stay under 50 KB with the largest content they are designed for") {
  v1::Campaign c = SampleCampaign("menu", v1::Campaign::ORDER);
  c.set_title(Cjk(kMaxTitleChars));
  c.set_description(Cjk(kMaxDescriptionChars));
  c.clear_image_urls();
  const auto url = [](absl::string_view kind, int i) {
    std::string u = absl::StrCat("https://cdn.example.com/", kind, "/", i, "/");
    u.resize(kMaxUrlBytes, 'x');
    return u;
  };
  for (int i = 0; i < kMaxImages; ++i) c.add_image_urls(url("image", i));
  c.clear_video_urls();
  for (int i = 0; i < kMaxVideos; ++i) {
    c.add_video_urls(url("video", i));
  }
  c.clear_menu_items();
  for (int i = 0; i < kMaxMenuItems; ++i) {
    v1::MenuItem* item = c.add_menu_items();
    item->set_name(Cjk(kMaxMenuItemNameChars));
    item->set_description(Cjk(kMaxMenuItemDescriptionChars));
    item->mutable_price()->set_currency("CNY");
    item->mutable_price()->set_minor(1234567);
    item->set_image_url(url("menu", i));
    item->set_sold_out(i % 2 != 0);
  }
  PageContext ctx = Context(c);
  ctx.merchant.set_display_name(Cjk(kMaxMerchantNameChars));
  ctx.merchant.set_address(Cjk(kMaxAddressChars));
  for (absl::string_view name : kCampaignTemplates) {
    for (absl::string_view lang : {"zh", "en"}) {
      ctx.campaign.set_template_(std::string(name));
      ctx.lang = std::string(lang);
      const std::string html = Render(ctx);
      INFO(name << " " << lang << ": " << html.size() << " bytes");
      if (const char* dir = std::getenv("QRCLOUD_WEB_SAMPLES")) {
        std::ofstream(absl::StrCat(dir, "/large-", name, "-", lang, ".html")) << html;
      }
      CHECK(html.size() < kMaxPageBytes);
      CHECK(ParseHtml(html).errors.empty());
    }
  }
  v1::Merchant m = ctx.merchant;
  m.set_description(Cjk(kMaxMerchantDescriptionChars));
  absl::StatusOr<std::string> card = RenderMerchantCard(m, "zh", "https://q.example/c/m1");
  REQUIRE(card.ok());
  INFO("card: " << card->size() << " bytes");
  CHECK(card->size() < kMaxPageBytes);
}

TEST_CASE("User content never becomes markup or script, in text, attributes or script data") {
  const std::string evil =
      "</script><script>alert(\"x\")</script><img src=x onerror=alert(1)>'\"&\xE2\x80\xA8";
  v1::Campaign c = SampleCampaign("showcase", v1::Campaign::ORDER);
  c.set_id(evil);
  c.set_title(evil);
  c.set_description(evil + "\n" + evil + "\n{{> _head}}{{{script}}}");
  c.add_image_urls("javascript:alert(1)");
  c.add_image_urls("/media/x\"onerror=\"alert(1)");
  c.add_video_urls("javascript:alert(1)");
  c.mutable_price()->set_currency(evil);
  for (v1::MenuItem& item : *c.mutable_menu_items()) {
    item.set_name(evil);
    item.set_description(evil);
    item.set_image_url("data:image/svg+xml,<svg onload=alert(1)>");
  }
  PageContext ctx = Context(c);
  ctx.merchant.set_display_name(evil);
  ctx.merchant.set_address(evil);
  ctx.merchant.set_contact_phone(evil);
  ctx.merchant.set_website_url("javascript:alert(1)");
  ctx.api_base = evil;
  ctx.page_url = "https://q.example/m/a\"b";

  for (absl::string_view name : kCampaignTemplates) {
    ctx.campaign.set_template_(std::string(name));
    const std::string html = Render(ctx);
    INFO(name);
    INFO(html);
    // Only the page's own two script elements.
    CHECK(Count(absl::AsciiStrToLower(html), "<script") == 2);
    CHECK(Count(absl::AsciiStrToLower(html), "</script") == 2);
    CHECK(Count(html, "<img") == 1 + 1);  // the hero and one gallery image survive
    CHECK_FALSE(absl::StrContains(html, "javascript:"));
    CHECK_FALSE(absl::StrContains(html, "data:image"));
    CHECK_FALSE(absl::StrContains(html, "alert(\"x\")"));
    // Mustache tags in user content stay text.
    CHECK_THAT(html, Catch::Contains("<p>{{&gt; _head}}{{{script}}}</p>"));
    const HtmlDoc doc = ParseHtml(html);
    for (const std::string& e : doc.errors) FAIL_CHECK(e);
    CHECK(Unescaped(doc.All("h1")[0]->text) == evil);
    // The script's data is JSON with nothing an HTML parser could end early,
    // and it reads back exactly.
    const HtmlElement* data = DataScript(doc);
    REQUIRE(data != nullptr);
    CHECK(data->text.find_first_of("<>&") == std::string::npos);
    CHECK_FALSE(absl::StrContains(data->text, "\xE2\x80\xA8"));
    google::protobuf::Struct parsed;
    REQUIRE(google::protobuf::util::JsonStringToMessage(data->text, &parsed).ok());
    CHECK(parsed.fields().at("title").string_value() == evil);
    CHECK(parsed.fields().at("id").string_value() == evil);
    CHECK(parsed.fields().at("apiBase").string_value() == evil);
    CHECK(parsed.fields().at("url").string_value().empty());  // not an acceptable URL
  }
  // A page URL with a quote is not used at all, so the canonical link is gone.
  CHECK_FALSE(absl::StrContains(Render(ctx), "canonical"));

  absl::StatusOr<std::string> card = RenderMerchantCard(ctx.merchant, "en", "https://q.example/c");
  REQUIRE(card.ok());
  CHECK(Count(*card, "<script") == 2);
  CHECK_FALSE(absl::StrContains(*card, "javascript:"));
  CHECK(ParseHtml(*card).errors.empty());
}

TEST_CASE("A page in either language shows both, its own first") {
  const std::string zh = Render(Context(SampleCampaign("coupon", v1::Campaign::ORDER), "zh"));
  const std::string en = Render(Context(SampleCampaign("coupon", v1::Campaign::ORDER), "en"));
  CHECK_THAT(zh, Catch::Contains("<html lang=\"zh-CN\">"));
  CHECK_THAT(en, Catch::Contains("<html lang=\"en\">"));
  const HtmlDoc zh_doc = ParseHtml(zh), en_doc = ParseHtml(en);
  REQUIRE(zh_doc.ById("order-button") != nullptr);
  CHECK(zh_doc.ById("order-button")->text == "下单Order");
  CHECK(en_doc.ById("order-button")->text == "Order下单");
  CHECK_THAT(zh, Catch::Contains("下单<span class=\"alt\" lang=\"en\">Order</span>"));
  CHECK_THAT(en, Catch::Contains("Order<span class=\"alt\" lang=\"zh-CN\">下单</span>"));
  // Script messages carry both.
  CHECK_THAT(DataScript(zh_doc)->text, Catch::Contains("网络错误"));
  CHECK_THAT(DataScript(zh_doc)->text, Catch::Contains("Network error"));
  // Anything but English is the default, Chinese.
  CHECK_THAT(Render(Context(SampleCampaign("coupon", v1::Campaign::ORDER), "fr")),
             Catch::Contains("<html lang=\"zh-CN\">"));
  CHECK(ParseLang("en-GB") == Lang::kEn);
  CHECK(ParseLang("") == Lang::kZh);
}

TEST_CASE("Every UI string has Chinese and English, and the templates use only known ones") {
  for (const UiString& s : UiStrings()) {
    INFO(s.key);
    CHECK(std::any_of(s.zh.begin(), s.zh.end(), [](char c) { return c & 0x80; }));
    CHECK(std::any_of(s.en.begin(), s.en.end(), [](char c) { return absl::ascii_isalpha(c); }));
  }
  const std::regex ui(R"(\{\{([tsb])\.([a-z_]+)\}\})");
  for (const internal::EmbeddedFile& f : internal::EmbeddedTemplates()) {
    const std::string text(f.text);
    for (std::sregex_iterator it(text.begin(), text.end(), ui), end; it != end; ++it) {
      const std::string key = (*it)[2];
      INFO(f.name << ": " << key);
      CHECK(UiText(key, Lang::kZh).has_value());
      // A {{t.x}} is always followed by its {{s.x}}: both languages shown.
      if ((*it)[1] == "t")
        CHECK_THAT(text, Catch::Contains("{{t." + key +
                                         "}}<span class=\"alt\" lang=\"{{alt_lang}}\">{{s." + key +
                                         "}}</span>"));
    }
  }
}

TEST_CASE("Templates use {{{ }}} only for the page's own style, script and script data") {
  const std::regex triple(R"(\{\{\{([^}]*)\}\}\})");
  std::set<std::string> used;
  for (const internal::EmbeddedFile& f : internal::EmbeddedTemplates()) {
    const std::string text(f.text);
    for (std::sregex_iterator it(text.begin(), text.end(), triple), end; it != end; ++it) {
      used.insert((*it)[1]);
    }
    CHECK_FALSE(absl::StrContains(text, "{{&"));
  }
  CHECK(used == std::set<std::string>{"script", "script_json", "style"});
}

TEST_CASE("The embedded scripts reach the page unchanged") {
  std::string page_js, reviews_js, session_js, order_js;
  for (const internal::EmbeddedFile& f : internal::EmbeddedTemplates()) {
    if (f.name == "page") page_js = std::string(f.text);
    if (f.name == "reviews") reviews_js = std::string(f.text);
    if (f.name == "session") session_js = std::string(f.text);
    if (f.name == "order") order_js = std::string(f.text);
  }
  REQUIRE(!order_js.empty());
  REQUIRE(!session_js.empty());
  const HtmlDoc order = ParseHtml(Render(Context(SampleCampaign("coupon", v1::Campaign::ORDER))));
  REQUIRE(!reviews_js.empty());
  CHECK(PageScript(order)->text == page_js + reviews_js + session_js + order_js);
  const HtmlDoc showcase =
      ParseHtml(Render(Context(SampleCampaign("coupon", v1::Campaign::SHOWCASE))));
  CHECK(PageScript(showcase)->text == page_js + reviews_js);
}

TEST_CASE("ORDER pages carry the order flow, SHOWCASE and EXTERNAL pages do not") {
  const std::string order = Render(Context(SampleCampaign("showcase", v1::Campaign::ORDER)));
  const HtmlDoc doc = ParseHtml(order);
  for (absl::string_view id : {"order-button", "quantity", "login", "password", "signin-button",
                               "receipt-number", "error", "location-status"}) {
    INFO(id);
    REQUIRE(doc.ById(id) != nullptr);
    CHECK(doc.ById(id)->Attr("data-testid") == id);
  }
  CHECK(doc.ById("order-button")->name == "button");
  CHECK(doc.ById("password")->Attr("type") == "password");
  CHECK(doc.ById("quantity")->Attr("max") == "2");  // the per-person limit
  CHECK_FALSE(doc.ById("order-button")->Has("disabled"));
  CHECK_THAT(order, Catch::Contains("/v1/campaigns/"));
  CHECK_THAT(order, Catch::Contains("qrcloud.token"));
  CHECK_THAT(order, Catch::Contains("getCurrentPosition"));
  CHECK_THAT(DataScript(doc)->text, Catch::Contains("\"fence\":true"));
  CHECK_THAT(DataScript(doc)->text, Catch::Contains("\"max\":2"));

  for (v1::Campaign::Mode mode : {v1::Campaign::SHOWCASE, v1::Campaign::EXTERNAL}) {
    const std::string html = Render(Context(SampleCampaign("showcase", mode)));
    CHECK_FALSE(absl::StrContains(html, "order-button"));
    CHECK_FALSE(absl::StrContains(html, "/orders"));
    CHECK_FALSE(absl::StrContains(html, "<form"));
  }
  const HtmlDoc external =
      ParseHtml(Render(Context(SampleCampaign("showcase", v1::Campaign::EXTERNAL))));
  REQUIRE(external.ByTestId("external-link") != nullptr);
  CHECK(external.ByTestId("external-link")->Attr("href") ==
        "https://laowang.example/deal?id=1&amp;from=qr");
  CHECK(external.ByTestId("external-link")->Attr("rel") == "noopener");
  const HtmlDoc showcase =
      ParseHtml(Render(Context(SampleCampaign("showcase", v1::Campaign::SHOWCASE))));
  CHECK(showcase.ByTestId("external-link") == nullptr);
}

TEST_CASE("Every campaign page has a reviews section, hidden until its script fills it") {
  for (absl::string_view name : {"showcase", "coupon", "menu", "event"}) {
    for (v1::Campaign::Mode mode : {v1::Campaign::SHOWCASE, v1::Campaign::ORDER}) {
      INFO(name << " " << v1::Campaign::Mode_Name(mode));
      const HtmlDoc doc = ParseHtml(Render(Context(SampleCampaign(name, mode))));
      REQUIRE(doc.ById("reviews") != nullptr);
      CHECK(doc.ById("reviews")->Has("hidden"));
      CHECK(doc.ById("reviews-list") != nullptr);
      CHECK(doc.ById("reviews-average") != nullptr);
      // What the script needs: the campaign's id and strings in both languages.
      CHECK_THAT(DataScript(doc)->text, Catch::Contains("\"id\":\""));
      CHECK_THAT(DataScript(doc)->text, Catch::Contains("条评价"));
      CHECK_THAT(PageScript(doc)->text, Catch::Contains("/reviews?page.pageSize=3"));
    }
  }
  for (const internal::EmbeddedFile& f : internal::EmbeddedTemplates()) {
    if (f.name == "reviews") CHECK_FALSE(absl::StrContains(f.text, "innerHTML"));
  }
  PageContext off = Context(SampleCampaign("coupon", v1::Campaign::SHOWCASE));
  off.reviews = false;  // the personal front is switched off
  CHECK_THAT(DataScript(ParseHtml(Render(off)))->text, Catch::Contains("\"reviews\":false"));
  const std::string card = RenderMerchantCard(SampleMerchant(), "zh", "").value();
  CHECK_FALSE(absl::StrContains(card, "id=\"reviews\""));
}

TEST_CASE("Sold-out, free and unlimited offers say so") {
  v1::Campaign c = SampleCampaign("coupon", v1::Campaign::ORDER);
  c.set_stock_left(0);
  HtmlDoc doc = ParseHtml(Render(Context(c)));
  CHECK(doc.ById("order-button")->Has("disabled"));
  CHECK(doc.ById("order-button")->text == "已售罄Sold out");

  c = SampleCampaign("coupon", v1::Campaign::ORDER);
  c.mutable_price()->set_minor(0);
  doc = ParseHtml(Render(Context(c)));
  CHECK(doc.ById("order-button")->text == "领取Claim");
  CHECK(doc.ByTestId("price")->text == "免费Free");

  c = SampleCampaign("coupon", v1::Campaign::ORDER);
  c.set_stock(0);
  c.set_per_person_limit(0);
  c.clear_fence();
  doc = ParseHtml(Render(Context(c)));
  CHECK(doc.ById("quantity")->Attr("max") == "99");
  CHECK_THAT(DataScript(doc)->text, Catch::Contains("\"fence\":false"));
  CHECK_FALSE(absl::StrContains(Render(Context(c)), "剩余"));

  c = SampleCampaign("coupon", v1::Campaign::ORDER);
  c.set_per_person_limit(10);
  c.set_stock_left(3);  // fewer left than the limit
  CHECK(ParseHtml(Render(Context(c))).ById("quantity")->Attr("max") == "3");
}

TEST_CASE("Templates() lists the four campaign templates and the card") {
  const std::vector<TemplateInfo> all = Templates();
  REQUIRE(all.size() == 5);
  for (size_t i = 0; i < 4; ++i) {
    CHECK(all[i].name == kCampaignTemplates[i]);
    CHECK(!all[i].modes.empty());
    CHECK(RenderCampaignPage(Context(SampleCampaign(all[i].name, v1::Campaign::SHOWCASE))).ok());
  }
  CHECK(all[4].name == "card");
  CHECK(all[4].modes.empty());
  for (const TemplateInfo& t : all) CHECK_THAT(t.title, Catch::Contains(" / "));
}

TEST_CASE("The page may call an API on another origin, and nothing else") {
  PageContext ctx = Context(SampleCampaign("coupon", v1::Campaign::ORDER));
  ctx.api_base = "https://api.example.com:8443/prefix/";  // the trailing slash is dropped
  const std::string html = Render(ctx);
  CHECK_THAT(html, Catch::Contains("connect-src &apos;self&apos; https://api.example.com:8443;"));
  CHECK_THAT(html, Catch::Contains("\"apiBase\":\"https://api.example.com:8443/prefix\""));
  ctx.api_base = "";
  CHECK_THAT(Render(ctx), Catch::Contains("connect-src &apos;self&apos;;"));
}

TEST_CASE("Unknown templates and unusable external links are refused") {
  v1::Campaign c = SampleCampaign("poster", v1::Campaign::SHOWCASE);
  absl::StatusOr<std::string> html = RenderCampaignPage(Context(c));
  REQUIRE(html.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(std::string(html.status().message()), Catch::Contains("template"));
  REQUIRE(core::FieldViolations(html.status()).size() == 1);
  CHECK(core::FieldViolations(html.status())[0].field == "template");
  c.set_template_("card");  // the business card is not a campaign template
  CHECK(RenderCampaignPage(Context(c)).status().code() == absl::StatusCode::kInvalidArgument);
  c.set_template_("");  // none chosen: the showcase
  CHECK(RenderCampaignPage(Context(c)).ok());

  c = SampleCampaign("showcase", v1::Campaign::EXTERNAL);
  c.set_external_url("javascript:alert(1)");
  html = RenderCampaignPage(Context(c));
  CHECK(html.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(std::string(html.status().message()), Catch::Contains("externalUrl"));
}

TEST_CASE("The business card links phone, e-mail, map and website and saves a vCard") {
  const v1::Merchant m = SampleMerchant();
  absl::StatusOr<std::string> card = RenderMerchantCard(m, "zh", "https://q.example/c/m1");
  REQUIRE(card.ok());
  const HtmlDoc doc = ParseHtml(*card);
  CHECK(doc.All("h1")[0]->text == "老王火锅 Lao Wang Hotpot");
  CHECK(doc.ByTestId("phone")->Attr("href") == "tel:+8613800000000");
  CHECK(doc.ByTestId("phone")->text == "+86 138-0000-0000");
  CHECK_THAT(*card, Catch::Contains("href=\"mailto:hi@laowang.example\""));
  CHECK_THAT(*card, Catch::Contains("href=\"https://laowang.example/\""));
  CHECK(doc.ByTestId("map") != nullptr);
  CHECK_THAT(*card, Catch::Contains("北京市朝阳区建国路 88 号"));
  const HtmlElement* save = doc.ByTestId("save-contact");
  REQUIRE(save != nullptr);
  CHECK(save->Has("download"));
  const std::string href = save->Attr("href").value_or("");
  const std::string prefix = "data:text/vcard;charset=utf-8;base64,";
  REQUIRE(absl::StartsWith(href, prefix));
  std::string decoded;
  REQUIRE(absl::Base64Unescape(href.substr(prefix.size()), &decoded));
  CHECK(decoded == VCard(m, "https://q.example/c/m1"));
  CHECK_THAT(*card, Catch::Contains("Save to contacts"));
}

TEST_CASE("The stylesheet's colour pairs meet WCAG AA contrast and motion can be reduced") {
  std::string css;
  for (const internal::EmbeddedFile& f : internal::EmbeddedTemplates()) {
    if (f.name == "style") css = std::string(f.text);
  }
  const auto color = [&](absl::string_view name) {
    const std::string var = absl::StrCat("--", name, ":");
    const size_t at = css.find(var);
    REQUIRE(at != std::string::npos);
    absl::StatusOr<qr::Rgb> rgb = qr::ParseColor(name, css.substr(at + var.size(), 7));
    REQUIRE(rgb.ok());
    return *rgb;
  };
  const auto contrast = [&](absl::string_view a, absl::string_view b) {
    return qr::ContrastRatio(color(a), color(b));
  };
  for (absl::string_view ground : {"bg", "sheet"}) {
    INFO(ground);
    CHECK(contrast("fg", ground) >= 7.0);
    CHECK(contrast("muted", ground) >= 4.5);
    CHECK(contrast("link", ground) >= 4.5);
    CHECK(contrast("accent", ground) >= 4.5);
    CHECK(contrast("focus", ground) >= 3.0);  // non-text
  }
  CHECK(contrast("on-accent", "accent") >= 4.5);
  CHECK(contrast("fg", "line") >= 4.5);  // disabled buttons
  CHECK(contrast("err", "err-bg") >= 4.5);
  CHECK(contrast("ok", "sheet") >= 4.5);
  CHECK(contrast("err", "sheet") >= 4.5);  // the sold-out badge on a person's page
  CHECK_THAT(css, Catch::Contains(":focus-visible{outline:3px solid var(--focus)"));
  CHECK_THAT(css, Catch::Contains("@media (prefers-reduced-motion:reduce)"));
}

// ---- A person's pages (/me/wallet, /me/reminders, /me/feed) ----------------

constexpr PersonalPage kPersonalPages[] = {PersonalPage::kWallet, PersonalPage::kReminders,
                                           PersonalPage::kFeed};

std::string RenderPersonal(PersonalPage page, absl::string_view lang = "zh",
                           absl::string_view api_base = "") {
  PersonalPageContext ctx;
  ctx.lang = std::string(lang);
  ctx.api_base = std::string(api_base);
  ctx.public_url = "https://q.example";
  absl::StatusOr<std::string> html = RenderPersonalPage(page, ctx);
  REQUIRE(html.ok());
  return *std::move(html);
}

std::string EmbeddedText(absl::string_view name) {
  for (const internal::EmbeddedFile& f : internal::EmbeddedTemplates()) {
    if (f.name == name) return std::string(f.text);
  }
  FAIL("no embedded file " << name);
  return "";
}

TEST_CASE("A person's pages are complete and accessible, with a nav between the three") {
  for (PersonalPage page : kPersonalPages) {
    for (absl::string_view lang : {"zh", "en"}) {
      const absl::string_view name = PersonalPageName(page);
      INFO(name << " " << lang);
      const std::string html = RenderPersonal(page, lang);
      CheckPage(html);
      const HtmlDoc doc = ParseHtml(html);
      CHECK(doc.All("nav").size() == 1);
      const std::vector<const HtmlElement*> links = doc.All("a");
      REQUIRE(links.size() == 3);
      for (size_t i = 0; i < links.size(); ++i) {
        const absl::string_view to = PersonalPageName(kPersonalPages[i]);
        CHECK(links[i]->Attr("href") == absl::StrCat("/me/", to, lang == "en" ? "?lang=en" : ""));
        CHECK(links[i]->Attr("data-testid") == absl::StrCat("nav-", to));
        // Only the page itself is marked as the current one.
        CHECK(links[i]->Has("aria-current") == (to == name));
      }
      // The sign-in form and the list are there for the script; the form
      // shows only when there is no session, which the script decides.
      for (absl::string_view id : {"signin-form", "login", "password", "signin-button", "list",
                                   "empty", "more-button", "status", "error", "signout-button"}) {
        INFO(id);
        REQUIRE(doc.ByTestId(id) != nullptr);
      }
      CHECK(doc.ByTestId("signin-form")->Has("hidden"));
      CHECK(doc.ByTestId("more-button")->Has("hidden"));
      CHECK(doc.ByTestId("error")->Attr("role") == "alert");
      CHECK(doc.ByTestId("status")->Attr("role") == "status");
      CHECK((doc.ByTestId("live-status") != nullptr) == (page == PersonalPage::kReminders));
      CHECK_THAT(DataScript(doc)->text, Catch::Contains(absl::StrCat("\"page\":\"", name, "\"")));
      CHECK(html.size() < kMaxPageBytes);
      if (const char* dir = std::getenv("QRCLOUD_WEB_SAMPLES")) {
        std::ofstream(absl::StrCat(dir, "/me-", name, "-", lang, ".html")) << html;
      }
    }
  }
  const HtmlDoc wallet = ParseHtml(RenderPersonal(PersonalPage::kWallet, "zh"));
  CHECK(wallet.All("h1")[0]->text == "我的卡包My wallet");
  CHECK(wallet.All("a")[1]->text == "提醒Reminders");
  CHECK(ParseHtml(RenderPersonal(PersonalPage::kFeed, "en")).All("h1")[0]->text ==
        "My feed我的动态");
  CHECK_THAT(RenderPersonal(PersonalPage::kReminders, "en"),
             Catch::Contains("<title>My reminders / 我的提醒</title>"));
}

TEST_CASE("A person's page holds nothing personal: the same bytes for everyone") {
  for (PersonalPage page : kPersonalPages) {
    const std::string html = RenderPersonal(page);
    CHECK(RenderPersonal(page) == html);
    // No token or account in the markup; the script reads the session.
    CHECK_FALSE(absl::StrContains(html, "Bearer qrs_"));
    CHECK_THAT(html, Catch::Contains("qrcloud.token"));
    CHECK_THAT(html, Catch::Contains("<meta name=\"robots\" content=\"noindex\">"));
  }
  CHECK(RenderPersonal(PersonalPage::kWallet) != RenderPersonal(PersonalPage::kFeed));
}

TEST_CASE("Only wallet, reminders and feed are a person's pages") {
  for (PersonalPage page : kPersonalPages) {
    CHECK(ParsePersonalPage(PersonalPageName(page)) == page);
  }
  for (absl::string_view name : {"", "Wallet", "history", "wallet ", "../wallet", "feed/1"}) {
    CHECK_FALSE(ParsePersonalPage(name).has_value());
  }
}

TEST_CASE("A person's page runs only its own script and style, and calls only its API") {
  const HtmlDoc doc = ParseHtml(RenderPersonal(PersonalPage::kFeed, "zh", "https://api.example"));
  CHECK(PageScript(doc)->text ==
        EmbeddedText("page") + EmbeddedText("session") + EmbeddedText("me"));
  CHECK(doc.All("style")[0]->text == EmbeddedText("style") + EmbeddedText("me_style"));
  std::string policy;
  for (const HtmlElement* meta : doc.All("meta")) {
    if (meta->Attr("http-equiv") == "Content-Security-Policy") {
      policy = Unescaped(meta->Attr("content").value_or(""));
    }
  }
  CHECK_THAT(policy, Catch::Contains("connect-src 'self' https://api.example;"));
  CHECK_THAT(DataScript(doc)->text, Catch::Contains("\"apiBase\":\"https://api.example\""));
  CHECK_THAT(DataScript(doc)->text, Catch::Contains("\"mediaOrigin\":\"https://q.example\""));

  // The script builds the DOM from text: nothing from the API is parsed as
  // markup or run (the browser test shows a hostile share as text).
  const std::string me = EmbeddedText("me");
  for (absl::string_view sink : {"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write",
                                 "eval(", "Function(", "setAttribute('on", "srcdoc"}) {
    INFO(sink);
    CHECK_FALSE(absl::StrContains(me, sink));
  }
  CHECK_THAT(me, Catch::Contains("a.rel = 'noopener nofollow'"));
}

TEST_CASE("Odd settings reach a person's page only as script data") {
  const std::string evil = "</script><script>alert(1)</script>\"'&\xE2\x80\xA8";
  PersonalPageContext ctx;
  ctx.lang = evil;
  ctx.api_base = evil;
  ctx.public_url = "javascript:alert(1)";
  absl::StatusOr<std::string> html = RenderPersonalPage(PersonalPage::kWallet, ctx);
  REQUIRE(html.ok());
  CHECK(Count(absl::AsciiStrToLower(*html), "<script") == 2);
  CHECK_THAT(*html, Catch::Contains("<html lang=\"zh-CN\">"));  // unknown: Chinese
  const HtmlDoc doc = ParseHtml(*html);
  for (const std::string& e : doc.errors) FAIL_CHECK(e);
  google::protobuf::Struct parsed;
  REQUIRE(google::protobuf::util::JsonStringToMessage(DataScript(doc)->text, &parsed).ok());
  CHECK(parsed.fields().at("apiBase").string_value() == evil);
  CHECK(parsed.fields().at("mediaOrigin").string_value().empty());  // not a web URL
}

TEST_CASE("A person's page gives its script every string in both languages") {
  const HtmlDoc zh = ParseHtml(RenderPersonal(PersonalPage::kWallet, "zh"));
  google::protobuf::Struct data;
  REQUIRE(google::protobuf::util::JsonStringToMessage(DataScript(zh)->text, &data).ok());
  CHECK(data.fields().at("altLang").string_value() == "en");
  const auto& u = data.fields().at("u").struct_value().fields();
  REQUIRE(u.count("validity_redeemed") == 1);
  CHECK(u.at("validity_redeemed").struct_value().fields().at("t").string_value() == "已核销");
  CHECK(u.at("validity_redeemed").struct_value().fields().at("s").string_value() == "Redeemed");
  // Every validity a wallet item can have has its badge.
  for (int v = v1::WalletItem::Validity_MIN + 1; v <= v1::WalletItem::Validity_MAX; ++v) {
    const std::string name = v1::WalletItem::Validity_Name(v);
    INFO(name);
    CHECK(u.count("validity_" + absl::AsciiStrToLower(name)) == 1);
  }
  const auto& t = data.fields().at("t").struct_value().fields();
  CHECK(t.at("signin_needed").string_value() == "请先登录。 / Please sign in first.");
  const HtmlDoc en = ParseHtml(RenderPersonal(PersonalPage::kWallet, "en"));
  CHECK_THAT(DataScript(en)->text, Catch::Contains("\"signin_needed\":\"Please sign in first. / "));
}

// With QRCLOUD_WEB_SAMPLES=<dir>, writes sample pages there to open in a
// browser; otherwise does nothing.
TEST_CASE("Sample pages for a browser") {
  const char* dir = std::getenv("QRCLOUD_WEB_SAMPLES");
  if (dir == nullptr) return;
  for (absl::string_view name : kCampaignTemplates) {
    for (v1::Campaign::Mode mode : kModes) {
      for (absl::string_view lang : {"zh", "en"}) {
        std::ofstream(
            absl::StrCat(dir, "/", name, "-", v1::Campaign::Mode_Name(mode), "-", lang, ".html"))
            << Render(Context(SampleCampaign(name, mode), lang));
      }
    }
  }
  std::ofstream(absl::StrCat(dir, "/card-zh.html"))
      << *RenderMerchantCard(SampleMerchant(), "zh", "https://q.example/c/m1");
}

}  // namespace
}  // namespace qrcloud::web
