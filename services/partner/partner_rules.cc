#include "services/partner/partner_rules.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/core/encoding.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"

namespace qrcloud::partner {
namespace {

using auth::Role;

bool IsCurrency(absl::string_view c) {
  return c.size() == 3 && std::all_of(c.begin(), c.end(), absl::ascii_isupper);
}

}  // namespace

absl::StatusOr<v1::PartnerTerms> NormalizeTerms(absl::string_view prefix,
                                                const v1::PartnerTerms& terms) {
  const std::string p(prefix);
  v1::PartnerTerms out = terms;
  if (out.cpc().currency().empty()) out.mutable_cpc()->set_currency(kDefaultCurrency);
  if (!IsCurrency(out.cpc().currency())) {
    return core::InvalidField(p + ".cpc.currency", "is an ISO 4217 code such as \"CNY\"");
  }
  if (out.cpc().minor() < 0) {
    return core::InvalidField(p + ".cpc.minor",
                              "the price per valid scan is a whole number of minor units (fen), "
                              "0 or more");
  }
  if (out.cps_bps() < 0 || out.cps_bps() > kMaxShareBps) {
    return core::InvalidField(p + ".cpsBps",
                              absl::StrCat("the share of order value is 0 to ", kMaxShareBps,
                                           " basis points (100%); got ", out.cps_bps()));
  }
  if (out.holding_days() < 0 || out.holding_days() > kMaxHoldingDays) {
    return core::InvalidField(p + ".holdingDays",
                              absl::StrCat("is 0 to ", kMaxHoldingDays, " days"));
  }
  if (out.min_payout().currency().empty()) {
    out.mutable_min_payout()->set_currency(out.cpc().currency());
  }
  if (out.min_payout().currency() != out.cpc().currency()) {
    return core::InvalidField(p + ".minPayout.currency",
                              absl::StrCat("must be the price's currency, ", out.cpc().currency()));
  }
  if (out.min_payout().minor() < 0) {
    return core::InvalidField(p + ".minPayout.minor",
                              "is a whole number of minor units (fen), 0 or more");
  }
  return out;
}

absl::StatusOr<std::string> NormalizePlatformCode(absl::string_view code) {
  const std::string lower = absl::AsciiStrToLower(code);
  const bool chars_ok = std::all_of(lower.begin(), lower.end(), [](char c) {
    return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-' || c == '_';
  });
  if (!chars_ok || lower.size() < kMinPlatformCode || lower.size() > kMaxPlatformCode) {
    return core::InvalidField("platformCode",
                              absl::StrCat("is ", kMinPlatformCode, " to ", kMaxPlatformCode,
                                           " of a-z, 0-9, '-' and '_', e.g. \"weibo\""));
  }
  return lower;
}

std::string ResolvePartnerId(const auth::Principal& p, absl::string_view id) {
  if (id == "me") return p.partner_id;
  return std::string(id);
}

absl::Status PartnerNotFound(absl::string_view partner_id) {
  return absl::NotFoundError(absl::StrCat("partner ", partner_id.substr(0, 40), " not found"));
}

absl::Status CheckPartnerAccess(const auth::Principal& p, absl::string_view partner_id) {
  if (p.Has(Role::kAdmin)) return absl::OkStatus();
  if (p.Has(Role::kPartner) && !p.partner_id.empty() && p.partner_id == partner_id) {
    return absl::OkStatus();
  }
  return PartnerNotFound(partner_id);
}

absl::Status CheckMayPlace(const v1::Partner& partner) {
  if (partner.state() == v1::Partner::APPROVED) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat("partner ", partner.id(), " is ",
                                                    v1::Partner::State_Name(partner.state()),
                                                    "; only an approved partner places codes"));
}

std::string PlacementLink(absl::string_view short_url, absl::string_view platform_code) {
  return absl::StrCat(short_url, "?p=", platform_code);
}

std::string EmbedHtml(absl::string_view link, absl::string_view png, absl::string_view title) {
  return absl::StrCat("<a href=\"", core::HtmlEscape(link),
                      "\" target=\"_blank\" rel=\"noopener\"><img src=\"data:image/png;base64,",
                      absl::Base64Escape(png), "\" alt=\"", core::HtmlEscape(title),
                      "\" width=\"200\" height=\"200\"></a>");
}

bool IsValidScan(const core::ScanEvent& event, v1::Partner::State partner_state,
                 const core::WindowHistory& history) {
  return partner_state == v1::Partner::APPROVED && core::Unique(event, history);
}

absl::Time AttributionTo(const v1::Order& order) { return core::FromProto(order.create_time()); }
absl::Time AttributionFrom(const v1::Order& order) {
  return AttributionTo(order) - kAttributionWindow;
}

std::optional<ValidScan> Attribute(const v1::Order& order, absl::string_view device,
                                   const std::vector<ValidScan>& candidates,
                                   const std::function<bool(const std::string&)>& approved) {
  if (order.account_id().empty()) return std::nullopt;
  const int64_t from = absl::ToUnixMillis(AttributionFrom(order));
  const int64_t to = absl::ToUnixMillis(AttributionTo(order));
  std::optional<ValidScan> best;
  for (const ValidScan& s : candidates) {
    const bool buyers = s.account == order.account_id() || (!device.empty() && s.device == device);
    if (!buyers || s.merchant_id != order.merchant_id()) continue;
    if (s.time_ms < from || s.time_ms > to) continue;
    // Ties (the same millisecond) go to the later event id: ULIDs sort by time.
    if (best && (s.time_ms < best->time_ms ||
                 (s.time_ms == best->time_ms && s.event_id < best->event_id))) {
      continue;
    }
    best = s;
  }
  // The last touch decides; a suspended partner's last touch earns nothing,
  // and does not pass the order to an earlier partner either.
  if (best && !approved(best->partner_id)) return std::nullopt;
  return best;
}

absl::StatusOr<core::Money> CpsOf(const v1::Money& total, int cps_bps) {
  QRCLOUD_ASSIGN_OR_RETURN(core::Money money, core::Money::Of(total.currency(), total.minor()));
  return money.Share(cps_bps);
}

absl::StatusOr<Period> ParsePeriod(absl::string_view period, absl::Time now) {
  int year = 0, month = 0;
  if (period.empty()) {
    const absl::CivilMonth m = absl::ToCivilMonth(now, absl::UTCTimeZone());
    year = static_cast<int>(m.year());
    month = m.month();
  } else if (period.size() != 7 || period[4] != '-' ||
             !absl::SimpleAtoi(period.substr(0, 4), &year) ||
             !absl::SimpleAtoi(period.substr(5, 2), &month) || year < 2000 || year > 9999 ||
             month < 1 || month > 12 || !absl::ascii_isdigit(period[5])) {
    return core::InvalidField("period", "is a month, YYYY-MM, e.g. \"2026-11\"");
  }
  const absl::CivilMonth m(year, month);
  Period out;
  out.name = absl::FormatCivilTime(m);
  out.start = absl::FromCivil(m, absl::UTCTimeZone());
  out.end = absl::FromCivil(m + 1, absl::UTCTimeZone());
  return out;
}

std::string DayOf(absl::Time t) {
  return absl::FormatCivilTime(absl::ToCivilDay(t, absl::UTCTimeZone()));
}

}  // namespace qrcloud::partner
