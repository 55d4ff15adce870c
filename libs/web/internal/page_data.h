// The mustache data the page templates are rendered with, built from the
// campaign and merchant protos (a person's pages carry UI strings only). Not
// part of the public API.
//
// Every value here reaches the page through {{ }} (HTML-escaped) except the
// three the templates stitch in with {{{ }}}: "style" and "script" (the
// embedded CSS and script, never user content) and "script_json" (built with
// ScriptJsonObject, which escapes < > & U+2028 U+2029). URLs taken from user
// content are reduced to http(s) URLs, same-origin paths or media ids before
// they reach an href or src, so no javascript: or data: URL gets through.
#ifndef QRCLOUD_LIBS_WEB_INTERNAL_PAGE_DATA_H_
#define QRCLOUD_LIBS_WEB_INTERNAL_PAGE_DATA_H_

#include <optional>
#include <string>

#include <kainjow/mustache.hpp>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/web/pages.h"
#include "libs/web/ui_strings.h"

namespace qrcloud::web::internal {

// Campaign page data. INVALID_ARGUMENT naming "externalUrl" when mode
// EXTERNAL lacks an http(s) external_url.
absl::StatusOr<kainjow::mustache::data> CampaignPageData(const PageContext& ctx, Lang lang);

kainjow::mustache::data MerchantCardData(const qrcloud::v1::Merchant& m, Lang lang,
                                         const std::string& page_url);

// A person's page: the same for everyone (no personal data), the nav
// between the pages, and the strings me.js shows: "t" (both languages in
// one string, for messages) and "u" ({"t", "s"}: the page's language and the
// other, for elements).
kainjow::mustache::data PersonalPageData(PersonalPage page, const PersonalPageContext& ctx,
                                         Lang lang);

// Adds "style", "script" and the Content-Security-Policy "csp" that allows
// exactly those two (by SHA-256 hash), images from anywhere, and fetches to
// the page's origin and `api_base`'s. `script` is the concatenated text of
// the page's script files.
void AddAssets(absl::string_view style, absl::string_view script, absl::string_view api_base,
               kainjow::mustache::data* page);

// An image reference from user content as a src: an http(s) URL or a
// same-origin path as is, a bare media id as "/media/<id>", anything else
// nullopt.
std::optional<std::string> ImageSrc(absl::string_view ref);

// RFC 3986 percent-encoding of everything but the unreserved characters.
std::string PercentEncode(absl::string_view text);

}  // namespace qrcloud::web::internal

#endif  // QRCLOUD_LIBS_WEB_INTERNAL_PAGE_DATA_H_
