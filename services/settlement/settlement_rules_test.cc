// What settlement posts and shows, without a database: account names and
// their flags, the fee of each plan and its rounding, a refund reversing the
// fee charged, periods of China Standard Time, statements and their CSV; and,
// on libs/ledger's memory ledger, that the postings replayed change nothing
// and payouts never pass what is available.
#include "services/settlement/settlement_rules.h"

#include <catch2/catch.hpp>

#include <limits>
#include <map>

#include "absl/strings/match.h"
#include "libs/core/proto_time.h"
#include "libs/ledger/check.h"
#include "libs/ledger/memory_ledger.h"

namespace qrcloud::settlement {
namespace {

v1::Order Order(const std::string& id, int64_t total_minor) {
  v1::Order o;
  o.set_id(id);
  o.set_merchant_id("M1");
  o.mutable_total()->set_currency("CNY");
  o.mutable_total()->set_minor(total_minor);
  return o;
}

TEST_CASE("Account names say whose they are and what they may do") {
  auto fees = AccountNamed(MerchantFeesAccount("M1", "CNY"));
  REQUIRE(fees.ok());
  CHECK(fees->id == "merchant.M1.fees.CNY");
  CHECK(fees->party_kind == "merchant");
  CHECK(fees->party_id == "M1");
  CHECK(fees->flags.credits_must_not_exceed_debits);
  const Party agent{PartyKind::kAgent, "A7"};
  auto available = AccountNamed(AvailableAccount(agent, "CNY"));
  REQUIRE(available.ok());
  CHECK(available->flags.debits_must_not_exceed_credits);
  CHECK(OwnerOf("agent.A7.available.CNY") == agent);
  CHECK_FALSE(OwnerOf("platform.fees.CNY").has_value());
  for (const char* bad : {"", "platform.fees.cny", "merchant.M1.fees", "agent.A7.fees.CNY",
                          "merchant.M/1.fees.CNY", "person.P1.held.CNY", "platform.other.CNY"}) {
    INFO(bad);
    CHECK(AccountNamed(bad).status().code() == absl::StatusCode::kInvalidArgument);
  }
  CHECK(ParseParty("party", "partner:P9")->id == "P9");
  CHECK(ParseParty("party", "partner:").status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(ParseParty("party", "admin:1").status().code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("The fee schedule is read strictly, its first plan the default") {
  auto s = ParseFeeSchedule("standard=500, pro=300,free=0");
  REQUIRE(s.ok());
  CHECK(s->default_plan == "standard");
  CHECK(s->plan_bps.at("pro") == 300);
  CHECK(s->plan_bps.at("free") == 0);
  for (const char* bad :
       {"", "standard", "standard=-1", "standard=10001", "standard=5.5", "a=1,a=2", "bad plan=3"}) {
    INFO(bad);
    CHECK_FALSE(ParseFeeSchedule(bad).ok());
  }
}

TEST_CASE("A redeemed order charges its plan's fee, rounded half away from zero") {
  auto t = TransfersForOrder("order.redeemed", Order("O1", 1990), "standard", 500, nullptr);
  REQUIRE(t.ok());
  REQUIRE(t->size() == 1);
  const ledger::Transfer& fee = (*t)[0];
  CHECK(fee.id == "order:O1:fee");
  CHECK(fee.amount == 100);  // 5% of 19.90 is 0.995
  CHECK(fee.debit_account_id == "merchant.M1.fees.CNY");
  CHECK(fee.credit_account_id == "platform.fees.CNY");
  CHECK(fee.source_event == "order.redeemed:O1");
  CHECK(fee.code == "fee");
  CHECK(absl::StrContains(fee.memo, "5.00% (standard)"));
  CHECK(TransfersForOrder("order.redeemed", Order("O2", 1990), "pro", 300, nullptr)->at(0).amount ==
        60);  // 0.597
  // No fee, no transfer; placing and cancelling move nothing.
  CHECK(TransfersForOrder("order.redeemed", Order("O3", 1990), "free", 0, nullptr)->empty());
  CHECK(TransfersForOrder("order.redeemed", Order("O4", 9), "standard", 500, nullptr)->empty());
  CHECK(TransfersForOrder("order.placed", Order("O5", 1990), "standard", 500, nullptr)->empty());
  CHECK(TransfersForOrder("order.cancelled", Order("O6", 1990), "standard", 500, nullptr)->empty());
  v1::Order no_merchant = Order("O7", 1990);
  no_merchant.clear_merchant_id();
  CHECK_FALSE(TransfersForOrder("order.redeemed", no_merchant, "standard", 500, nullptr).ok());
  CHECK_FALSE(TransfersForOrder("order.redeemed", Order("O8", -5), "standard", 500, nullptr).ok());
}

TEST_CASE("A refund gives back exactly the fee charged, whatever the plan is now") {
  auto charged = TransfersForOrder("order.redeemed", Order("O1", 1990), "standard", 500, nullptr);
  REQUIRE(charged.ok());
  auto back = TransfersForOrder("order.refunded", Order("O1", 1990), "pro", 300, &(*charged)[0]);
  REQUIRE(back.ok());
  REQUIRE(back->size() == 1);
  CHECK((*back)[0].id == "order:O1:fee:refund");
  CHECK((*back)[0].amount == 100);
  CHECK((*back)[0].debit_account_id == "platform.fees.CNY");
  CHECK((*back)[0].credit_account_id == "merchant.M1.fees.CNY");
  CHECK(TransfersForOrder("order.refunded", Order("O1", 1990), "pro", 300, nullptr)->empty());
}

TEST_CASE("Postings replayed change nothing, and the ledger balances") {
  ledger::MemoryLedger book;
  const absl::Time now = absl::FromUnixSeconds(1796000000);
  auto open = [&](const std::string& id) {
    REQUIRE(book.CreateAccount(*AccountNamed(id)) == ledger::AccountResult::kOk);
  };
  open("merchant.M1.fees.CNY");
  open("platform.fees.CNY");
  std::vector<ledger::Transfer> all;
  for (int i = 0; i < 50; ++i) {
    auto t = TransfersForOrder("order.redeemed", Order("O" + std::to_string(i), 1990 + i),
                               "standard", 500, nullptr);
    REQUIRE(t.ok());
    all.insert(all.end(), t->begin(), t->end());
  }
  for (const auto& t : all) CHECK(book.CreateTransfer(t, now) == ledger::CreateResult::kOk);
  const int64_t owed = book.LookupAccount("merchant.M1.fees.CNY")->Balance();
  for (const auto& t : all) CHECK(book.CreateTransfer(t, now) == ledger::CreateResult::kExists);
  CHECK(book.LookupAccount("merchant.M1.fees.CNY")->Balance() == owed);
  CHECK(book.LookupAccount("platform.fees.CNY")->Balance() == -owed);
  const std::vector<ledger::Account> accounts = book.Accounts();
  CHECK(ledger::Check(accounts, book.Transfers()).empty());

  // A refund of more than was charged cannot take the merchant below zero.
  ledger::Transfer too_much = all[0];
  too_much.id = "order:X:fee:refund";
  std::swap(too_much.debit_account_id, too_much.credit_account_id);
  too_much.amount = owed + 1;
  CHECK(book.CreateTransfer(too_much, now) == ledger::CreateResult::kExceedsDebits);
}

TEST_CASE("Payouts never pass what a party has available") {
  ledger::MemoryLedger book;
  const absl::Time now = absl::FromUnixSeconds(1796000000);
  const Party partner{PartyKind::kPartner, "P1"};
  for (const auto& id :
       {AvailableAccount(partner, "CNY"), PlatformBankAccount("CNY"), PlatformFeesAccount("CNY")}) {
    REQUIRE(book.CreateAccount(*AccountNamed(id)) == ledger::AccountResult::kOk);
  }
  ledger::Transfer earned{.id = "scan:1:cpc",
                          .debit_account_id = PlatformFeesAccount("CNY"),
                          .credit_account_id = AvailableAccount(partner, "CNY"),
                          .amount = 500,
                          .currency = "CNY"};
  REQUIRE(book.CreateTransfer(earned, now) == ledger::CreateResult::kOk);
  ledger::Transfer payout{.id = "payout:r1",
                          .debit_account_id = AvailableAccount(partner, "CNY"),
                          .credit_account_id = PlatformBankAccount("CNY"),
                          .amount = 501,
                          .currency = "CNY"};
  CHECK(book.CreateTransfer(payout, now) == ledger::CreateResult::kExceedsCredits);
  payout.amount = 500;
  CHECK(book.CreateTransfer(payout, now) == ledger::CreateResult::kOk);
  payout.amount = 400;  // the same request id, another amount
  CHECK(book.CreateTransfer(payout, now) == ledger::CreateResult::kExistsWithDifferentAmount);
  CHECK(book.LookupAccount(AvailableAccount(partner, "CNY"))->Balance() == 0);
}

TEST_CASE("An agent and the authorized agents above it earn, each once, loops cut") {
  std::map<std::string, AgentTerms> agents = {
      {"A", {"A", true, "B", 2000}},  {"B", {"B", true, "C", 1000}},
      {"C", {"C", false, "D", 500}},  // suspended: earns nothing, its parent still does
      {"D", {"D", true, "", 300}},    {"L1", {"L1", true, "L2", 100}},
      {"L2", {"L2", true, "L1", 100}}};
  auto find = [&](absl::string_view id) -> const AgentTerms* {
    auto it = agents.find(std::string(id));
    return it == agents.end() ? nullptr : &it->second;
  };
  CHECK(AgentChain("A", find) == std::vector<AgentShare>{{"A", 2000}, {"B", 1000}, {"D", 300}});
  CHECK(AgentChain("L1", find) == std::vector<AgentShare>{{"L1", 100}, {"L2", 100}});
  CHECK(AgentChain("nobody", find).empty());
}

TEST_CASE("Commissions and what the platform keeps sum exactly to the fee") {
  auto fee = TransfersForOrder("order.redeemed", Order("O1", 1990), "standard", 500, nullptr);
  REQUIRE(fee.ok());
  auto c = CommissionsFor(Order("O1", 1990), (*fee)[0], {{"A", 2000}, {"B", 1000}});
  REQUIRE(c.ok());
  REQUIRE(c->size() == 2);
  CHECK((*c)[0].id == "order:O1:commission:A");
  CHECK((*c)[0].amount == 20);  // 20% of 1.00
  CHECK((*c)[0].debit_account_id == "platform.fees.CNY");
  CHECK((*c)[0].credit_account_id == "agent.A.held.CNY");
  CHECK((*c)[0].code == "commission");
  CHECK((*c)[1].amount == 10);
  // Three fen shared half and half: 2 and 1, never 2 and 2.
  ledger::Transfer small = (*fee)[0];
  small.amount = 3;
  auto halves = CommissionsFor(Order("O2", 60), small, {{"A", 5000}, {"B", 5000}});
  REQUIRE(halves.ok());
  int64_t sum = 0;
  for (const auto& t : *halves) sum += t.amount;
  CHECK(sum == 3);
  // A share of nothing makes no transfer; shares past the whole fee are refused.
  CHECK(CommissionsFor(Order("O3", 1990), small, {{"A", 1}})->empty());
  CHECK(CommissionsFor(Order("O4", 1990), (*fee)[0], {{"A", 6000}, {"B", 5000}}).status().code() ==
        absl::StatusCode::kInvalidArgument);
}

TEST_CASE("Held earnings are released to available, and clawed back from where they are") {
  ledger::Transfer earned;
  earned.id = "order:O1:commission:A";
  earned.debit_account_id = "platform.fees.CNY";
  earned.credit_account_id = "agent.A.held.CNY";
  earned.amount = 20;
  earned.currency = "CNY";
  const ledger::Transfer release = ReleaseOf(earned);
  CHECK(release.id == "release:order:O1:commission:A");
  CHECK(release.debit_account_id == "agent.A.held.CNY");
  CHECK(release.credit_account_id == "agent.A.available.CNY");
  CHECK(release.amount == 20);
  const ledger::Transfer held = ClawbackOf(earned, false, "order.refunded:O1");
  CHECK(held.debit_account_id == "agent.A.held.CNY");
  CHECK(held.credit_account_id == "platform.fees.CNY");
  CHECK(ClawbackOf(earned, true, "order.refunded:O1").debit_account_id == "agent.A.available.CNY");
}

TEST_CASE("Partners earn their price per valid scan and their share of attributed orders") {
  v1::PartnerScanValid scan;
  scan.set_scan_event_id("E1");
  scan.set_partner_id("P1");
  scan.set_placement_id("PL1");
  scan.mutable_cpc()->set_currency("CNY");
  scan.mutable_cpc()->set_minor(12);
  auto cpc = CpcTransfer(scan);
  REQUIRE(cpc.ok());
  REQUIRE(cpc->has_value());
  CHECK((*cpc)->id == "scan:E1:cpc");
  CHECK((*cpc)->debit_account_id == "platform.partners.CNY");
  CHECK((*cpc)->credit_account_id == "partner.P1.held.CNY");
  CHECK((*cpc)->amount == 12);
  CHECK((*cpc)->source_event == "partner.scan_valid:E1");
  scan.mutable_cpc()->set_minor(0);
  CHECK_FALSE(CpcTransfer(scan)->has_value());  // a free scan moves nothing
  scan.mutable_cpc()->set_minor(-1);
  CHECK_FALSE(CpcTransfer(scan).ok());
  scan.clear_scan_event_id();
  CHECK_FALSE(CpcTransfer(scan).ok());

  v1::PartnerOrderAttribution a;
  a.set_order_id("O1");
  a.set_partner_id("P1");
  a.set_cps_bps(250);
  a.mutable_cps()->set_currency("CNY");
  a.mutable_cps()->set_minor(50);
  auto cps = CpsTransfer(a);
  REQUIRE(cps.ok());
  REQUIRE(cps->has_value());
  CHECK((*cps)->id == "order:O1:cps");
  CHECK((*cps)->code == "cps");
  CHECK(absl::StrContains((*cps)->memo, "2.50%"));
  CHECK(AccountNamed("platform.partners.CNY").ok());
}

namespace {
v1::PartnerScanValid Scan(std::string id, std::string partner, int64_t minor,
                          std::string currency = "CNY") {
  v1::PartnerScanValid scan;
  scan.set_scan_event_id(std::move(id));
  scan.set_partner_id(std::move(partner));
  scan.set_placement_id("PL1");
  scan.mutable_cpc()->set_currency(std::move(currency));
  scan.mutable_cpc()->set_minor(minor);
  return scan;
}
}  // namespace

TEST_CASE("A batch of valid scans is one accrual per partner and currency, paying each scan once") {
  const std::vector<v1::PartnerScanValid> scans = {
      Scan("E1", "P1", 5),        Scan("E2", "P2", 7),
      Scan("E3", "P1", 5),        Scan("E1", "P1", 5),  // heard twice, the same: paid once
      Scan("E4", "P1", 6),  // its price changed mid-batch: the sum says so
      Scan("E5", "P1", 0),  // free: nothing
      Scan("E6", "P1", 3, "USD"),
  };
  std::vector<const v1::PartnerScanValid*> in;
  for (const auto& s : scans) in.push_back(&s);
  AccruedScans got = AccrueScans(in);
  CHECK(got.refused.empty());
  REQUIRE(got.accruals.size() == 3);
  const ledger::Transfer& p1 = got.accruals[0].transfer;
  CHECK(p1.id == "cpc:P1:E1");
  CHECK(p1.debit_account_id == "platform.partners.CNY");
  CHECK(p1.credit_account_id == "partner.P1.held.CNY");
  CHECK(p1.amount == 5 + 5 + 6);
  CHECK(p1.code == "cpc");
  CHECK(p1.memo == "3 valid scans");
  CHECK(p1.source_event == "partner.scan_valid:E1");
  REQUIRE(got.accruals[0].scans.size() == 3);
  CHECK(got.accruals[0].scans[2].first == "E4");
  CHECK(got.accruals[1].transfer.id == "cpc:P2:E2");
  CHECK(got.accruals[1].transfer.amount == 7);
  CHECK(got.accruals[1].transfer.memo == "1 valid scan");
  CHECK(got.accruals[2].transfer.credit_account_id == "partner.P1.held.USD");
  CHECK(got.accruals[2].transfer.amount == 3);
  // Every scan's price is in exactly one accrual.
  int64_t paid = 0;
  for (const auto& a : got.accruals) paid += a.transfer.amount;
  CHECK(paid == 5 + 7 + 5 + 6 + 3);
}

TEST_CASE("A scan that cannot be accrued is refused with the reason and the rest go on") {
  const std::vector<v1::PartnerScanValid> scans = {
      Scan("E1", "P1", 5),
      Scan("E1", "P1", 9),  // the same id, other terms
      Scan("", "P1", 5),
      Scan("E2", "", 5),
      Scan("E3", "P1", -1),
      Scan(std::string(kMaxScanEventIdLength + 1, 'x'), "P1", 5),
      Scan("E4", "P2", std::numeric_limits<int64_t>::max()),
      Scan("E5", "P2", 1),  // would pass 2^63 with E4
      Scan("E6", "P1", 2),
      Scan("E\xC3\xA9", "P1", 5),  // not ASCII
  };
  std::vector<const v1::PartnerScanValid*> in;
  for (const auto& s : scans) in.push_back(&s);
  AccruedScans got = AccrueScans(in);
  REQUIRE(got.refused.size() == 7);
  CHECK(got.refused[6].first == &scans[9]);
  CHECK(got.refused[0].first == &scans[1]);
  CHECK(got.refused[0].second == "scan E1 heard twice with other terms");
  CHECK(got.refused[4].second == "scan: the id must be printable ASCII of at most 64 characters");
  CHECK(got.refused[5].first == &scans[7]);
  REQUIRE(got.accruals.size() == 2);
  CHECK(got.accruals[0].transfer.amount == 5 + 2);
  CHECK(got.accruals[1].transfer.amount == std::numeric_limits<int64_t>::max());
}

TEST_CASE("A scan's terms digest changes with its partner, currency or price, not its id") {
  const uint64_t base = ScanTermsDigest(Scan("E1", "P1", 5));
  CHECK(ScanTermsDigest(Scan("E2", "P1", 5)) == base);
  CHECK(ScanTermsDigest(Scan("E1", "P2", 5)) != base);
  CHECK(ScanTermsDigest(Scan("E1", "P1", 6)) != base);
  CHECK(ScanTermsDigest(Scan("E1", "P1", 5, "USD")) != base);
  // Fields do not run into each other.
  CHECK(ScanTermsDigest(Scan("E1", "P11", 5)) != ScanTermsDigest(Scan("E1", "P1", 15)));
}

TEST_CASE("Periods are months and days of China Standard Time") {
  auto month = ParsePeriod("period", "2026-12");
  REQUIRE(month.ok());
  const absl::Time december_utc = absl::FromCivil(absl::CivilDay(2026, 12, 1), absl::UTCTimeZone());
  CHECK(month->start == december_utc - absl::Hours(8));  // 2026-12-01T00:00+08
  auto day = ParsePeriod("period", "2026-12-06");
  REQUIRE(day.ok());
  CHECK(day->end - day->start == absl::Hours(24));
  for (const char* bad : {"", "2026-13", "2026-1", "2026-12-32", "2026/12", "2026-12-06T00"}) {
    INFO(bad);
    auto p = ParsePeriod("period", bad);
    CHECK(p.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(absl::StrContains(p.status().message(), "YYYY-MM"));
  }
  // 23:30 UTC on the 30th of November is the 1st of December in China.
  CHECK(MonthOf(december_utc - absl::Minutes(30)).text == "2026-12");
  CHECK(MonthOf(december_utc - absl::Hours(8) - absl::Seconds(1)).text == "2026-11");
  const Party m{PartyKind::kMerchant, "M1"};
  CHECK(StatementId(m, *month) == "merchant.M1.2026-12");
  auto id = ParseStatementId("id", "merchant.M1.2026-12-06");
  REQUIRE(id.ok());
  CHECK(id->party == m);
  CHECK(id->period.text == "2026-12-06");
  CHECK(id->currency == "CNY");
  CHECK_FALSE(ParseStatementId("id", "merchant.M1").ok());
  CHECK_FALSE(ParseStatementId("id", "merchant.M1.2026-13").ok());
  // Another currency than the platform's is named at the end.
  CHECK(StatementId(m, *month, "USD") == "merchant.M1.2026-12.USD");
  CHECK(StatementId(m, *month, "CNY") == "merchant.M1.2026-12");
  auto usd = ParseStatementId("id", "merchant.M1.2026-12.USD");
  REQUIRE(usd.ok());
  CHECK(usd->currency == "USD");
  CHECK(usd->period.text == "2026-12");
  for (const char* bad : {"merchant.M1.2026-12.usd", "merchant.M1.2026-12.US",
                          "merchant.M1.2026-12.USD.X", "merchant.M1.2026-12."}) {
    INFO(bad);
    CHECK_FALSE(ParseStatementId("id", bad).ok());
  }
}

TEST_CASE("A statement is the party's side of its entries, with a CSV a spreadsheet reads safely") {
  const Party m{PartyKind::kMerchant, "M1"};
  const Period period = *ParsePeriod("period", "2026-12");
  auto entry = [&](const std::string& transfer, int64_t amount, const std::string& memo) {
    v1::LedgerEntry e;
    e.set_transfer_id(transfer);
    e.set_account_id("merchant.M1.fees.CNY");
    e.mutable_amount()->set_currency("CNY");
    e.mutable_amount()->set_minor(amount);
    e.set_memo(memo);
    e.set_source_event("order.redeemed:" + transfer);
    core::ToProto(period.start + absl::Hours(1), e.mutable_post_time());
    return e;
  };
  const v1::Statement s =
      BuildStatement(m, period, "CNY", 250,
                     {entry("O1", 100, "fee, \"standard\""), entry("O2", 60, "=HYPERLINK(\"x\")"),
                      entry("O1r", -100, "fee given back")});
  CHECK(s.id() == "merchant.M1.2026-12");
  CHECK(s.party() == "merchant:M1");
  CHECK(s.opening_balance().minor() == -250);  // owes 2.50
  CHECK(s.closing_balance().minor() == -310);
  REQUIRE(s.lines_size() == 3);
  CHECK(s.lines(0).amount().minor() == -100);
  const std::string csv = StatementCsv(s);
  CHECK(absl::StartsWith(csv, "time,source_event,memo,amount,currency\r\n"));
  CHECK(absl::StrContains(csv, "\"fee, \"\"standard\"\"\",-1.00,CNY"));
  CHECK(absl::StrContains(csv, "'=HYPERLINK"));
  CHECK(absl::StrContains(csv, "closing balance,-3.10,CNY"));
}

}  // namespace
}  // namespace qrcloud::settlement
