#include "services/center/page_logic.h"

#include "absl/strings/str_cat.h"
#include "libs/core/ids.h"
#include "libs/core/log.h"
#include "libs/core/slug.h"
#include "libs/core/status.h"
#include "libs/core/subsystems.h"
#include "libs/web/pages.h"
#include "libs/web/vcard.h"
#include "services/center/merchant_stats.h"

namespace qrcloud::center {
namespace {

constexpr absl::Duration kPageTtl = absl::Hours(24);
// A page that shows stock left (an order page with limited stock) is kept
// only this long: orders and cancellations change the number, and a page
// saying "10 left" after the last one sold misleads.
constexpr absl::Duration kLiveStockPageTtl = absl::Seconds(5);

absl::Duration PageTtl(const v1::Campaign& c) {
  const bool shows_stock = c.mode() == v1::Campaign::ORDER && c.stock() > 0;
  return shows_stock ? kLiveStockPageTtl : kPageTtl;
}

std::string Lang(const std::string& lang) { return lang == "en" ? "en" : "zh"; }

std::string SlugOf(const v1::Campaign& c) {
  return c.page_url().substr(c.page_url().rfind('/') + 1);
}

// The page for a campaign that stopped taking visitors.
std::string Notice(absl::string_view zh, absl::string_view en) {
  return absl::StrCat(
      "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
      "content=\"width=device-width,initial-scale=1\"><title>",
      zh,
      "</title><style>body{font-family:system-ui,"
      "sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}</style></head><body><main><h1>",
      zh, "</h1><p lang=\"en\">", en, "</p></main></body></html>");
}

}  // namespace

absl::Status PageLogic::ListTemplates(const rpc::CallContext&, const v1::ListTemplatesRequest&,
                                      v1::ListTemplatesResponse& resp) {
  for (const auto& t : web::Templates()) {
    auto* out = resp.add_templates();
    out->set_name(t.name);
    out->set_title(t.title);
    out->set_description(t.description);
    for (const auto& m : t.modes) out->add_modes(m);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> PageLogic::Render(const v1::Campaign& c, const std::string& lang) {
  if (c.state() == v1::Campaign::ENDED) return Notice("活动已结束", "This offer has ended.");
  if (c.state() == v1::Campaign::PAUSED)
    return Notice("活动暂停中", "This offer is paused for now.");
  web::PageContext ctx;
  ctx.campaign = c;
  QRCLOUD_ASSIGN_OR_RETURN(ctx.merchant, merchants_.Get(c.merchant_id()));
  ctx.lang = lang;
  ctx.page_url = c.page_url();
  ctx.reviews = core::CheckSubsystemEnabled(core::Subsystem::kPersonalFront).ok();
  return web::RenderCampaignPage(ctx);
}

absl::Status PageLogic::Refresh(const v1::Campaign& c) {
  if (c.page_url().empty()) return absl::OkStatus();
  std::vector<RenderedPage> pages;
  for (const std::string lang : {"zh", "en"}) {
    QRCLOUD_ASSIGN_OR_RETURN(std::string html, Render(c, lang));
    pages.push_back({SlugOf(c), lang, std::move(html), PageTtl(c)});
  }
  return pages_.Put(pages);
}

absl::Status PageLogic::GetPage(const rpc::CallContext& call, const v1::GetPageRequest& req,
                                google::api::HttpBody& resp) {
  (void)call;
  const std::string lang = Lang(req.lang());
  resp.set_content_type("text/html; charset=utf-8");
  if (core::IsValidId(req.slug())) {
    // A merchant's business card: public once the platform has checked
    // the merchant's licence, not before.
    QRCLOUD_ASSIGN_OR_RETURN(v1::Merchant merchant, PublicMerchant(req.slug()));
    QRCLOUD_ASSIGN_OR_RETURN(*resp.mutable_data(),
                             web::RenderMerchantCard(merchant, lang, PageUrl(req.slug())));
    return absl::OkStatus();
  }
  const auto slug = core::NormalizeSlug(req.slug());
  if (!slug) return absl::NotFoundError(absl::StrCat("no page at /m/", req.slug()));
  auto cached = pages_.Get(*slug, lang);
  if (cached.ok() && cached->has_value()) {
    *resp.mutable_data() = **std::move(cached);
  } else {
    QRCLOUD_ASSIGN_OR_RETURN(CampaignRecord rec, campaigns_.GetByPageSlug(*slug));
    QRCLOUD_ASSIGN_OR_RETURN(*resp.mutable_data(), Render(rec.campaign, lang));
    (void)pages_.Put({{*slug, lang, resp.data(), PageTtl(rec.campaign)}});
  }
  // Page views for the merchant's statistics, counted by the page's slug.
  pages_.CountView(*slug, ShanghaiDay(clock_.Now()));
  return absl::OkStatus();
}

absl::StatusOr<v1::Merchant> PageLogic::PublicMerchant(absl::string_view id) {
  auto m = merchants_.Get(id);
  if (absl::IsNotFound(m.status()) ||
      (m.ok() && m->qualification().state() != v1::Qualification::APPROVED)) {
    return absl::NotFoundError(absl::StrCat("no page at /m/", id));
  }
  return m;
}

absl::Status PageLogic::GetMerchantCard(const rpc::CallContext& call,
                                        const v1::GetMerchantCardRequest& req,
                                        v1::MerchantCard& resp) {
  (void)call;
  QRCLOUD_ASSIGN_OR_RETURN(v1::Merchant m, PublicMerchant(req.merchant_id()));
  resp.set_merchant_id(m.id());
  resp.set_display_name(m.display_name());
  resp.set_page_url(PageUrl(m.id()));
  resp.set_vcard(web::VCard(m, resp.page_url()));
  return absl::OkStatus();
}

}  // namespace qrcloud::center
