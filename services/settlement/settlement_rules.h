// What settlement posts and how it shows it, as pure functions, apart from
// the ledger's storage (mysql_ledger.h) and the gRPC adapter: the accounts
// of each party, the transfers each order event makes, the fee schedule,
// periods of China Standard Time, statements and their CSV. The ledger's
// own rules (balances, pending, idempotency) are libs/ledger.
//
// Money is integer minor units throughout; a fee is core::Money::Share
// (basis points, rounded half away from zero), so an order's fee and what is
// left of it always sum to the order's total.
#ifndef QRCLOUD_SERVICES_SETTLEMENT_SETTLEMENT_RULES_H_
#define QRCLOUD_SERVICES_SETTLEMENT_SETTLEMENT_RULES_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/ledger/ledger_rules.h"
#include "qrcloud/v1/order.pb.h"
#include "qrcloud/v1/partner.pb.h"
#include "qrcloud/v1/settlement.pb.h"

namespace qrcloud::settlement {

// ---- Parties and their accounts ------------------------------------------

enum class PartyKind { kMerchant, kAgent, kPartner };

struct Party {
  PartyKind kind = PartyKind::kMerchant;
  std::string id;
  // "merchant", "agent", "partner".
  std::string KindName() const;
  // "merchant:<id>".
  std::string ToString() const;
  friend bool operator==(const Party&, const Party&) = default;
};

// "merchant:<id>", "agent:<id>" or "partner:<id>"; INVALID_ARGUMENT naming
// `field` otherwise.
absl::StatusOr<Party> ParseParty(absl::string_view field, absl::string_view text);

// The platform's fee revenue (credit-normal) and its bank (where payouts
// leave from).
std::string PlatformFeesAccount(absl::string_view currency);
std::string PlatformBankAccount(absl::string_view currency);
// What the platform pays partners for their traffic (debit-normal: an expense).
std::string PlatformPartnersAccount(absl::string_view currency);
// What a merchant owes in platform fees (debit-normal).
std::string MerchantFeesAccount(absl::string_view merchant_id, absl::string_view currency);
// A party's earnings, held for the holding period, then available to be
// paid out (credit-normal; never paid out beyond what is there).
std::string HeldAccount(const Party& party, absl::string_view currency);
std::string AvailableAccount(const Party& party, absl::string_view currency);

// The account `id` names, with its party and the flags its purpose needs;
// INVALID_ARGUMENT when it is not one of the names above.
absl::StatusOr<ledger::Account> AccountNamed(absl::string_view id);
// Whose account `id` is: the party, or none for the platform's own.
std::optional<Party> OwnerOf(absl::string_view account_id);
// Every account name of a party in `currency`.
std::vector<std::string> AccountsOf(const Party& party, absl::string_view currency);

// ---- Fees ----------------------------------------------------------------

// The platform fee of each plan, in basis points of an order's total.
struct FeeSchedule {
  std::map<std::string, int32_t> plan_bps;
  std::string default_plan;
};

// "standard=500,pro=300": plans of a-z, 0-9, _ and -, each 0 to 10000 bps;
// the first is the default. INVALID_ARGUMENT saying what is wrong.
absl::StatusOr<FeeSchedule> ParseFeeSchedule(absl::string_view text);

// The transfers an event of the `orders` stream makes (docs/settlement.md):
//   order.redeemed  the merchant owes the platform the fee of its plan
//                   (transfer "order:<id>:fee"; none when the fee is 0)
//   order.refunded  the fee is given back: `charged` is the fee transfer the
//                   redemption made ("order:<id>:fee:refund" reverses it),
//                   null when none was made
//   anything else   nothing (orders are paid at the shop: placing or
//                   cancelling one moves no money the platform keeps)
// INVALID_ARGUMENT when the order lacks what the posting needs.
absl::StatusOr<std::vector<ledger::Transfer>> TransfersForOrder(absl::string_view type,
                                                                const v1::Order& order,
                                                                absl::string_view plan,
                                                                int32_t fee_bps,
                                                                const ledger::Transfer* charged);

// ---- Agents' commission --------------------------------------------------

// What settlement knows of an agent (from the `agents` stream).
struct AgentTerms {
  std::string id;
  bool authorized = false;
  std::string parent_id;
  int32_t commission_bps = 0;  // its share of the platform fee
};

// One agent's share of an order's fee.
struct AgentShare {
  std::string agent_id;
  int32_t bps = 0;
  friend bool operator==(const AgentShare&, const AgentShare&) = default;
};

// Who earns on a merchant linked to `agent_id`: the agent and each agent
// above it, in that order, those authorized (a suspended one earns nothing;
// the agents above it still do). Stops at an agent it does not know, a
// loop, or 10 agents.
std::vector<AgentShare> AgentChain(absl::string_view agent_id,
                                   const std::function<const AgentTerms*(absl::string_view)>& find);

// The commissions of the fee transfer `fee` to the agents of `chain`: each
// its bps of the fee, split with core::Money::Allocate together with the
// platform's remainder, so the commissions and what the platform keeps sum
// exactly to the fee; "order:<id>:commission:<agent>", from the platform's
// fees to the agent's held account. None for a zero share.
// INVALID_ARGUMENT when the shares pass 10000.
absl::StatusOr<std::vector<ledger::Transfer>> CommissionsFor(const v1::Order& order,
                                                             const ledger::Transfer& fee,
                                                             const std::vector<AgentShare>& chain);

// Earnings held for the holding period, then available: the transfer that
// makes `earned` available ("release:<id>", held to available).
ledger::Transfer ReleaseOf(const ledger::Transfer& earned);

// A refund takes back a commission: from the held account while it is
// held, from the available one once released ("<id>:clawback").
ledger::Transfer ClawbackOf(const ledger::Transfer& commission, bool released,
                            absl::string_view source_event);

// ---- Partners' earnings --------------------------------------------------

// A valid scan's price ("scan:<scan event id>:cpc", from the platform's
// partner expense to the partner's held account); none when it is zero.
// INVALID_ARGUMENT when the event lacks what the posting needs.
absl::StatusOr<std::optional<ledger::Transfer>> CpcTransfer(const v1::PartnerScanValid& scan);
// Valid scans are many and small (a few fen each), so settlement does not
// post one transfer each: a batch's scans are accrued, one transfer per
// partner and currency ("cpc:<partner>:<first scan event id>", the sum of
// their prices, memo "<n> valid scans"), and each scan's id is kept once
// (settled_scans) with the accrual it went into and the digest of its terms.
// A scan heard again is skipped; heard again with other terms, it is parked.
// A scan event id is at most this long (the gateway's are about 20).
inline constexpr size_t kMaxScanEventIdLength = 64;
struct ScanAccrual {
  ledger::Transfer transfer;
  // The scans it pays, each with the digest of its terms.
  std::vector<std::pair<std::string, uint64_t>> scans;
};
struct AccruedScans {
  std::vector<ScanAccrual> accruals;
  // Scans that cannot be posted (no id, no partner, a negative price, the
  // same id twice with other terms), with the reason.
  std::vector<std::pair<const v1::PartnerScanValid*, std::string>> refused;
};
// What a scan is paid for, as a stable 64-bit digest (FNV-1a over the
// partner, the currency and the price): a scan id heard again with another
// digest is the same id reused with different inputs.
uint64_t ScanTermsDigest(const v1::PartnerScanValid& scan);
// The accruals of `scans` (in the order heard; free scans pay nothing and
// are left out). The same id twice in `scans` is accrued once.
AccruedScans AccrueScans(const std::vector<const v1::PartnerScanValid*>& scans);

// An attributed order's share ("order:<id>:cps"); none when zero.
absl::StatusOr<std::optional<ledger::Transfer>> CpsTransfer(
    const v1::PartnerOrderAttribution& attribution);

// ---- Periods and statements ----------------------------------------------

// Statements follow the platform's day: China Standard Time, UTC+8, which
// has no daylight saving.
inline const absl::TimeZone& PlatformZone() {
  static const absl::TimeZone zone = absl::FixedTimeZone(8 * 60 * 60);
  return zone;
}

struct Period {
  std::string text;  // "2026-12" or "2026-12-06"
  absl::Time start;
  absl::Time end;  // exclusive
};

// "YYYY-MM" or "YYYY-MM-DD" (of PlatformZone()); INVALID_ARGUMENT naming
// `field` and the accepted forms otherwise.
absl::StatusOr<Period> ParsePeriod(absl::string_view field, absl::string_view text);
// The month `t` falls in.
Period MonthOf(absl::Time t);

// A statement is of one party, one period and one currency:
// "<kind>.<party id>.<period>" in CNY, the platform's own currency, and
// "<kind>.<party id>.<period>.<CUR>" in another; and back (INVALID_ARGUMENT
// naming `field`).
inline constexpr char kPlatformCurrency[] = "CNY";
struct StatementRef {
  Party party;
  Period period;
  std::string currency = kPlatformCurrency;
};
std::string StatementId(const Party& party, const Period& period,
                        absl::string_view currency = kPlatformCurrency);
absl::StatusOr<StatementRef> ParseStatementId(absl::string_view field, absl::string_view id);

// A party's statement from its entries: `opening` is the sum of its entries
// before the period (ledger signs: debit positive), `entries` those inside
// it, oldest first, in one currency. Shown from the party's side (negated),
// with the transfers between its own accounts (held to available) left out
// of the lines, since they change nothing it is owed.
v1::Statement BuildStatement(const Party& party, const Period& period, absl::string_view currency,
                             int64_t opening, const std::vector<v1::LedgerEntry>& entries);

// The statement as CSV (RFC 4180): a header, a line per entry, and the
// opening, payouts and closing lines; amounts as decimals ("-19.90").
std::string StatementCsv(const v1::Statement& statement);

}  // namespace qrcloud::settlement

#endif  // QRCLOUD_SERVICES_SETTLEMENT_SETTLEMENT_RULES_H_
