#include "libs/web/internal/page_data.h"

#include <cstdint>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "libs/core/encoding.h"
#include "libs/core/proto_time.h"
#include "libs/core/validate.h"
#include "libs/web/price_format.h"
#include "libs/web/script_json.h"
#include "libs/web/vcard.h"

namespace qrcloud::web::internal {
namespace {

using kainjow::mustache::data;
using kainjow::mustache::list;

// Hard cap on the quantity control when neither the per-person limit nor the
// stock bounds it.
constexpr int64_t kMaxQuantity = 99;
// Longest meta/og description, in code points.
constexpr size_t kMetaDescriptionChars = 120;

// kainjow's data has no const char* constructor: a literal would silently
// become `true`. Every string goes through here.
data Str(absl::string_view s) { return data(std::string(s)); }

Lang Other(Lang lang) { return lang == Lang::kEn ? Lang::kZh : Lang::kEn; }

// Sets `<name>_t` (the page language) and `<name>_s` (the other one) to the
// UI string `key` with "{n}" filled in.
void SetFilled(data* d, absl::string_view name, absl::string_view key, Lang lang,
               absl::string_view n) {
  d->set(absl::StrCat(name, "_t"), Str(UiFill(key, lang, n)));
  d->set(absl::StrCat(name, "_s"), Str(UiFill(key, Other(lang), n)));
}

// Both languages of a filled UI string, `lang` first.
std::string FilledBoth(absl::string_view key, Lang lang, absl::string_view n) {
  return absl::StrCat(UiFill(key, lang, n), " / ", UiFill(key, Other(lang), n));
}

// Non-empty lines of `text` as [{text}], so line breaks survive without
// putting markup into user text.
data Paragraphs(absl::string_view text) {
  data out{list{}};
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (line.empty()) continue;
    data p{data::type::object};
    p.set("text", Str(line));
    out.push_back(p);
  }
  return out;
}

// The first `max_chars` code points of `text`, whitespace runs collapsed,
// with "…" when cut.
std::string Summary(absl::string_view text, size_t max_chars) {
  std::string collapsed;
  bool space = false;
  for (char c : absl::StripAsciiWhitespace(text)) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
      space = true;
      continue;
    }
    if (space) collapsed.push_back(' ');
    space = false;
    collapsed.push_back(c);
  }
  size_t chars = 0;
  for (size_t i = 0; i < collapsed.size(); ++i) {
    if ((static_cast<unsigned char>(collapsed[i]) & 0xC0) == 0x80) continue;
    if (chars++ == max_chars) return absl::StrCat(collapsed.substr(0, i), "…");
  }
  return collapsed;
}

bool IsWebUrl(absl::string_view url) { return core::ValidateWebUrl("url", url).ok(); }

// "https://host:port" of an http(s) URL, or "".
std::string Origin(absl::string_view url) {
  if (!IsWebUrl(url)) return "";
  const size_t scheme_end = url.find("://") + 3;
  const size_t path = url.find_first_of("/?#", scheme_end);
  return std::string(url.substr(0, path));
}

bool IsMediaId(absl::string_view ref) {
  if (ref.empty() || ref.size() > 64) return false;
  for (char c : ref) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

// An http(s) URL from user content, or "".
std::string WebUrlOrEmpty(absl::string_view url) {
  return IsWebUrl(url) ? std::string(url) : std::string();
}

// "tel:+8613800000000" from a phone number as typed, or "" if it has no
// digits.
std::string TelHref(absl::string_view phone) {
  std::string number;
  for (char c : phone) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(c)) || (c == '+' && number.empty())) {
      number.push_back(c);
    }
  }
  return number.find_first_of("0123456789") == std::string::npos ? "" : "tel:" + number;
}

bool IsLocated(const qrcloud::v1::Merchant& m) {
  return m.has_location() && (m.location().lat() != 0 || m.location().lng() != 0) &&
         core::ValidateLatLng("location", m.location().lat(), m.location().lng()).ok();
}

// Amap's URI API opens the map app when installed and a web map otherwise;
// coordinate=wgs84 because GeoPoint is WGS-84 (Amap's own is GCJ-02).
std::string MapUrl(const qrcloud::v1::Merchant& m) {
  return absl::StrFormat(
      "https://uri.amap.com/marker?position=%.6f,%.6f&name=%s&coordinate=wgs84&callnative=1",
      m.location().lng(), m.location().lat(), PercentEncode(m.display_name()));
}

