// The partner subsystem's rules, apart from storage and transport: protos
// in, statuses and decisions out, tested without a database
// (partner_rules_test.cc). docs/partners.md says why each rule is so.
//
// Invariants the rules keep:
//  - terms are whole minor units, never negative, in one currency; a share
//    of order value is at most 100% (kMaxShareBps);
//  - a scan is valid only on an APPROVED partner's placement and only when
//    the scan path's counting rule calls it unique for that placement
//    (libs/core/scan_counting.h);
//  - an order goes to at most one placement: the one whose valid scan the
//    same buyer made last, at the order's merchant, within
//    kAttributionWindow before the order.
#ifndef QRCLOUD_SERVICES_PARTNER_PARTNER_RULES_H_
#define QRCLOUD_SERVICES_PARTNER_PARTNER_RULES_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/auth/access.h"
#include "libs/auth/principal.h"
#include "libs/core/money.h"
#include "libs/core/scan_counting.h"
#include "libs/core/scan_event.h"
#include "qrcloud/v1/order.pb.h"
#include "qrcloud/v1/partner.pb.h"

namespace qrcloud::partner {

inline constexpr int kMaxShareBps = 10000;  // 100% of the order's value
inline constexpr int kMaxHoldingDays = 365;
inline constexpr char kDefaultCurrency[] = "CNY";
inline constexpr absl::Duration kAttributionWindow = absl::Hours(24 * 7);
inline constexpr int kMinPlatformCode = 3;
inline constexpr int kMaxPlatformCode = 32;

// The terms as kept: currencies filled in (kDefaultCurrency, or cpc's for
// min_payout), or INVALID_ARGUMENT naming the first wrong field under
// `prefix` ("terms.cpc.minor", "terms.cpsBps", "terms.holdingDays",
// "terms.minPayout.minor", "terms.minPayout.currency", ...).
absl::StatusOr<v1::PartnerTerms> NormalizeTerms(absl::string_view prefix,
                                                const v1::PartnerTerms& terms);

// A platform code as kept (lower case), or INVALID_ARGUMENT naming
// platformCode: 3 to 32 of a-z, 0-9, '-', '_' (a subset of what the scan
// path accepts in ?p=).
absl::StatusOr<std::string> NormalizePlatformCode(absl::string_view code);

// The partner id `id` stands for: "me" is the calling partner's own.
std::string ResolvePartnerId(const auth::Principal& p, absl::string_view id);

// Partner data: the partner's own account reads and writes; administrators
// do both. Everyone else: NOT_FOUND, worded as for a partner that does not
// exist.
absl::Status CheckPartnerAccess(const auth::Principal& p, absl::string_view partner_id);
absl::Status PartnerNotFound(absl::string_view partner_id);

// Only APPROVED partners place codes.
absl::Status CheckMayPlace(const v1::Partner& partner);

// The link of a placement: the code's short URL with ?p=<platform code>.
std::string PlacementLink(absl::string_view short_url, absl::string_view platform_code);

// The HTML snippet for a web page: `png` (the code's image) inline as a
// data: URI, inside a link to `link`, `title` as its alternative text; all
// of it escaped for HTML.
std::string EmbedHtml(absl::string_view link, absl::string_view png, absl::string_view title);

// Whether a scan of an `partner_state` partner's placement is valid (paid):
// the partner is APPROVED and the scan is unique for the placement under
// the scan path's counting rule, given what the placement saw within the
// window before it.
bool IsValidScan(const core::ScanEvent& event, v1::Partner::State partner_state,
                 const core::WindowHistory& history);

// A valid scan, as attribution looks at it.
struct ValidScan {
  std::string event_id;
  std::string partner_id;
  std::string placement_id;
  std::string merchant_id;
  std::string account;  // the signed-in person who scanned, or ""
  int64_t time_ms = 0;
  std::string device;  // the scan path's key of the phone (address and user agent)
};

// The earliest time a valid scan may have for `order` to be attributed to
// it, and the latest (the order's own time).
absl::Time AttributionFrom(const v1::Order& order);
absl::Time AttributionTo(const v1::Order& order);

// The valid scan `order` is attributed to, among `candidates` (any order):
// the latest one made by the order's buyer at the order's merchant within
// kAttributionWindow before the order, on a partner `approved` says is
// APPROVED. The buyer made a scan when it was signed in as the order's
// account, or when it came from `device`, the device the order was placed
// from (the same phone before signing in; "" when unknown). None for an
// order without a buyer account (a landing table's).
// Self-orders: the center takes orders from PERSON accounts only, so the
// merchant's own accounts (owner, staff) never buy, and a scan carries the
// account of a signed-in PERSON only; the buyer must be the scanner.
std::optional<ValidScan> Attribute(const v1::Order& order, absl::string_view device,
                                   const std::vector<ValidScan>& candidates,
                                   const std::function<bool(const std::string&)>& approved);

// The partner's share of `total`: `cps_bps` basis points, rounded half away
// from zero (core::Money::Share).
absl::StatusOr<core::Money> CpsOf(const v1::Money& total, int cps_bps);

// A period "YYYY-MM" as [start, end) in UTC; "" is the month of `now`.
// INVALID_ARGUMENT naming period otherwise.
struct Period {
  std::string name;
  absl::Time start;
  absl::Time end;
};
absl::StatusOr<Period> ParsePeriod(absl::string_view period, absl::Time now);

// "YYYY-MM-DD" of `t` in UTC.
std::string DayOf(absl::Time t);

}  // namespace qrcloud::partner

#endif  // QRCLOUD_SERVICES_PARTNER_PARTNER_RULES_H_
