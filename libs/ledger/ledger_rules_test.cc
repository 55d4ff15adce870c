// The ledger's decisions on their own: accounts and transfers as values, no
// store.
#include "libs/ledger/ledger_rules.h"

#include <catch2/catch.hpp>

#include <set>

#include "absl/strings/match.h"
#include "libs/core/status.h"

namespace qrcloud::ledger {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1767225600);  // 2026-01-01Z

Account NewAccount(std::string id, AccountFlags flags = {}) {
  return Account{.id = std::move(id), .currency = "CNY", .flags = flags};
}

Transfer Move(std::string id, int64_t amount, std::string debit = "dr", std::string credit = "cr") {
  return Transfer{.id = std::move(id),
                  .debit_account_id = std::move(debit),
                  .credit_account_id = std::move(credit),
                  .amount = amount,
                  .currency = "CNY",
                  .source_event = "order:1:placed",
                  .code = "platform_fee",
                  .memo = "fee"};
}

Transfer Hold(std::string id, int64_t amount, absl::Duration timeout = absl::ZeroDuration()) {
  Transfer t = Move(std::move(id), amount);
  t.flags.pending = true;
  t.timeout = timeout;
  return t;
}

// A post (or, with `void_it`, a void) that leaves everything it may to the
// pending transfer.
Transfer Close(std::string id, std::string pending_id, int64_t amount, bool void_it = false) {
  Transfer t{.id = std::move(id), .amount = amount, .pending_id = std::move(pending_id)};
  (void_it ? t.flags.void_pending : t.flags.post_pending) = true;
  return t;
}

// Two accounts and the transfers so far, decided and applied one at a time
// as a store would.
struct Book {
  Account dr = NewAccount("dr");
  Account cr = NewAccount("cr");
  std::map<std::string, Transfer> transfers;

  CreateResult Try(const Transfer& t, absl::Time now = kNow) {
    Transfer* pending = nullptr;
    if (t.IsPostOrVoid() && transfers.contains(t.pending_id)) pending = &transfers[t.pending_id];
    const Transfer* existing = transfers.contains(t.id) ? &transfers[t.id] : nullptr;
    const Transfer resolved = Resolve(t, pending);
    Account* debit = resolved.debit_account_id == "dr" ? &dr : nullptr;
    Account* credit = resolved.credit_account_id == "cr" ? &cr : nullptr;
    const CreateResult r = Decide(t, {existing, debit, credit, pending, now});
    if (r == CreateResult::kOk) transfers[t.id] = Apply(t, now, *debit, *credit, pending);
    return r;
  }
};

TEST_CASE("A single-phase transfer posts to both accounts, and its entries sum to zero") {
  Book b;
  REQUIRE(b.Try(Move("t1", 1990)) == CreateResult::kOk);
  CHECK(b.dr.debits_posted == 1990);
  CHECK(b.cr.credits_posted == 1990);
  CHECK(b.dr.Balance() == 1990);
  CHECK(b.cr.Balance() == -1990);

  const Transfer& stored = b.transfers["t1"];
  CHECK(stored.timestamp == kNow);
  CHECK(stored.status == PendingStatus::kNone);
  const std::vector<Entry> entries = EntriesOf(stored);
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].id == "t1:debit");
  CHECK(entries[0].account_id == "dr");
  CHECK(entries[0].amount == 1990);
  CHECK(entries[1].account_id == "cr");
  CHECK(entries[1].amount == -1990);
  CHECK(entries[1].source_event == "order:1:placed");
  CHECK(entries[1].post_time == kNow);
}

