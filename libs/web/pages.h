// The platform's mobile pages: a published campaign's page and a merchant's
// electronic business card (企业电子二维码信息名片), served by the gateway at
// /m/{slug}, and a person's own pages (wallet, reminders, feed) at
// /me/{page}, rendered from the mustache templates in libs/web/templates,
// which are compiled into the library.
//
// Every page is one self-contained HTML document: inline CSS and script, no
// framework, no external resource but the campaign's own images, both
// Chinese and English for every UI string, and every user-supplied string
// HTML-escaped (JSON-escaped inside the script's data block). See
// docs/pages.md for what each template shows and the API calls an order page
// makes.
#ifndef QRCLOUD_LIBS_WEB_PAGES_H_
#define QRCLOUD_LIBS_WEB_PAGES_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
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
  // Whether the page asks for the campaign's reviews (GET
  // /v1/campaigns/{id}/reviews): false where the personal front is off.
  bool reviews = true;
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

// A person's own pages, served by qrcloud-personal at /me/{page}.
enum class PersonalPage { kWallet, kReminders, kFeed };

// "wallet", "reminders" or "feed" (exactly); nullopt for anything else.
std::optional<PersonalPage> ParsePersonalPage(absl::string_view name);

// The page's name in its path: /me/<name>.
absl::string_view PersonalPageName(PersonalPage page);

struct PersonalPageContext {
  // As PageContext::lang.
  std::string lang;
  // As PageContext::api_base.
  std::string api_base;
  // The platform's public base URL: images in shares are shown only when
  // they are platform media (/media/<id>) on its origin or the page's own.
  std::string public_url;
};

// A person's page: a header with sign-out, a nav between the three pages,
// the sign-in form (shown when there is no session), and an empty list that
// its script fills from the REST API (/v1/me/wallet with remove buttons,
// /v1/me/reminders with the live /v1/me/reminders:watch stream, /v1/me/feed
// with comments), page after page. The HTML holds no personal data: it is
// the same for everyone, for each page and language.
absl::StatusOr<std::string> RenderPersonalPage(PersonalPage page, const PersonalPageContext& ctx);

}  // namespace qrcloud::web

#endif  // QRCLOUD_LIBS_WEB_PAGES_H_