// Times are shown in China time (UTC+8, no daylight saving), the merchants'
// zone; <time datetime> carries the exact instant.
data TimeData(const google::protobuf::Timestamp& ts) {
  const absl::Time t = core::FromProto(ts);
  const absl::TimeZone china = absl::FixedTimeZone(8 * 3600);
  data d{data::type::object};
  d.set("iso", absl::FormatTime("%Y-%m-%dT%H:%M:%S%Ez", t, china));
  d.set("text", absl::FormatTime("%Y-%m-%d %H:%M", t, china));
  return d;
}

bool IsSet(const google::protobuf::Timestamp& ts) { return ts.seconds() > 0; }

// lang, html_lang, alt_lang, the UI strings t.* (page language), s.* (the
// other) and b.* ("both"), and the page URL.
data CommonData(Lang lang, absl::string_view page_url) {
  data page{data::type::object};
  page.set("lang", Str(lang == Lang::kEn ? "en" : "zh"));
  page.set("html_lang", Str(HtmlLang(lang)));
  page.set("alt_lang", Str(HtmlLang(Other(lang))));
  data t{data::type::object}, s{data::type::object}, b{data::type::object};
  for (const UiString& ui : UiStrings()) {
    const std::string key(ui.key);
    t.set(key, Str(lang == Lang::kEn ? ui.en : ui.zh));
    s.set(key, Str(lang == Lang::kEn ? ui.zh : ui.en));
    b.set(key, Str(UiBoth(ui.key, lang)));
  }
  page.set("t", t);
  page.set("s", s);
  page.set("b", b);
  const bool has_url = IsWebUrl(page_url);
  page.set("has_page_url", has_url);
  page.set("page_url", Str(has_url ? page_url : ""));
  return page;
}

data MerchantData(const qrcloud::v1::Merchant& m) {
  data d{data::type::object};
  d.set("name", m.display_name());
  d.set("has_description", !absl::StripAsciiWhitespace(m.description()).empty());
  d.set("paragraphs", Paragraphs(m.description()));
  d.set("has_phone", !m.contact_phone().empty());
  d.set("phone", m.contact_phone());
  const std::string tel = TelHref(m.contact_phone());
  d.set("has_tel", !tel.empty());
  d.set("tel_href", tel);
  d.set("has_email", !m.contact_email().empty());
  d.set("email", m.contact_email());
  const bool mailto = core::ValidateEmail("email", m.contact_email()).ok();
  d.set("has_mailto", mailto);
  d.set("mailto_href", mailto ? "mailto:" + m.contact_email() : std::string());
  const std::string website = WebUrlOrEmpty(m.website_url());
  d.set("has_website", !website.empty());
  d.set("website", website);
  d.set("has_address", !m.address().empty());
  d.set("address", m.address());
  d.set("has_map", IsLocated(m));
  d.set("map_url", IsLocated(m) ? MapUrl(m) : std::string());
  return d;
}

// Strings the page script shows, both languages in one string each.
ScriptJsonObject ScriptStrings(Lang lang, bool order) {
  static constexpr absl::string_view kCommon[] = {"link_copied", "merchant_reply", "reviews_count",
                                                  "verified_purchase"};
  static constexpr absl::string_view kOrder[] = {"http_error",
                                                 "locating",
                                                 "location_denied",
                                                 "location_ok",
                                                 "location_unavailable",
                                                 "location_unsupported",
                                                 "network_error",
                                                 "ordering",
                                                 "qr_failed",
                                                 "receipt_qr",
                                                 "signed_in",
                                                 "signin_needed"};
  ScriptJsonObject t;
  for (absl::string_view key : kCommon) t.AddString(key, UiBoth(key, lang));
  if (order) {
    for (absl::string_view key : kOrder) t.AddString(key, UiBoth(key, lang));
  }
  return t;
}