TEST_CASE("A request wrong on its own is refused naming the field") {
  struct Case {
    Transfer t;
    CreateResult want;
    std::string field;
  };
  Transfer both_flags = Hold("t", 5);
  both_flags.flags.post_pending = true;
  Transfer timeout_not_pending = Move("t", 5);
  timeout_not_pending.timeout = absl::Seconds(1);
  Transfer with_pending_id = Move("t", 5);
  with_pending_id.pending_id = "p";
  Transfer lower_case = Move("t", 5);
  lower_case.currency = "cny";
  const std::vector<Case> cases = {
      {Move("", 5), CreateResult::kIdMustNotBeEmpty, "id"},
      {Move(std::string(129, 'x'), 5), CreateResult::kIdTooLong, "id"},
      {Move("t", 0), CreateResult::kAmountMustNotBeZero, "amount"},
      {Move("t", -5), CreateResult::kAmountMustNotBeNegative, "amount"},
      {Move("t", 5, "dr", "dr"), CreateResult::kAccountsMustBeDifferent, "creditAccountId"},
      {Move("t", 5, ""), CreateResult::kDebitAccountIdMustNotBeEmpty, "debitAccountId"},
      {both_flags, CreateResult::kFlagsAreMutuallyExclusive, "flags"},
      {timeout_not_pending, CreateResult::kTimeoutReservedForPendingTransfer, "timeout"},
      {Hold("t", 5, absl::Seconds(-1)), CreateResult::kTimeoutMustNotBeNegative, "timeout"},
      {with_pending_id, CreateResult::kPendingIdMustBeEmpty, "pendingId"},
      {lower_case, CreateResult::kInvalidCurrency, "currency"},
      {Close("t", "", 0), CreateResult::kPendingIdMustNotBeEmpty, "pendingId"},
      {Close("t", "t", 0), CreateResult::kPendingIdMustBeDifferent, "pendingId"},
  };
  for (const Case& c : cases) {
    Book b;
    INFO(ResultName(c.want));
    CHECK(b.Try(c.t) == c.want);
    const absl::Status s = ResultStatus(c.want);
    CHECK(s.code() == absl::StatusCode::kInvalidArgument);
    const auto violations = core::FieldViolations(s);
    REQUIRE(violations.size() == 1);
    CHECK(violations[0].field == c.field);
    CHECK(b.transfers.empty());
    CHECK(b.dr == NewAccount("dr"));
  }
}

TEST_CASE(
    "The same id with the same inputs is kExists and changes nothing, other inputs are "
    "refused naming the field") {
  Book b;
  REQUIRE(b.Try(Move("order:1:fee", 300)) == CreateResult::kOk);
  const Account dr = b.dr;
  CHECK(b.Try(Move("order:1:fee", 300)) == CreateResult::kExists);
  CHECK(ResultStatus(CreateResult::kExists).ok());
  CHECK(b.dr == dr);

  Transfer other_amount = Move("order:1:fee", 301);
  Transfer other_event = Move("order:1:fee", 300);
  other_event.source_event = "order:2:placed";
  Transfer other_memo = Move("order:1:fee", 300);
  other_memo.memo = "fee, again";
  Transfer other_flags = Hold("order:1:fee", 300);
  Transfer other_currency = Move("order:1:fee", 300);
  other_currency.currency = "USD";
  CHECK(b.Try(other_amount) == CreateResult::kExistsWithDifferentAmount);
  CHECK(b.Try(Move("order:1:fee", 300, "x")) == CreateResult::kExistsWithDifferentDebitAccountId);
  CHECK(b.Try(Move("order:1:fee", 300, "dr", "x")) ==
        CreateResult::kExistsWithDifferentCreditAccountId);
  CHECK(b.Try(other_event) == CreateResult::kExistsWithDifferentSourceEvent);
  CHECK(b.Try(other_memo) == CreateResult::kExistsWithDifferentMemo);
  CHECK(b.Try(other_flags) == CreateResult::kExistsWithDifferentFlags);
  CHECK(b.Try(other_currency) == CreateResult::kExistsWithDifferentCurrency);
  CHECK(b.dr == dr);

  const absl::Status s = ResultStatus(CreateResult::kExistsWithDifferentAmount);
  CHECK(s.code() == absl::StatusCode::kAlreadyExists);
  CHECK(absl::StartsWith(s.message(), "amount: "));
}

