// The automatic checks run on every submission before a person sees it, and
// the policy that turns their findings into a verdict (docs/audit.md).
//
// A check yields findings. REJECT means the submission breaks a rule the
// merchant must fix (the message says what is wrong and what is accepted, and
// is what the merchant reads); REVIEW means something an auditor should look
// at before it goes live.
#ifndef QRCLOUD_SERVICES_AUDIT_RULES_H_
#define QRCLOUD_SERVICES_AUDIT_RULES_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "qrcloud/v1/audit.pb.h"
#include "qrcloud/v1/campaign.pb.h"
#include "qrcloud/v1/merchant.pb.h"
#include "qrcloud/v1/social.pb.h"
#include "services/audit/banned_words.h"

namespace qrcloud::audit {

enum class Severity { kReject, kReview };

struct Finding {
  Severity severity;
  // "<field>: <what is wrong>", e.g. `title: is required`.
  std::string message;

  // "REJECT <message>" or "REVIEW <message>", as AuditTask.findings shows it.
  std::string ToString() const;
  friend bool operator==(const Finding&, const Finding&) = default;
};

struct RuleOptions {
  BannedWords banned_words;
  // Video links must be on one of these hosts (or a subdomain of one).
  std::vector<std::string> video_hosts;
  // The gateway's public base URL: images must be platform media under
  // <public_url>/media/<id>.
  std::string public_url = "http://localhost:8080";
};

// Above these, a campaign goes to an auditor.
inline constexpr int64_t kReviewPriceMinor = 100'000'00;  // 100,000 CNY in fen
inline constexpr int64_t kReviewStock = 1'000'000;
inline constexpr char kTemplates[][10] = {"showcase", "coupon", "menu", "event"};

class Rules {
 public:
  explicit Rules(RuleOptions options) : options_(std::move(options)) {}

  // The business licence: a GB 32100 credit code, a legal name, and no
  // prohibited word in the legal or display name.
  std::vector<Finding> CheckQualification(const v1::Merchant& merchant) const;

  // Required fields and their ranges, links, prohibited words, and the
  // price, stock and media an auditor should confirm. `now` decides whether
  // the end time has passed.
  std::vector<Finding> CheckCampaign(const v1::Campaign& campaign, absl::Time now) const;
  // A request for landing business: an approved qualification, and the
  // shop's location and address (the node runs in the shop).
  std::vector<Finding> CheckLandingRequest(const v1::Merchant& merchant) const;
  // An edit of what a merchant's pages show: no prohibited word in its name
  // or description, and a website that is a public site.
  std::vector<Finding> CheckProfile(const v1::Merchant& merchant) const;

  // What people write (the personal service's reviews, shares and
  // comments): no prohibited word however spelt, links only to public
  // sites, images only uploaded to the platform.
  std::vector<Finding> CheckReview(const v1::Review& review) const;
  std::vector<Finding> CheckShare(const v1::Share& share) const;
  std::vector<Finding> CheckComment(const v1::Comment& comment) const;
  // A report of a visible review or share: a person decides, whatever the
  // checks find (a REVIEW finding with the reporter's reason, beside them).
  std::vector<Finding> CheckReport(const v1::ContentReport& report) const;

  const RuleOptions& options() const { return options_; }

 private:
  void CheckWords(absl::string_view field, absl::string_view text, std::vector<Finding>& out) const;
  void CheckLink(absl::string_view field, absl::string_view url, std::vector<Finding>& out) const;
  void CheckVideo(absl::string_view field, absl::string_view url, std::vector<Finding>& out) const;
  void CheckImage(absl::string_view field, absl::string_view url, std::vector<Finding>& out) const;

  RuleOptions options_;
};

// The outcome the policy gives a set of findings.
struct Verdict {
  // APPROVED, REJECTED or QUEUED.
  v1::AuditTask::State state;
  // For REJECTED: the REJECT messages. For QUEUED: why a person must look.
  std::vector<std::string> reasons;
};

// Any REJECT: rejected with those reasons. Otherwise any REVIEW: queued for
// an auditor. Otherwise approved, or queued when `auto_approve` is off.
Verdict Decide(const std::vector<Finding>& findings, bool auto_approve);

// True if `host` is one of `allowed` or a subdomain of one.
bool HostAllowed(absl::string_view host, const std::vector<std::string>& allowed);

}  // namespace qrcloud::audit

#endif  // QRCLOUD_SERVICES_AUDIT_RULES_H_