// Images: the first is the hero, the rest a gallery; unusable references are
// skipped.
void SetImages(const qrcloud::v1::Campaign& c, Lang lang, data* camp) {
  std::vector<std::string> srcs;
  for (const std::string& ref : c.image_urls()) {
    if (std::optional<std::string> src = ImageSrc(ref)) srcs.push_back(*std::move(src));
  }
  camp->set("has_hero", !srcs.empty());
  data gallery{list{}};
  for (size_t i = 0; i < srcs.size(); ++i) {
    data img{data::type::object};
    img.set("src", srcs[i]);
    // The hero is the campaign's picture; the rest are numbered, as a
    // merchant gives no captions.
    img.set("alt", i == 0 ? c.title() : FilledBoth("photo_n", lang, absl::StrCat(i + 1)));
    if (i == 0) {
      camp->set("hero", img);
    } else {
      gallery.push_back(img);
    }
  }
  camp->set("has_gallery", srcs.size() > 1);
  camp->set("gallery", gallery);
}

void SetVideos(const qrcloud::v1::Campaign& c, Lang lang, data* camp) {
  data videos{list{}};
  int n = 0;
  for (const std::string& url : c.video_urls()) {
    if (!IsWebUrl(url)) continue;
    data v{data::type::object};
    v.set("href", url);
    v.set("label", FilledBoth("video_n", lang, absl::StrCat(++n)));
    videos.push_back(v);
  }
  camp->set("has_videos", n > 0);
  camp->set("videos", videos);
}

// Price, stock, per-person limit, validity window and fence. The event
// template shows the window large and the coupon the price, so their facts
// lists leave those out.
void SetFacts(const qrcloud::v1::Campaign& c, Lang lang, data* camp) {
  const bool window_shown = c.template_() == "event";
  const bool price_shown = c.template_() == "coupon";
  camp->set("window_shown", window_shown);
  camp->set("price_shown", price_shown);
  const bool has_price = c.has_price();
  const bool free = has_price && c.price().minor() == 0;
  camp->set("has_price", has_price);
  camp->set("is_free", free);
  camp->set("price_text", has_price ? FormatPrice(c.price()) : std::string());
  const bool has_stock = c.stock() > 0;
  camp->set("has_stock", has_stock);
  camp->set("sold_out", has_stock && c.stock_left() <= 0);
  SetFilled(camp, "stock", "stock_value", lang,
            absl::StrCat(c.stock_left() > 0 ? c.stock_left() : 0));
  camp->set("has_limit", c.per_person_limit() > 0);
  SetFilled(camp, "limit", "limit_value", lang, absl::StrCat(c.per_person_limit()));
  camp->set("has_start", IsSet(c.start_time()));
  camp->set("start", TimeData(c.start_time()));
  camp->set("has_end", IsSet(c.end_time()));
  camp->set("end", TimeData(c.end_time()));
  camp->set("has_window", IsSet(c.start_time()) || IsSet(c.end_time()));
  const bool fenced = c.has_fence() && c.fence().radius_m() > 0;
  camp->set("has_fence", fenced);
  SetFilled(camp, "fence", "fence_value", lang, absl::StrCat(c.fence().radius_m()));
  camp->set("has_facts", (has_price && !price_shown) || has_stock || c.per_person_limit() > 0 ||
                             (!window_shown && (IsSet(c.start_time()) || IsSet(c.end_time()))) ||
                             fenced);
}

void SetMenu(const qrcloud::v1::Campaign& c, data* camp) {
  data items{list{}};
  for (const qrcloud::v1::MenuItem& item : c.menu_items()) {
    data d{data::type::object};
    d.set("name", item.name());
    d.set("has_description", !item.description().empty());
    d.set("description", item.description());
    d.set("has_price", item.has_price());
    d.set("price_text", item.has_price() ? FormatPrice(item.price()) : std::string());
    const std::optional<std::string> src = ImageSrc(item.image_url());
    d.set("has_image", src.has_value());
    d.set("image_src", src.value_or(""));
    d.set("unavailable", item.sold_out());
    items.push_back(d);
  }
  camp->set("has_menu", c.menu_items_size() > 0);
  camp->set("menu", items);
}

// The largest quantity one order may ask for.
int64_t MaxQuantity(const qrcloud::v1::Campaign& c) {
  int64_t max = c.per_person_limit() > 0 ? c.per_person_limit() : kMaxQuantity;
  if (c.stock() > 0 && c.stock_left() < max) max = c.stock_left();
  return max < 1 ? 1 : max;
}

}  // namespace