TEST_CASE("A replay answers kExists even when the balance no longer allows the transfer") {
  Book b;
  b.dr.flags.debits_must_not_exceed_credits = true;
  b.dr.credits_posted = 100;
  REQUIRE(b.Try(Move("payout:1", 100)) == CreateResult::kOk);
  CHECK(b.Try(Move("payout:1", 100)) == CreateResult::kExists);
  CHECK(b.Try(Move("payout:2", 1)) == CreateResult::kExceedsCredits);
}

TEST_CASE("A limited account never goes negative, pending amounts counted") {
  Book b;
  b.dr.flags.debits_must_not_exceed_credits = true;
  b.dr.credits_posted = 100;  // what the account has
  REQUIRE(b.Try(Hold("hold", 60)) == CreateResult::kOk);
  CHECK(b.Try(Move("too-much", 41)) == CreateResult::kExceedsCredits);
  CHECK(b.Try(Hold("too-much", 41)) == CreateResult::kExceedsCredits);
  CHECK(b.Try(Move("rest", 40)) == CreateResult::kOk);
  CHECK(b.dr.debits_pending + b.dr.debits_posted == b.dr.credits_posted);
  CHECK(ResultStatus(CreateResult::kExceedsCredits).code() ==
        absl::StatusCode::kFailedPrecondition);

  // The other way round: a debit-normal balance (what a party owes the
  // platform) cannot be credited past zero either.
  Book c;
  c.cr.flags.credits_must_not_exceed_debits = true;
  c.cr.debits_posted = 50;
  CHECK(c.Try(Hold("h", 30)) == CreateResult::kOk);
  CHECK(c.Try(Move("m", 21)) == CreateResult::kExceedsDebits);
  CHECK(c.Try(Move("m", 20)) == CreateResult::kOk);
}

TEST_CASE("A partial post posts what it says and releases the rest") {
  Book b;
  REQUIRE(b.Try(Hold("hold", 1000)) == CreateResult::kOk);
  CHECK(b.dr.debits_pending == 1000);
  CHECK(b.cr.credits_pending == 1000);
  CHECK(EntriesOf(b.transfers["hold"]).empty());  // a reservation posts nothing

  REQUIRE(b.Try(Close("post", "hold", 700)) == CreateResult::kOk);
  CHECK(b.dr.debits_pending == 0);
  CHECK(b.cr.credits_pending == 0);
  CHECK(b.dr.debits_posted == 700);
  CHECK(b.cr.credits_posted == 700);
  CHECK(b.transfers["hold"].status == PendingStatus::kPosted);
  // The post is stored complete: the pending transfer's accounts and code.
  const Transfer& post = b.transfers["post"];
  CHECK(post.debit_account_id == "dr");
  CHECK(post.code == "platform_fee");
  CHECK(EntriesOf(post).size() == 2);

  // Replaying the post, even leaving the amount out, is kExists only when
  // it means the same amount.
  CHECK(b.Try(Close("post", "hold", 700)) == CreateResult::kExists);
  CHECK(b.Try(Close("post", "hold", 0)) == CreateResult::kExistsWithDifferentAmount);
  CHECK(b.Try(Close("again", "hold", 0)) == CreateResult::kPendingTransferAlreadyPosted);
  CHECK(b.Try(Close("void", "hold", 0, true)) == CreateResult::kPendingTransferAlreadyPosted);
}

TEST_CASE("A post for 0 posts the whole pending amount") {
  Book b;
  REQUIRE(b.Try(Hold("hold", 250)) == CreateResult::kOk);
  REQUIRE(b.Try(Close("post", "hold", 0)) == CreateResult::kOk);
  CHECK(b.transfers["post"].amount == 250);
  CHECK(b.dr.debits_posted == 250);
  CHECK(b.Try(Close("post", "hold", 0)) == CreateResult::kExists);
  CHECK(b.Try(Close("post", "hold", 250)) == CreateResult::kExists);
}

