#include "services/settlement/settlement_rules.h"

#include <algorithm>
#include <limits>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "libs/core/money.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"

namespace qrcloud::settlement {
namespace {

constexpr size_t kMaxPartyIdBytes = 64;

bool IsIdChar(char c) { return absl::ascii_isalnum(c) || c == '_' || c == '-'; }

bool IsId(absl::string_view s) {
  return !s.empty() && s.size() <= kMaxPartyIdBytes && std::all_of(s.begin(), s.end(), IsIdChar);
}

bool IsCurrency(absl::string_view s) {
  return s.size() == 3 && std::all_of(s.begin(), s.end(), absl::ascii_isupper);
}

std::optional<PartyKind> KindNamed(absl::string_view name) {
  if (name == "merchant") return PartyKind::kMerchant;
  if (name == "agent") return PartyKind::kAgent;
  if (name == "partner") return PartyKind::kPartner;
  return std::nullopt;
}

std::string Decimal(int64_t minor) {
  auto m = core::Money::Of("CNY", minor);
  return m.ok() ? m->ToDecimal() : absl::StrCat(minor);
}

// A CSV field, quoted when it must be (RFC 4180), and never read as a
// formula by a spreadsheet.
std::string CsvField(absl::string_view s) {
  std::string text(s);
  if (!text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '@')) text.insert(0, "'");
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

}  // namespace

std::string Party::KindName() const {
  switch (kind) {
    case PartyKind::kMerchant:
      return "merchant";
    case PartyKind::kAgent:
      return "agent";
    case PartyKind::kPartner:
      return "partner";
  }
  return "";
}

std::string Party::ToString() const { return absl::StrCat(KindName(), ":", id); }

absl::StatusOr<Party> ParseParty(absl::string_view field, absl::string_view text) {
  const std::pair<absl::string_view, absl::string_view> parts = absl::StrSplit(text, ':');
  const auto kind = KindNamed(parts.first);
  if (!kind || !IsId(parts.second)) {
    return core::InvalidField(field,
                              "must be \"merchant:<id>\", \"agent:<id>\" or \"partner:<id>\"");
  }
  return Party{*kind, std::string(parts.second)};
}

std::string PlatformFeesAccount(absl::string_view currency) {
  return absl::StrCat("platform.fees.", currency);
}
std::string PlatformBankAccount(absl::string_view currency) {
  return absl::StrCat("platform.bank.", currency);
}
std::string PlatformPartnersAccount(absl::string_view currency) {
  return absl::StrCat("platform.partners.", currency);
}
std::string MerchantFeesAccount(absl::string_view merchant_id, absl::string_view currency) {
  return absl::StrCat("merchant.", merchant_id, ".fees.", currency);
}
std::string HeldAccount(const Party& party, absl::string_view currency) {
  return absl::StrCat(party.KindName(), ".", party.id, ".held.", currency);
}
std::string AvailableAccount(const Party& party, absl::string_view currency) {
  return absl::StrCat(party.KindName(), ".", party.id, ".available.", currency);
}

absl::StatusOr<ledger::Account> AccountNamed(absl::string_view id) {
  const std::vector<absl::string_view> parts = absl::StrSplit(id, '.');
  ledger::Account a;
  a.id = std::string(id);
  if (parts.size() == 3 && parts[0] == "platform" &&
      (parts[1] == "fees" || parts[1] == "bank" || parts[1] == "partners") &&
      IsCurrency(parts[2])) {
    a.party_kind = "platform";
    a.currency = std::string(parts[2]);
    return a;
  }
  if (parts.size() == 4 && KindNamed(parts[0]) && IsId(parts[1]) && IsCurrency(parts[3])) {
    a.party_kind = std::string(parts[0]);
    a.party_id = std::string(parts[1]);
    a.currency = std::string(parts[3]);
    if (parts[2] == "fees" && parts[0] == "merchant") {
      // What it owes is paid in, never out: credits never pass debits.
      a.flags.credits_must_not_exceed_debits = true;
      return a;
    }
    if (parts[2] == "held" || parts[2] == "available") {
      // Earnings are paid out, never beyond what was earned.
      a.flags.debits_must_not_exceed_credits = true;
      return a;
    }
  }
  return core::InvalidField(
      "id",
      "is not a ledger account: accounts are platform.fees.<CUR>, platform.bank.<CUR>, "
      "platform.partners.<CUR>, "
      "merchant.<id>.fees.<CUR>, or <merchant|agent|partner>.<id>.<held|available>.<CUR>");
}

std::optional<Party> OwnerOf(absl::string_view account_id) {
  auto account = AccountNamed(account_id);
  if (!account.ok() || account->party_kind == "platform") return std::nullopt;
  return Party{*KindNamed(account->party_kind), account->party_id};
}

std::vector<std::string> AccountsOf(const Party& party, absl::string_view currency) {
  std::vector<std::string> ids;
  if (party.kind == PartyKind::kMerchant) ids.push_back(MerchantFeesAccount(party.id, currency));
  ids.push_back(HeldAccount(party, currency));
  ids.push_back(AvailableAccount(party, currency));
  return ids;
}

absl::StatusOr<FeeSchedule> ParseFeeSchedule(absl::string_view text) {
  FeeSchedule schedule;
  for (absl::string_view item : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    const std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(absl::StripAsciiWhitespace(item), '=');
    int32_t bps = -1;
    if (!IsId(kv.first) || !absl::SimpleAtoi(kv.second, &bps) || bps < 0 || bps > 10000) {
      return absl::InvalidArgumentError(absl::StrCat(
          "plan fees: \"", item, "\" is not <plan>=<basis points 0..10000>, e.g. standard=500"));
    }
    const std::string plan = absl::AsciiStrToLower(kv.first);
    if (!schedule.plan_bps.emplace(plan, bps).second) {
      return absl::InvalidArgumentError(absl::StrCat("plan fees: ", plan, " is given twice"));
    }
    if (schedule.default_plan.empty()) schedule.default_plan = plan;
  }
  if (schedule.plan_bps.empty()) {
    return absl::InvalidArgumentError("plan fees: give at least one plan, e.g. standard=500");
  }
  return schedule;
}

absl::StatusOr<std::vector<ledger::Transfer>> TransfersForOrder(absl::string_view type,
                                                                const v1::Order& order,
                                                                absl::string_view plan,
                                                                int32_t fee_bps,
                                                                const ledger::Transfer* charged) {
  std::vector<ledger::Transfer> out;
  if (type != "order.redeemed" && type != "order.refunded") return out;
  if (order.id().empty() || !IsId(order.merchant_id())) {
    return absl::InvalidArgumentError("order: an id and a merchant id are needed");
  }
  const std::string event = absl::StrCat(type, ":", order.id());
  if (type == "order.refunded") {
    if (charged == nullptr) return out;  // no fee was charged, none is given back
    ledger::Transfer t;
    t.id = absl::StrCat(charged->id, ":refund");
    t.debit_account_id = charged->credit_account_id;
    t.credit_account_id = charged->debit_account_id;
    t.amount = charged->amount;
    t.currency = charged->currency;
    t.source_event = event;
    t.code = "fee_refund";
    t.memo = absl::StrCat("platform fee given back: order ", order.id(), " refunded");
    out.push_back(std::move(t));
    return out;
  }
  QRCLOUD_ASSIGN_OR_RETURN(core::Money total,
                           core::Money::Of(order.total().currency(), order.total().minor()));
  if (total.is_negative()) return absl::InvalidArgumentError("order: a negative total");
  QRCLOUD_ASSIGN_OR_RETURN(core::Money fee, total.Share(fee_bps));
  if (fee.is_zero()) return out;
  ledger::Transfer t;
  t.id = absl::StrCat("order:", order.id(), ":fee");
  t.debit_account_id = MerchantFeesAccount(order.merchant_id(), total.currency());
  t.credit_account_id = PlatformFeesAccount(total.currency());
  t.amount = fee.minor();
  t.currency = total.currency();
  t.source_event = event;
  t.code = "fee";
  t.memo =
      absl::StrCat("platform fee ", fee_bps / 100, ".", absl::Dec(fee_bps % 100, absl::kZeroPad2),
                   "% (", plan, ") of order ", order.id(), ", ", total.ToString());
  out.push_back(std::move(t));
  return out;
}

std::vector<AgentShare> AgentChain(
    absl::string_view agent_id, const std::function<const AgentTerms*(absl::string_view)>& find) {
  constexpr int kMaxChain = 10;
  std::vector<AgentShare> chain;
  std::vector<std::string> seen;
  std::string next(agent_id);
  while (!next.empty() && static_cast<int>(seen.size()) < kMaxChain) {
    if (std::find(seen.begin(), seen.end(), next) != seen.end()) break;  // a loop
    seen.push_back(next);
    const AgentTerms* agent = find(next);
    if (agent == nullptr) break;
    if (agent->authorized && agent->commission_bps > 0) {
      chain.push_back({agent->id, agent->commission_bps});
    }
    next = agent->parent_id;
  }
  return chain;
}

absl::StatusOr<std::vector<ledger::Transfer>> CommissionsFor(const v1::Order& order,
                                                             const ledger::Transfer& fee,
                                                             const std::vector<AgentShare>& chain) {
  std::vector<ledger::Transfer> out;
  if (chain.empty()) return out;
  std::vector<int64_t> weights;
  int64_t total = 0;
  for (const AgentShare& a : chain) {
    if (a.bps < 0) return absl::InvalidArgumentError("commission: a negative share");
    weights.push_back(a.bps);
    total += a.bps;
  }
  if (total > 10000) {
    return absl::InvalidArgumentError(
        absl::StrCat("commission: the agents' shares sum to ", total, " bps, more than the fee"));
  }
  weights.push_back(10000 - total);  // the platform keeps the rest
  QRCLOUD_ASSIGN_OR_RETURN(core::Money amount, core::Money::Of(fee.currency, fee.amount));
  QRCLOUD_ASSIGN_OR_RETURN(std::vector<core::Money> parts, amount.Allocate(weights));
  for (size_t i = 0; i < chain.size(); ++i) {
    if (parts[i].is_zero()) continue;
    const Party agent{PartyKind::kAgent, chain[i].agent_id};
    ledger::Transfer t;
    t.id = absl::StrCat("order:", order.id(), ":commission:", chain[i].agent_id);
    t.debit_account_id = PlatformFeesAccount(fee.currency);
    t.credit_account_id = HeldAccount(agent, fee.currency);
    t.amount = parts[i].minor();
    t.currency = fee.currency;
    t.source_event = fee.source_event;
    t.code = "commission";
    t.memo = absl::StrCat("commission ", chain[i].bps / 100, ".",
                          absl::Dec(chain[i].bps % 100, absl::kZeroPad2), "% of the fee of order ",
                          order.id());
    out.push_back(std::move(t));
  }
  return out;
}

ledger::Transfer ReleaseOf(const ledger::Transfer& earned) {
  const std::optional<Party> party = OwnerOf(earned.credit_account_id);
  ledger::Transfer t;
  t.id = absl::StrCat("release:", earned.id);
  t.debit_account_id = earned.credit_account_id;
  t.credit_account_id = party ? AvailableAccount(*party, earned.currency) : "";
  t.amount = earned.amount;
  t.currency = earned.currency;
  t.source_event = earned.source_event;
  t.code = "release";
  t.memo = absl::StrCat("held period over: ", earned.id);
  return t;
}

ledger::Transfer ClawbackOf(const ledger::Transfer& commission, bool released,
                            absl::string_view source_event) {
  const std::optional<Party> party = OwnerOf(commission.credit_account_id);
  ledger::Transfer t;
  t.id = absl::StrCat(commission.id, ":clawback");
  t.debit_account_id = released && party ? AvailableAccount(*party, commission.currency)
                                         : commission.credit_account_id;
  t.credit_account_id = commission.debit_account_id;
  t.amount = commission.amount;
  t.currency = commission.currency;
  t.source_event = std::string(source_event);
  t.code = "clawback";
  t.memo = absl::StrCat("commission taken back: ", commission.id, " refunded");
  return t;
}

namespace {

absl::StatusOr<std::optional<ledger::Transfer>> PartnerEarning(
    absl::string_view id, absl::string_view partner_id, const v1::Money& amount,
    absl::string_view source_event, absl::string_view code, std::string memo) {
  if (!IsId(partner_id)) return absl::InvalidArgumentError("partner: an id is needed");
  QRCLOUD_ASSIGN_OR_RETURN(core::Money money, core::Money::Of(amount.currency(), amount.minor()));
  if (money.is_negative()) return absl::InvalidArgumentError("partner: a negative amount");
  if (money.is_zero()) return std::nullopt;
  ledger::Transfer t;
  t.id = std::string(id);
  t.debit_account_id = PlatformPartnersAccount(money.currency());
  t.credit_account_id =
      HeldAccount({PartyKind::kPartner, std::string(partner_id)}, money.currency());
  t.amount = money.minor();
  t.currency = money.currency();
  t.source_event = std::string(source_event);
  t.code = std::string(code);
  t.memo = std::move(memo);
  return t;
}

}  // namespace

absl::StatusOr<std::optional<ledger::Transfer>> CpcTransfer(const v1::PartnerScanValid& scan) {
  if (scan.scan_event_id().empty()) return absl::InvalidArgumentError("scan: an id is needed");
  return PartnerEarning(absl::StrCat("scan:", scan.scan_event_id(), ":cpc"), scan.partner_id(),
                        scan.cpc(), absl::StrCat("partner.scan_valid:", scan.scan_event_id()),
                        "cpc", absl::StrCat("valid scan of placement ", scan.placement_id()));
}

uint64_t ScanTermsDigest(const v1::PartnerScanValid& scan) {
  uint64_t h = 14695981039346656037ull;
  auto mix = [&h](absl::string_view bytes) {
    for (unsigned char c : bytes) {
      h ^= c;
      h *= 1099511628211ull;
    }
    h ^= 0xff;  // a separator no text byte of the fields can fake
    h *= 1099511628211ull;
  };
  mix(scan.partner_id());
  mix(scan.cpc().currency());
  mix(absl::StrCat(scan.cpc().minor()));
  return h;
}

AccruedScans AccrueScans(const std::vector<const v1::PartnerScanValid*>& scans) {
  AccruedScans out;
  std::map<std::pair<std::string, std::string>, size_t> by_partner;  // → accruals index
  absl::flat_hash_map<std::string, uint64_t> seen;
  for (const v1::PartnerScanValid* scan : scans) {
    auto t = CpcTransfer(*scan);
    if (!t.ok()) {
      out.refused.emplace_back(scan, std::string(t.status().message()));
      continue;
    }
    if (!t->has_value()) continue;
    const std::string& id = scan->scan_event_id();
    if (id.size() > kMaxScanEventIdLength ||
        !std::all_of(id.begin(), id.end(), [](char c) { return c > 0x20 && c < 0x7f; })) {
      out.refused.emplace_back(scan,
                               absl::StrCat("scan: the id must be printable ASCII of at most ",
                                            kMaxScanEventIdLength, " characters"));
      continue;
    }
    const uint64_t digest = ScanTermsDigest(*scan);
    auto [it, first] = seen.emplace(scan->scan_event_id(), digest);
    if (!first) {
      if (it->second != digest) {
        out.refused.emplace_back(
            scan, absl::StrCat("scan ", scan->scan_event_id(), " heard twice with other terms"));
      }
      continue;
    }
    ledger::Transfer& per_scan = **t;
    auto [slot, added] = by_partner.emplace(
        std::make_pair(per_scan.credit_account_id, per_scan.currency), out.accruals.size());
    if (added) {
      ScanAccrual a;
      a.transfer = per_scan;
      a.transfer.id = absl::StrCat("cpc:", scan->partner_id(), ":", scan->scan_event_id());
      a.transfer.amount = 0;
      a.transfer.source_event = absl::StrCat("partner.scan_valid:", scan->scan_event_id());
      out.accruals.push_back(std::move(a));
    }
    ScanAccrual& a = out.accruals[slot->second];
    if (a.transfer.amount > std::numeric_limits<int64_t>::max() - per_scan.amount) {
      out.refused.emplace_back(scan, "scan: the batch's sum for its partner passes 2^63");
      continue;
    }
    a.transfer.amount += per_scan.amount;
    a.scans.emplace_back(scan->scan_event_id(), digest);
  }
  for (ScanAccrual& a : out.accruals) {
    a.transfer.memo = a.scans.size() == 1 ? std::string("1 valid scan")
                                          : absl::StrCat(a.scans.size(), " valid scans");
  }
  return out;
}

absl::StatusOr<std::optional<ledger::Transfer>> CpsTransfer(const v1::PartnerOrderAttribution& a) {
  if (a.order_id().empty()) return absl::InvalidArgumentError("attribution: an order id is needed");
  return PartnerEarning(
      absl::StrCat("order:", a.order_id(), ":cps"), a.partner_id(), a.cps(),
      absl::StrCat("partner.order_attributed:", a.order_id()), "cps",
      absl::StrCat("share ", a.cps_bps() / 100, ".", absl::Dec(a.cps_bps() % 100, absl::kZeroPad2),
                   "% of order ", a.order_id(), " (placement ", a.placement_id(), ")"));
}

absl::StatusOr<Period> ParsePeriod(absl::string_view field, absl::string_view text) {
  absl::CivilDay day;
  absl::CivilMonth month;
  Period p;
  p.text = std::string(text);
  if (text.size() == 10 && absl::ParseCivilTime(text, &day) && absl::FormatCivilTime(day) == text) {
    p.start = absl::FromCivil(day, PlatformZone());
    p.end = absl::FromCivil(day + 1, PlatformZone());
    return p;
  }
  if (text.size() == 7 && absl::ParseCivilTime(text, &month) &&
      absl::FormatCivilTime(month) == text) {
    p.start = absl::FromCivil(month, PlatformZone());
    p.end = absl::FromCivil(month + 1, PlatformZone());
    return p;
  }
  return core::InvalidField(field,
                            "must be a month \"YYYY-MM\" or a day \"YYYY-MM-DD\" (China Standard "
                            "Time), e.g. 2026-12 or 2026-12-06");
}

Period MonthOf(absl::Time t) {
  const absl::CivilMonth month = absl::ToCivilMonth(t, PlatformZone());
  return Period{absl::FormatCivilTime(month), absl::FromCivil(month, PlatformZone()),
                absl::FromCivil(month + 1, PlatformZone())};
}

std::string StatementId(const Party& party, const Period& period, absl::string_view currency) {
  if (currency == kPlatformCurrency)
    return absl::StrCat(party.KindName(), ".", party.id, ".", period.text);
  return absl::StrCat(party.KindName(), ".", party.id, ".", period.text, ".", currency);
}

absl::StatusOr<StatementRef> ParseStatementId(absl::string_view field, absl::string_view id) {
  const std::vector<absl::string_view> parts = absl::StrSplit(id, '.');
  if (parts.size() == 3 || parts.size() == 4) {
    const auto kind = KindNamed(parts[0]);
    auto period = ParsePeriod(field, parts[2]);
    const absl::string_view currency = parts.size() == 4 ? parts[3] : kPlatformCurrency;
    const bool currency_ok =
        currency.size() == 3 && std::all_of(currency.begin(), currency.end(),
                                            [](char ch) { return ch >= 'A' && ch <= 'Z'; });
    if (kind && IsId(parts[1]) && period.ok() && currency_ok) {
      return StatementRef{Party{*kind, std::string(parts[1])}, *std::move(period),
                          std::string(currency)};
    }
  }
  return core::InvalidField(field,
                            "is not a statement: statements are "
                            "<merchant|agent|partner>.<id>.<YYYY-MM[-DD]>, with .<currency> "
                            "after it for another currency than CNY (e.g. .USD)");
}

v1::Statement BuildStatement(const Party& party, const Period& period, absl::string_view currency,
                             int64_t opening, const std::vector<v1::LedgerEntry>& entries) {
  v1::Statement s;
  s.set_id(StatementId(party, period, currency));
  s.set_party(party.ToString());
  s.set_period(period.text);
  core::ToProto(period.start, s.mutable_start_time());
  core::ToProto(period.end, s.mutable_end_time());
  auto money = [&](v1::Money* m, int64_t minor) {
    m->set_currency(std::string(currency));
    m->set_minor(minor);
  };
  // Transfers between the party's own accounts come as two entries of one
  // transfer, both in `entries`: they cancel out and are not shown.
  std::map<std::string, int> own_legs;
  for (const auto& e : entries) ++own_legs[e.transfer_id()];
  int64_t balance = -opening;
  int64_t payouts = 0;
  for (const auto& e : entries) {
    if (own_legs[e.transfer_id()] > 1) continue;
    const int64_t amount = -e.amount().minor();
    balance += amount;
    if (e.code() == "payout") payouts += -amount;
    v1::StatementLine* line = s.add_lines();
    line->set_source_event(e.source_event());
    line->set_memo(e.memo());
    money(line->mutable_amount(), amount);
    *line->mutable_time() = e.post_time();
  }
  money(s.mutable_opening_balance(), -opening);
  money(s.mutable_closing_balance(), balance);
  money(s.mutable_total_payouts(), payouts);
  return s;
}

std::string StatementCsv(const v1::Statement& s) {
  std::string out = "time,source_event,memo,amount,currency\r\n";
  const std::string cur = s.opening_balance().currency();
  auto row = [&](absl::string_view time, absl::string_view event, absl::string_view memo,
                 int64_t minor) {
    absl::StrAppend(&out, CsvField(time), ",", CsvField(event), ",", CsvField(memo), ",",
                    Decimal(minor), ",", cur, "\r\n");
  };
  row(absl::FormatTime(absl::RFC3339_full, core::FromProto(s.start_time()), absl::UTCTimeZone()),
      "", "opening balance", s.opening_balance().minor());
  for (const auto& line : s.lines()) {
    row(absl::FormatTime(absl::RFC3339_full, core::FromProto(line.time()), absl::UTCTimeZone()),
        line.source_event(), line.memo(), line.amount().minor());
  }
  row("", "", "payouts in the period", s.total_payouts().minor());
  row(absl::FormatTime(absl::RFC3339_full, core::FromProto(s.end_time()), absl::UTCTimeZone()), "",
      "closing balance", s.closing_balance().minor());
  return out;
}

}  // namespace qrcloud::settlement