std::optional<std::string> ImageSrc(absl::string_view ref) {
  if (IsWebUrl(ref)) return std::string(ref);
  if (absl::StartsWith(ref, "/") && !absl::StartsWith(ref, "//")) {
    for (char c : ref) {
      const unsigned char u = static_cast<unsigned char>(c);
      if (u <= 0x20 || u == 0x7f || c == '"' || c == '<' || c == '>' || c == '\\') {
        return std::nullopt;
      }
    }
    return std::string(ref);
  }
  if (IsMediaId(ref)) return absl::StrCat("/media/", ref);
  return std::nullopt;
}

std::string PercentEncode(absl::string_view text) {
  std::string out;
  for (char c : text) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (absl::ascii_isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(c);
    } else {
      absl::StrAppendFormat(&out, "%%%02X", u);
    }
  }
  return out;
}

absl::StatusOr<data> CampaignPageData(const PageContext& ctx, Lang lang) {
  const qrcloud::v1::Campaign& c = ctx.campaign;
  data page = CommonData(lang, ctx.page_url);
  page.set("merchant", MerchantData(ctx.merchant));

  data camp{data::type::object};
  camp.set("title", c.title());
  camp.set("has_description", !absl::StripAsciiWhitespace(c.description()).empty());
  camp.set("paragraphs", Paragraphs(c.description()));
  SetImages(c, lang, &camp);
  SetVideos(c, lang, &camp);
  SetFacts(c, lang, &camp);
  SetMenu(c, &camp);
  page.set("campaign", camp);

  const bool external = c.mode() == qrcloud::v1::Campaign::EXTERNAL;
  if (external && !IsWebUrl(c.external_url())) {
    return core::ValidateWebUrl("externalUrl", c.external_url()).ok()
               ? absl::InvalidArgumentError("externalUrl: required for mode EXTERNAL")
               : core::ValidateWebUrl("externalUrl", c.external_url());
  }
  page.set("is_external", external);
  page.set("external_url", external ? c.external_url() : std::string());

  const bool order = c.mode() == qrcloud::v1::Campaign::ORDER;
  const bool sold_out = c.stock() > 0 && c.stock_left() <= 0;
  const bool free = c.has_price() && c.price().minor() == 0;
  page.set("is_order", order);
  page.set("max_quantity", absl::StrCat(MaxQuantity(c)));
  const absl::string_view label = sold_out ? "sold_out" : free ? "claim" : "order";
  page.set("order_t", Str(*UiText(label, lang)));
  page.set("order_s", Str(*UiText(label, Other(lang))));

  const std::string merchant = ctx.merchant.display_name();
  page.set("page_title", merchant.empty() ? c.title() : absl::StrCat(c.title(), " - ", merchant));
  page.set("meta_description",
           Summary(c.description().empty() ? c.title() : c.description(), kMetaDescriptionChars));
  std::optional<std::string> og_image;
  for (const std::string& ref : c.image_urls()) {
    if ((og_image = ImageSrc(ref))) break;
  }
  if (og_image && !IsWebUrl(*og_image)) {
    const std::string origin = Origin(ctx.page_url);
    og_image = origin.empty() ? std::nullopt : std::optional(origin + *og_image);
  }
  page.set("has_og_image", og_image.has_value());
  page.set("og_image", og_image.value_or(""));

  ScriptJsonObject script;
  script.AddString("url", IsWebUrl(ctx.page_url) ? ctx.page_url : "")
      .AddString("title", c.title())
      .AddObject("t", ScriptStrings(lang, order))
      .AddString("id", c.id())
      .AddString("apiBase", absl::StripSuffix(ctx.api_base, "/"))
      .AddBool("reviews", ctx.reviews);
  if (order) {
    script.AddBool("fence", c.has_fence() && c.fence().radius_m() > 0)
        .AddInt("max", MaxQuantity(c))
        .AddBool("soldOut", sold_out);
  }
  page.set("script_json", script.Json());
  return page;
}