TEST_CASE("A void releases the reservation, and nothing can post it after") {
  Book b;
  REQUIRE(b.Try(Hold("hold", 500)) == CreateResult::kOk);
  CHECK(b.Try(Close("void", "hold", 499, true)) ==
        CreateResult::kPendingTransferHasDifferentAmount);
  REQUIRE(b.Try(Close("void", "hold", 0, true)) == CreateResult::kOk);
  CHECK(b.dr.debits_pending == 0);
  CHECK(b.dr.debits_posted == 0);
  CHECK(b.transfers["hold"].status == PendingStatus::kVoided);
  CHECK(EntriesOf(b.transfers["void"]).empty());
  CHECK(b.Try(Close("post", "hold", 0)) == CreateResult::kPendingTransferAlreadyVoided);
  CHECK(b.Try(Close("void", "hold", 500, true)) == CreateResult::kExists);
}

TEST_CASE("A post must match its pending transfer") {
  Book b;
  REQUIRE(b.Try(Hold("hold", 500)) == CreateResult::kOk);
  REQUIRE(b.Try(Move("plain", 5)) == CreateResult::kOk);
  CHECK(b.Try(Close("p", "nope", 0)) == CreateResult::kPendingTransferNotFound);
  CHECK(b.Try(Close("p", "plain", 0)) == CreateResult::kPendingTransferNotPending);
  CHECK(b.Try(Close("p", "hold", 501)) == CreateResult::kExceedsPendingTransferAmount);
  Transfer other_account = Close("p", "hold", 0);
  other_account.credit_account_id = "elsewhere";
  CHECK(b.Try(other_account) == CreateResult::kPendingTransferHasDifferentCreditAccountId);
  Transfer other_code = Close("p", "hold", 0);
  other_code.code = "cpc";
  CHECK(b.Try(other_code) == CreateResult::kPendingTransferHasDifferentCode);
  Transfer other_currency = Close("p", "hold", 0);
  other_currency.currency = "USD";
  CHECK(b.Try(other_currency) == CreateResult::kPendingTransferHasDifferentCurrency);
  // Naming what the pending transfer has is fine.
  Transfer explicit_post = Close("p", "hold", 0);
  explicit_post.debit_account_id = "dr";
  explicit_post.credit_account_id = "cr";
  explicit_post.currency = "CNY";
  CHECK(b.Try(explicit_post) == CreateResult::kOk);
}

TEST_CASE("An expired pending transfer cannot be posted, and expiring releases it") {
  Book b;
  REQUIRE(b.Try(Hold("hold", 500, absl::Minutes(10))) == CreateResult::kOk);
  CHECK(ExpiresAt(b.transfers["hold"]) == kNow + absl::Minutes(10));
  CHECK(b.Try(Close("early", "hold", 100), kNow + absl::Minutes(9)) == CreateResult::kOk);

  REQUIRE(b.Try(Hold("hold2", 300, absl::Minutes(10))) == CreateResult::kOk);
  const absl::Time later = kNow + absl::Minutes(10);
  CHECK(b.Try(Close("late", "hold2", 0), later) == CreateResult::kPendingTransferExpired);
  CHECK(b.Try(Close("late", "hold2", 0, true), later) == CreateResult::kPendingTransferExpired);
  // Until a store expires it, the reservation still counts.
  CHECK(b.dr.debits_pending == 300);
  Expire(b.transfers["hold2"], b.dr, b.cr);
  CHECK(b.dr.debits_pending == 0);
  CHECK(b.cr.credits_pending == 0);
  CHECK(b.transfers["hold2"].status == PendingStatus::kExpired);
  CHECK(b.Try(Close("late", "hold2", 0), later) == CreateResult::kPendingTransferExpired);
  CHECK_FALSE(ExpiresAt(Hold("forever", 1)).has_value());
}

