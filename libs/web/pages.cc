#include "libs/web/pages.h"

#include <initializer_list>
#include <optional>

#include <kainjow/mustache.hpp>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/core/status.h"
#include "libs/web/internal/embedded_templates.h"
#include "libs/web/internal/page_data.h"
#include "libs/web/ui_strings.h"

namespace qrcloud::web {
namespace {

using kainjow::mustache::data;

constexpr absl::string_view kCampaignTemplates[] = {"showcase", "coupon", "menu", "event"};

std::optional<absl::string_view> Embedded(absl::string_view name) {
  for (const internal::EmbeddedFile& f : internal::EmbeddedTemplates()) {
    if (f.name == name) return f.text;
  }
  return std::nullopt;
}

// The embedded files `names`, one after another.
absl::StatusOr<std::string> Concatenated(std::initializer_list<absl::string_view> names) {
  std::string out;
  for (absl::string_view name : names) {
    const std::optional<absl::string_view> text = Embedded(name);
    if (!text) return absl::InternalError(absl::StrCat("page asset ", name, " not embedded"));
    absl::StrAppend(&out, *text);
  }
  return out;
}

// Renders the template `name` with `page`, its script the embedded files
// `scripts` and its style the files `styles`, each concatenated in order.
// Partials ({{> _head}}) are the embedded files whose names start with "_".
absl::StatusOr<std::string> Render(absl::string_view name,
                                   std::initializer_list<absl::string_view> scripts,
                                   std::initializer_list<absl::string_view> styles,
                                   absl::string_view api_base, data page) {
  const std::optional<absl::string_view> source = Embedded(name);
  if (!source) return absl::InternalError(absl::StrCat("page template ", name, " not embedded"));
  for (const internal::EmbeddedFile& f : internal::EmbeddedTemplates()) {
    if (!absl::StartsWith(f.name, "_")) continue;
    const std::string text(f.text);
    page.set(std::string(f.name), kainjow::mustache::partial([text] { return text; }));
  }
  QRCLOUD_ASSIGN_OR_RETURN(const std::string script, Concatenated(scripts));
  QRCLOUD_ASSIGN_OR_RETURN(const std::string style, Concatenated(styles));
  internal::AddAssets(style, script, api_base, &page);

  kainjow::mustache::mustache tmpl{std::string(*source)};
  if (!tmpl.is_valid()) {
    return absl::InternalError(absl::StrCat("page template ", name, ": ", tmpl.error_message()));
  }
  std::string html = tmpl.render(page);
  if (!tmpl.is_valid()) {
    return absl::InternalError(absl::StrCat("page template ", name, ": ", tmpl.error_message()));
  }
  return html;
}

}  // namespace

std::vector<TemplateInfo> Templates() {
  return {
      {"showcase",
       "展示页 / Showcase",
       "图片、标题、介绍、商家与地图链接，外链或下单按钮 / A photo, the title and description, the "
       "merchant with a map link, and a button to the merchant's site (EXTERNAL) or the order "
       "form (ORDER).",
       {"SHOWCASE", "EXTERNAL", "ORDER"}},
      {"coupon",
       "优惠券 / Coupon",
       "醒目的价格、剩余数量、有效期与限购，可领取或下单 / A deal: the price large, stock left, "
       "validity window and per-person limit, with the order form to claim or buy it.",
       {"ORDER", "SHOWCASE"}},
      {"menu",
       "菜单 / Menu",
       "菜品图片、介绍与价格，标出暂不供应 / A menu: items with photos, descriptions and prices, "
       "marked when sold out.",
       {"SHOWCASE", "ORDER"}},
      {"event",
       "活动 / Event",
       "醒目的活动时间，再是介绍与地点 / An event: the start and end time prominent, then the "
       "description and place.",
       {"SHOWCASE", "ORDER", "EXTERNAL"}},
      {"card",
       "电子名片 / Business card",
       "商家名称、介绍、电话、邮箱、地址与地图、网站，可保存到通讯录 / The merchant's electronic "
       "business card: name, description, phone, e-mail, address with a map link, website and a "
       "\"save contact\" vCard.",
       {}},
  };
}

absl::StatusOr<std::string> RenderCampaignPage(const PageContext& ctx) {
  const std::string name = ctx.campaign.template_().empty() ? "showcase" : ctx.campaign.template_();
  bool known = false;
  for (absl::string_view t : kCampaignTemplates) known = known || t == name;
  if (!known) {
    return core::InvalidField("template", absl::StrCat("unknown page template \"", name,
                                                       "\"; one of showcase, coupon, menu, event"));
  }
  const Lang lang = ParseLang(ctx.lang);
  QRCLOUD_ASSIGN_OR_RETURN(data page, internal::CampaignPageData(ctx, lang));
  if (ctx.campaign.mode() == qrcloud::v1::Campaign::ORDER) {
    return Render(name, {"page", "reviews", "session", "order"}, {"style"}, ctx.api_base,
                  std::move(page));
  }
  return Render(name, {"page", "reviews"}, {"style"}, ctx.api_base, std::move(page));
}

absl::StatusOr<std::string> RenderMerchantCard(const qrcloud::v1::Merchant& m,
                                               const std::string& lang,
                                               const std::string& page_url) {
  return Render("card", {"page"}, {"style"}, "",
                internal::MerchantCardData(m, ParseLang(lang), page_url));
}

std::optional<PersonalPage> ParsePersonalPage(absl::string_view name) {
  for (PersonalPage p : {PersonalPage::kWallet, PersonalPage::kReminders, PersonalPage::kFeed}) {
    if (name == PersonalPageName(p)) return p;
  }
  return std::nullopt;
}

absl::string_view PersonalPageName(PersonalPage page) {
  switch (page) {
    case PersonalPage::kWallet:
      return "wallet";
    case PersonalPage::kReminders:
      return "reminders";
    case PersonalPage::kFeed:
      return "feed";
  }
  return "wallet";
}

absl::StatusOr<std::string> RenderPersonalPage(PersonalPage page, const PersonalPageContext& ctx) {
  return Render("personal", {"page", "session", "me"}, {"style", "me_style"}, ctx.api_base,
                internal::PersonalPageData(page, ctx, ParseLang(ctx.lang)));
}

}  // namespace qrcloud::web