data MerchantCardData(const qrcloud::v1::Merchant& m, Lang lang, const std::string& page_url) {
  data page = CommonData(lang, page_url);
  page.set("merchant", MerchantData(m));
  page.set("page_title", absl::StrCat(m.display_name(), " - ", UiBoth("card", lang)));
  page.set("meta_description", Summary(m.description().empty() ? m.display_name() : m.description(),
                                       kMetaDescriptionChars));
  page.set("has_og_image", false);
  // base64 rather than percent-encoding: a third of the size for Chinese text.
  page.set("vcard_href",
           "data:text/vcard;charset=utf-8;base64," + absl::Base64Escape(VCard(m, page_url)));
  // A file name browsers accept everywhere; the name itself is in the card.
  page.set("vcard_name", Str("contact.vcf"));
  ScriptJsonObject script;
  script.AddString("url", IsWebUrl(page_url) ? page_url : "")
      .AddString("title", m.display_name())
      .AddObject("t", ScriptStrings(lang, false));
  page.set("script_json", script.Json());
  return page;
}

data PersonalPageData(PersonalPage page, const PersonalPageContext& ctx, Lang lang) {
  // Messages me.js shows as one string, both languages (as order.js's).
  static constexpr absl::string_view kMessages[] = {"http_error",    "live_retry",   "loading",
                                                    "network_error", "new_reminder", "removed",
                                                    "signin_needed"};
  // Strings me.js puts into elements, the page's language with the other
  // beside it in <span class="alt">.
  static constexpr absl::string_view kLabels[] = {
      "comment_label",   "comment_send",       "comments_n",        "expires",
      "kind_offer",      "kind_receipt",       "no_comments",       "photo_n",
      "remove",          "remove_item",        "review_pending",    "review_rejected",
      "someone",         "validity_cancelled", "validity_expired",  "validity_expiring",
      "validity_paused", "validity_redeemed",  "validity_refunded", "validity_sold_out",
      "validity_valid"};
  const absl::string_view name = PersonalPageName(page);
  data d = CommonData(lang, "");
  d.set("is_wallet", page == PersonalPage::kWallet);
  d.set("is_reminders", page == PersonalPage::kReminders);
  d.set("is_feed", page == PersonalPage::kFeed);
  const std::string title = absl::StrCat(name, "_title"), empty = absl::StrCat("empty_", name);
  d.set("title_t", Str(*UiText(title, lang)));
  d.set("title_s", Str(*UiText(title, Other(lang))));
  d.set("empty_t", Str(*UiText(empty, lang)));
  d.set("empty_s", Str(*UiText(empty, Other(lang))));
  d.set("page_title", UiBoth(title, lang));

  data nav{list{}};
  for (PersonalPage p : {PersonalPage::kWallet, PersonalPage::kReminders, PersonalPage::kFeed}) {
    const absl::string_view n = PersonalPageName(p);
    data item{data::type::object};
    item.set("name", Str(n));
    // Same-origin paths: the pages are served beside each other.
    item.set("href", absl::StrCat("/me/", n, lang == Lang::kEn ? "?lang=en" : ""));
    item.set("text", Str(*UiText(n, lang)));
    item.set("alt", Str(*UiText(n, Other(lang))));
    item.set("current", p == page);
    nav.push_back(item);
  }
  d.set("nav", nav);

  ScriptJsonObject t, u;
  for (absl::string_view key : kMessages) t.AddString(key, UiBoth(key, lang));
  for (absl::string_view key : kLabels) {
    ScriptJsonObject pair;
    pair.AddString("t", *UiText(key, lang)).AddString("s", *UiText(key, Other(lang)));
    u.AddObject(key, pair);
  }
  ScriptJsonObject script;
  script.AddString("page", name)
      .AddString("apiBase", absl::StripSuffix(ctx.api_base, "/"))
      .AddString("mediaOrigin", Origin(ctx.public_url))
      .AddString("altLang", HtmlLang(Other(lang)))
      .AddObject("t", t)
      .AddObject("u", u);
  d.set("script_json", script.Json());
  return d;
}

void AddAssets(absl::string_view style, absl::string_view script, absl::string_view api_base,
               data* page) {
  const auto hash = [](absl::string_view text) {
    return absl::StrCat("'sha256-", absl::Base64Escape(core::Sha256(text)), "'");
  };
  std::string connect = "'self'";
  if (const std::string origin = Origin(api_base); !origin.empty()) {
    absl::StrAppend(&connect, " ", origin);
  }
  page->set("style", Str(style));
  page->set("script", Str(script));
  page->set("csp", absl::StrCat("default-src 'none'; script-src ", hash(script), "; style-src ",
                                hash(style), "; img-src * data: blob:; connect-src ", connect,
                                "; base-uri 'none'; form-action 'none'"));
}

}  // namespace qrcloud::web::internal
