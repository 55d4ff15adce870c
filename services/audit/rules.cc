#include "services/audit/rules.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "libs/core/credit_code.h"
#include "libs/core/ids.h"
#include "libs/core/money.h"
#include "libs/core/proto_time.h"
#include "libs/core/validate.h"
#include "libs/text/hosts.h"

namespace qrcloud::audit {
namespace {

constexpr char kCny[] = "CNY";

void Reject(std::vector<Finding>& out, std::string message) {
  out.push_back({Severity::kReject, std::move(message)});
}

void Review(std::vector<Finding>& out, std::string message) {
  out.push_back({Severity::kReview, std::move(message)});
}

// Adds the message of a failed core validation as a REJECT.
void RejectIfError(std::vector<Finding>& out, const absl::Status& s) {
  if (!s.ok()) Reject(out, std::string(s.message()));
}

// The part of an http(s) URL between "//" and the path, lower case.
std::string Authority(absl::string_view url) {
  const size_t scheme_end = url.find("://");
  if (scheme_end == absl::string_view::npos) return "";
  absl::string_view rest = url.substr(scheme_end + 3);
  return absl::AsciiStrToLower(rest.substr(0, rest.find_first_of("/?#")));
}

// The path of an http(s) URL, without query or fragment.
absl::string_view UrlPath(absl::string_view url) {
  const size_t scheme_end = url.find("://");
  if (scheme_end == absl::string_view::npos) return "";
  absl::string_view rest = url.substr(scheme_end + 3);
  const size_t slash = rest.find('/');
  if (slash == absl::string_view::npos) return "";
  absl::string_view path = rest.substr(slash);
  return path.substr(0, path.find_first_of("?#"));
}

// "/media/<id>" with a non-empty id and nothing after it.
bool IsMediaPath(absl::string_view path) {
  if (!absl::ConsumePrefix(&path, "/media/")) return false;
  return !path.empty() && path.find('/') == absl::string_view::npos;
}

bool KnownTemplate(absl::string_view name) {
  for (const char* t : kTemplates) {
    if (name == t) return true;
  }
  return false;
}

std::string TemplateList() {
  std::vector<std::string> names(std::begin(kTemplates), std::end(kTemplates));
  return absl::StrJoin(names, ", ");
}

std::string Cny(int64_t minor) {
  auto money = core::Money::Of(kCny, minor);
  return money.ok() ? money->ToString() : absl::StrCat(minor, " fen");
}

// The steps of CheckCampaign that need no options: each adds its findings.

void CheckRequired(const v1::Campaign& c, std::vector<Finding>& out) {
  RejectIfError(out, core::ValidateText("title", absl::StripAsciiWhitespace(c.title()), 1, 60));
  RejectIfError(out, core::ValidateText("description", c.description(), 0, 2000));
  if (c.mode() == v1::Campaign::MODE_UNSPECIFIED) {
    Reject(out, "mode: is required: SHOWCASE, ORDER or EXTERNAL");
  }
  if (c.template_().empty()) {
    Reject(out, absl::StrCat("template: is required: one of ", TemplateList()));
  } else if (!KnownTemplate(c.template_())) {
    Reject(out, absl::StrCat("template: must be one of ", TemplateList(), " (got \"", c.template_(),
                             "\")"));
  }
  if (c.mode() == v1::Campaign::EXTERNAL && c.external_url().empty()) {
    Reject(out, "externalUrl: is required for mode EXTERNAL");
  }
}

void CheckPrice(const v1::Campaign& c, std::vector<Finding>& out) {
  // An empty price object (as the center stores a campaign without one) is
  // no price.
  const bool priced = c.has_price() && !(c.price().currency().empty() && c.price().minor() == 0);
  if (c.mode() == v1::Campaign::ORDER && !priced) {
    Reject(out,
           "price: is required for mode ORDER ({\"currency\":\"CNY\",\"minor\":\"0\"} for a free "
           "claim)");
  }
  if (!priced) return;
  if (c.price().currency() != kCny) {
    Reject(out, absl::StrCat("price.currency: must be CNY (got \"", c.price().currency(), "\")"));
  } else if (c.price().minor() < 0) {
    Reject(out, "price.minor: must be 0 (a free claim) or more");
  } else if (c.price().minor() > kReviewPriceMinor) {
    Review(out, absl::StrCat("price.minor: ", Cny(c.price().minor()), " is above ",
                             Cny(kReviewPriceMinor), "; an auditor confirms the price"));
  }
}

void CheckQuantities(const v1::Campaign& c, std::vector<Finding>& out) {
  if (c.stock() < 0) {
    Reject(out, "stock: must be 0 (unlimited) or more");
  } else if (c.stock() > kReviewStock) {
    Review(out, absl::StrCat("stock: ", c.stock(), " is above ", kReviewStock,
                             "; an auditor confirms it"));
  }
  if (c.per_person_limit() < 0) {
    Reject(out, "perPersonLimit: must be 0 (no limit) or more");
  } else if (c.stock() > 0 && c.per_person_limit() > c.stock()) {
    Review(out, absl::StrCat("perPersonLimit: ", c.per_person_limit(), " is more than the stock (",
                             c.stock(), "); an auditor confirms it"));
  }
}

void CheckTimesAndPlace(const v1::Campaign& c, absl::Time now, std::vector<Finding>& out) {
  if (c.has_start_time() && c.has_end_time() &&
      core::FromProto(c.end_time()) <= core::FromProto(c.start_time())) {
    Reject(out, "endTime: must be after startTime");
  }
  if (c.has_end_time() && core::FromProto(c.end_time()) <= now) {
    Reject(out, absl::StrCat("endTime: has already passed (",
                             absl::FormatTime(absl::RFC3339_sec, core::FromProto(c.end_time()),
                                              absl::UTCTimeZone()),
                             "); choose a time in the future"));
  }
  if (c.has_fence()) {
    if (c.fence().radius_m() <= 0 || c.fence().radius_m() > 100000) {
      Reject(out, "fence.radiusM: must be 1 to 100000 metres");
    }
    RejectIfError(out, core::ValidateLatLng("fence.origin", c.fence().origin().lat(),
                                            c.fence().origin().lng()));
  }
}

}  // namespace

std::string Finding::ToString() const {
  return absl::StrCat(severity == Severity::kReject ? "REJECT " : "REVIEW ", message);
}

bool HostAllowed(absl::string_view host, const std::vector<std::string>& allowed) {
  for (const std::string& a : allowed) {
    if (host == a || (host.size() > a.size() && absl::EndsWith(host, a) &&
                      host[host.size() - a.size() - 1] == '.')) {
      return true;
    }
  }
  return false;
}

void Rules::CheckWords(absl::string_view field, absl::string_view text,
                       std::vector<Finding>& out) const {
  if (auto word = options_.banned_words.Find(text)) {
    Reject(out, absl::StrCat(field, ": contains the prohibited word \"", *word, "\""));
  }
}

void Rules::CheckLink(absl::string_view field, absl::string_view url,
                      std::vector<Finding>& out) const {
  // The same rule as for a code's target: nowhere but a public site.
  if (absl::Status s = text::ValidateOutboundLink(field, url); !s.ok()) {
    Reject(out, std::string(s.message()));
  }
}

void Rules::CheckVideo(absl::string_view field, absl::string_view url,
                       std::vector<Finding>& out) const {
  const size_t before = out.size();
  CheckLink(field, url, out);
  if (out.size() != before) return;
  const std::string host = core::UrlHost(url);
  if (!HostAllowed(host, options_.video_hosts)) {
    Review(out, absl::StrCat(
                    field, ": videos from ", host, " are not on the list of known video sites (",
                    absl::StrJoin(options_.video_hosts, ", "), "); an auditor checks the link"));
  }
}

void Rules::CheckImage(absl::string_view field, absl::string_view url,
                       std::vector<Finding>& out) const {
  // A media id from UploadMedia, or its path on the gateway, or its URL
  // there (whatever the public URL is, an address in a test included).
  if (core::IsValidId(url) || IsMediaPath(url)) return;
  if (Authority(url) == Authority(options_.public_url) && IsMediaPath(UrlPath(url))) return;
  const size_t before = out.size();
  CheckLink(field, url, out);
  if (out.size() != before) return;
  if (Authority(url) != Authority(options_.public_url) || !IsMediaPath(UrlPath(url))) {
    Review(out, absl::StrCat(field, ": is not an uploaded image (", options_.public_url,
                             "/media/<id>); an auditor checks the picture"));
  }
}

std::vector<Finding> Rules::CheckQualification(const v1::Merchant& merchant) const {
  std::vector<Finding> out;
  const v1::Qualification& q = merchant.qualification();
  RejectIfError(out, core::ValidateCreditCode(q.license_number(), "licenseNumber"));
  const absl::string_view legal_name = absl::StripAsciiWhitespace(q.legal_name());
  if (legal_name.empty()) {
    Reject(out, "legalName: is required: the name on the business licence");
  }
  CheckWords("legalName", legal_name, out);
  CheckWords("displayName", merchant.display_name(), out);
  if (q.other_holders() > 0) {
    Review(out, absl::StrCat("licenseNumber: ", q.other_holders(),
                             " other merchant(s) submitted or hold this licence; an auditor "
                             "checks whose it is"));
  }
  return out;
}

std::vector<Finding> Rules::CheckLandingRequest(const v1::Merchant& merchant) const {
  std::vector<Finding> out;
  if (merchant.qualification().state() != v1::Qualification::APPROVED) {
    Reject(out, "qualification: must be approved before landing business");
  }
  if (!merchant.has_location() || absl::StripAsciiWhitespace(merchant.address()).empty()) {
    Reject(out,
           "location: the shop's location and address are needed for an on-premise node "
           "(PUT /v1/merchants/{id}/location)");
  }
  CheckWords("displayName", merchant.display_name(), out);
  return out;
}

std::vector<Finding> Rules::CheckProfile(const v1::Merchant& merchant) const {
  std::vector<Finding> out;
  CheckWords("displayName", merchant.display_name(), out);
  CheckWords("description", merchant.description(), out);
  if (!merchant.website_url().empty()) CheckLink("websiteUrl", merchant.website_url(), out);
  return out;
}

std::vector<Finding> Rules::CheckReview(const v1::Review& review) const {
  std::vector<Finding> out;
  CheckWords("text", review.text(), out);
  for (int i = 0; i < review.image_urls_size(); ++i) {
    CheckImage(absl::StrCat("imageUrls[", i, "]"), review.image_urls(i), out);
  }
  return out;
}

std::vector<Finding> Rules::CheckShare(const v1::Share& share) const {
  std::vector<Finding> out;
  CheckWords("text", share.text(), out);
  for (int i = 0; i < share.links_size(); ++i) {
    CheckLink(absl::StrCat("links[", i, "]"), share.links(i), out);
  }
  for (int i = 0; i < share.image_urls_size(); ++i) {
    CheckImage(absl::StrCat("imageUrls[", i, "]"), share.image_urls(i), out);
  }
  return out;
}

std::vector<Finding> Rules::CheckComment(const v1::Comment& comment) const {
  std::vector<Finding> out;
  CheckWords("text", comment.text(), out);
  return out;
}

std::vector<Finding> Rules::CheckReport(const v1::ContentReport& report) const {
  std::vector<Finding> out =
      report.has_review() ? CheckReview(report.review()) : CheckShare(report.share());
  Review(out, absl::StrCat("reported by a person: ", report.reason()));
  return out;
}

std::vector<Finding> Rules::CheckCampaign(const v1::Campaign& c, absl::Time now) const {
  std::vector<Finding> out;
  CheckRequired(c, out);
  CheckPrice(c, out);
  CheckQuantities(c, out);
  CheckTimesAndPlace(c, now, out);

  // Links.
  if (!c.external_url().empty()) CheckLink("externalUrl", c.external_url(), out);
  for (int i = 0; i < c.video_urls_size(); ++i) {
    CheckVideo(absl::StrCat("videoUrls[", i, "]"), c.video_urls(i), out);
  }
  for (int i = 0; i < c.image_urls_size(); ++i) {
    CheckImage(absl::StrCat("imageUrls[", i, "]"), c.image_urls(i), out);
  }

  // Words.
  CheckWords("title", c.title(), out);
  CheckWords("description", c.description(), out);
  for (int i = 0; i < c.tags_size(); ++i) CheckWords(absl::StrCat("tags[", i, "]"), c.tags(i), out);
  for (int i = 0; i < c.menu_items_size(); ++i) {
    CheckWords(absl::StrCat("menuItems[", i, "].name"), c.menu_items(i).name(), out);
    CheckWords(absl::StrCat("menuItems[", i, "].description"), c.menu_items(i).description(), out);
  }
  return out;
}

Verdict Decide(const std::vector<Finding>& findings, bool auto_approve) {
  Verdict v{v1::AuditTask::APPROVED, {}};
  for (const Finding& f : findings) {
    if (f.severity == Severity::kReject) v.reasons.push_back(f.message);
  }
  if (!v.reasons.empty()) {
    v.state = v1::AuditTask::REJECTED;
    return v;
  }
  for (const Finding& f : findings) {
    if (f.severity == Severity::kReview) v.reasons.push_back(f.message);
  }
  if (!v.reasons.empty() || !auto_approve) {
    v.state = v1::AuditTask::QUEUED;
    if (v.reasons.empty())
      v.reasons.push_back("automatic approval is off: every submission is reviewed");
  }
  return v;
}

}  // namespace qrcloud::audit
