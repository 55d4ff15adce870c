// The platform's mobile pages (served by the gateway at /m/{slug}): a
// published campaign's page and a merchant's electronic business card
// (企业电子二维码信息名片), rendered from the mustache templates in
// libs/web/templates, which are compiled into the library.
//
// Every page is one self-contained HTML document: inline CSS and script, no
// framework, no external resource but the campaign's own images, both
// Chinese and English for every UI string, and every user-supplied string
// HTML-escaped (JSON-escaped inside the script's data block). See
// docs/pages.md for what each template shows and the API calls an order page
// makes.
#ifndef QRCLOUD_LIBS_WEB_PAGES_H_
#define QRCLOUD_LIBS_WEB_PAGES_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "qrcloud/v1/campaign.pb.h"
#include "qrcloud/v1/merchant.pb.h"

namespace qrcloud::web {

// Everything a campaign page is rendered from.
struct PageContext {
  qrcloud::v1::Campaign campaign;
  qrcloud::v1::Merchant merchant;
  // "zh" (the default; also for "" and anything unrecognised) or "en": the
  // language shown first. The other language follows every UI string.
  std::string lang;
  // Prefix for the REST calls the page's script makes: "" for the page's own
  // origin, or e.g. "https://api.example.com" (a trailing "/" is dropped).
  std::string api_base;
  // The page's absolute URL, for the share button and the og:/canonical tags.
  std::string page_url;
};

// A template a merchant can pick (PageService.ListTemplates).
struct TemplateInfo {
  std::string name;
  // "Chinese / English".
  std::string title;
  std::string description;
  // The campaign modes it suits: "SHOWCASE", "ORDER", "EXTERNAL". Empty for
  // "card", which is the merchant's business card, not a campaign template.
  std::vector<std::string> modes;
};

// showcase, coupon, menu, event and card, in that order.
std::vector<TemplateInfo> Templates();

// The page of `ctx.campaign`, from the template named by campaign.template()
// ("" means showcase). Mode ORDER adds the order flow (sign-in, quantity,
// location when fenced, receipt); EXTERNAL adds a prominent link to
// external_url; SHOWCASE and MODE_UNSPECIFIED show the offer only.
// INVALID_ARGUMENT naming "template" for an unknown template (or "card"), and
// naming "externalUrl" when mode EXTERNAL has no http(s) external_url.
absl::StatusOr<std::string> RenderCampaignPage(const PageContext& ctx);

// The merchant's business card: name, description, phone (tel: link),
// e-mail, address with a map link, website, a share button and a "save
// contact" link carrying VCard(m, page_url) as a data: URL.
absl::StatusOr<std::string> RenderMerchantCard(const qrcloud::v1::Merchant& m,
                                               const std::string& lang,
                                               const std::string& page_url);

}  // namespace qrcloud::web

#endif  // QRCLOUD_LIBS_WEB_PAGES_H_