TEST_CASE("Overflow is refused, never wrapped") {
  Book b;
  b.dr.debits_posted = INT64_MAX - 10;
  b.cr.credits_posted = 0;
  CHECK(b.Try(Move("t", 11)) == CreateResult::kOverflowsDebitsPosted);
  CHECK(b.Try(Move("t", 10)) == CreateResult::kOk);
  CHECK(b.dr.debits_posted == INT64_MAX);

  Book c;
  c.dr.debits_posted = INT64_MAX - 10;
  CHECK(c.Try(Hold("h", 11)) == CreateResult::kOverflowsDebits);  // pending + posted must fit
  c.cr.credits_pending = INT64_MAX;
  CHECK(c.Try(Hold("h", 1)) == CreateResult::kOverflowsCreditsPending);
  CHECK(c.Try(Hold("h", 1, absl::InfiniteDuration())) == CreateResult::kOverflowsCreditsPending);
  c.cr.credits_pending = 0;
  CHECK(c.Try(Hold("h", 1, absl::InfiniteDuration())) == CreateResult::kOverflowsTimeout);
  CHECK(ResultStatus(CreateResult::kOverflowsDebits).code() == absl::StatusCode::kOutOfRange);
}

TEST_CASE("Accounts must exist and share the transfer's currency") {
  Book b;
  CHECK(b.Try(Move("t", 5, "nobody")) == CreateResult::kDebitAccountNotFound);
  CHECK(b.Try(Move("t", 5, "dr", "nobody")) == CreateResult::kCreditAccountNotFound);
  b.cr.currency = "USD";
  CHECK(b.Try(Move("t", 5)) == CreateResult::kAccountsMustHaveTheSameCurrency);
  b.cr.currency = "CNY";
  Transfer usd = Move("t", 5);
  usd.currency = "USD";
  CHECK(b.Try(usd) == CreateResult::kTransferMustHaveTheSameCurrencyAsAccounts);
  CHECK(ResultStatus(CreateResult::kDebitAccountNotFound).code() == absl::StatusCode::kNotFound);
}

TEST_CASE("Every result has its own name and a message") {
  std::set<std::string> names;
  for (int i = 0; i <= static_cast<int>(CreateResult::kExceedsDebits); ++i) {
    const auto r = static_cast<CreateResult>(i);
    INFO(i);
    CHECK(names.insert(std::string(ResultName(r))).second);
    CHECK_FALSE(ResultMessage(r).empty());
    CHECK(ResultStatus(r).ok() == (r == CreateResult::kOk || r == CreateResult::kExists));
  }
  CHECK(ResultName(CreateResult::kExistsWithDifferentAmount) == "exists_with_different_amount");
  CHECK(ResultMessage(CreateResult::kExceedsCredits).find("exceed") != std::string::npos);
}

TEST_CASE("An account is created once, with zero balances and at most one limit") {
  const Account a = NewAccount("merchant:1:available", {.debits_must_not_exceed_credits = true});
  CHECK(DecideAccount(a, nullptr) == AccountResult::kOk);
  CHECK(DecideAccount(a, &a) == AccountResult::kExists);
  Account other = a;
  other.flags = {};
  CHECK(DecideAccount(other, &a) == AccountResult::kExistsWithDifferentFlags);
  other = a;
  other.party_id = "2";
  CHECK(DecideAccount(other, &a) == AccountResult::kExistsWithDifferentParty);
  CHECK(ResultStatus(AccountResult::kExistsWithDifferentParty).code() ==
        absl::StatusCode::kAlreadyExists);

  CHECK(DecideAccount(NewAccount(""), nullptr) == AccountResult::kIdMustNotBeEmpty);
  Account both = NewAccount("x", {true, true});
  CHECK(DecideAccount(both, nullptr) == AccountResult::kFlagsAreMutuallyExclusive);
  Account funded = NewAccount("x");
  funded.credits_posted = 1;
  CHECK(DecideAccount(funded, nullptr) == AccountResult::kBalancesMustBeZero);
  Account usd = NewAccount("x");
  usd.currency = "usd";
  CHECK(DecideAccount(usd, nullptr) == AccountResult::kInvalidCurrency);
  CHECK(core::FieldViolations(ResultStatus(AccountResult::kInvalidCurrency))[0].field ==
        "currency");
}

}  // namespace
}  // namespace qrcloud::ledger
