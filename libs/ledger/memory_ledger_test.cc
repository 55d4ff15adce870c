// The ledger in memory: batches, linked chains, expiry, entries, and the
// invariant check, ending with thousands of random transfers after which the
// check still finds nothing.
#include "libs/ledger/memory_ledger.h"

#include <catch2/catch.hpp>

#include <map>
#include <random>

#include "absl/numeric/int128.h"
#include "absl/strings/str_cat.h"
#include "libs/ledger/check.h"

namespace qrcloud::ledger {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1767225600);  // 2026-01-01Z
using R = CreateResult;

Transfer Move(std::string id, std::string debit, std::string credit, int64_t amount) {
  return Transfer{.id = std::move(id),
                  .debit_account_id = std::move(debit),
                  .credit_account_id = std::move(credit),
                  .amount = amount,
                  .currency = "CNY",
                  .source_event = "test",
                  .code = "test"};
}

Transfer Linked(Transfer t) {
  t.flags.linked = true;
  return t;
}

Transfer Hold(std::string id, std::string debit, std::string credit, int64_t amount,
              absl::Duration timeout = absl::ZeroDuration()) {
  Transfer t = Move(std::move(id), std::move(debit), std::move(credit), amount);
  t.flags.pending = true;
  t.timeout = timeout;
  return t;
}

Transfer Post(std::string id, std::string pending_id, int64_t amount = 0) {
  Transfer t{.id = std::move(id), .amount = amount, .pending_id = std::move(pending_id)};
  t.flags.post_pending = true;
  return t;
}

Transfer Void(std::string id, std::string pending_id) {
  Transfer t{.id = std::move(id), .pending_id = std::move(pending_id)};
  t.flags.void_pending = true;
  return t;
}

// A platform bank account (no limit), and two credit-normal balances that
// may not go below zero: what the platform owes a merchant, and a party's
// wallet.
struct World {
  MemoryLedger ledger;
  World() {
    REQUIRE(ledger.CreateAccount({.id = "bank", .currency = "CNY"}) == AccountResult::kOk);
    REQUIRE(ledger.CreateAccount({.id = "merchant",
                                  .party_kind = "merchant",
                                  .party_id = "m1",
                                  .currency = "CNY",
                                  .flags = {.debits_must_not_exceed_credits = true}}) ==
            AccountResult::kOk);
    REQUIRE(ledger.CreateAccount({.id = "wallet",
                                  .currency = "CNY",
                                  .flags = {.debits_must_not_exceed_credits = true}}) ==
            AccountResult::kOk);
  }
  Account Get(const std::string& id) { return *ledger.LookupAccount(id); }
  std::vector<std::string> Problems() { return Check(ledger.Accounts(), ledger.Transfers()); }
};

TEST_CASE("Replaying a transfer changes nothing") {
  World w;
  REQUIRE(w.ledger.CreateTransfer(Move("order:1:paid", "bank", "wallet", 5000), kNow) == R::kOk);
  const std::vector<Account> before = w.ledger.Accounts();
  CHECK(w.ledger.CreateTransfer(Move("order:1:paid", "bank", "wallet", 5000), kNow) == R::kExists);
  CHECK(w.ledger.CreateTransfer(Move("order:1:paid", "bank", "wallet", 5000),
                                kNow + absl::Hours(24)) == R::kExists);
  CHECK(w.ledger.Accounts() == before);
  CHECK(w.ledger.Transfers().size() == 1);
  CHECK(w.ledger.Entries("wallet").size() == 1);
  CHECK(w.ledger.CreateAccount({.id = "bank", .currency = "CNY"}) == AccountResult::kExists);
}

TEST_CASE("The same id with another amount is refused and changes nothing") {
  World w;
  REQUIRE(w.ledger.CreateTransfer(Move("order:1:fee", "bank", "wallet", 300), kNow) == R::kOk);
  const std::vector<Account> before = w.ledger.Accounts();
  CHECK(w.ledger.CreateTransfer(Move("order:1:fee", "bank", "wallet", 301), kNow) ==
        R::kExistsWithDifferentAmount);
  CHECK(w.ledger.Accounts() == before);
  CHECK(w.ledger.LookupTransfer("order:1:fee")->amount == 300);
}

TEST_CASE("A batch is decided transfer by transfer, and a refused transfer is not kept") {
  World w;
  const std::vector<Transfer> batch = {Move("in", "bank", "wallet", 100),
                                       Move("out", "wallet", "bank", 150),
                                       Move("out-ok", "wallet", "bank", 100)};
  CHECK(w.ledger.CreateTransfers(batch, kNow) ==
        std::vector<R>{R::kOk, R::kExceedsCredits, R::kOk});
  CHECK_FALSE(w.ledger.LookupTransfer("out").has_value());
  // Once the wallet has the money, the refused id can be used.
  REQUIRE(w.ledger.CreateTransfer(Move("in-2", "bank", "wallet", 150), kNow) == R::kOk);
  CHECK(w.ledger.CreateTransfer(Move("out", "wallet", "bank", 150), kNow) == R::kOk);
  CHECK(w.Get("wallet").Balance() == 0);
  CHECK(w.Problems().empty());
}

TEST_CASE("A linked chain is created whole or not at all") {
  World w;
  REQUIRE(w.ledger.CreateTransfer(Move("fund", "bank", "wallet", 100), kNow) == R::kOk);
  const std::vector<Account> before = w.ledger.Accounts();
  // The third would overdraw the wallet: the first two are undone too.
  const std::vector<Transfer> chain = {Linked(Move("a", "wallet", "merchant", 60)),
                                       Linked(Hold("b", "bank", "wallet", 10, absl::Hours(1))),
                                       Move("c", "wallet", "bank", 50)};
  CHECK(w.ledger.CreateTransfers(chain, kNow) ==
        std::vector<R>{R::kLinkedEventFailed, R::kLinkedEventFailed, R::kExceedsCredits});
  CHECK(w.ledger.Accounts() == before);
  CHECK(w.ledger.Transfers().size() == 1);
  CHECK(w.ledger.Entries("merchant").empty());
  CHECK(w.ledger.ExpirePendingTransfers(kNow + absl::Hours(2)) == 0);  // "b" left no timer

  // The same chain, with what it needs: all of it, then a replay of all of it.
  const std::vector<Transfer> fixed = {Linked(Move("a", "wallet", "merchant", 60)),
                                       Linked(Hold("b", "bank", "wallet", 10, absl::Hours(1))),
                                       Move("c", "wallet", "bank", 40)};
  CHECK(w.ledger.CreateTransfers(fixed, kNow) == std::vector<R>{R::kOk, R::kOk, R::kOk});
  const std::vector<Account> after = w.ledger.Accounts();
  CHECK(w.ledger.CreateTransfers(fixed, kNow) ==
        std::vector<R>{R::kExists, R::kExists, R::kExists});
  CHECK(w.ledger.Accounts() == after);

  // A chain left open at the end of a batch is created not at all.
  CHECK(w.ledger.CreateTransfers(
            {{Linked(Move("d", "bank", "merchant", 1)), Linked(Move("e", "bank", "merchant", 1))}},
            kNow) == std::vector<R>{R::kLinkedEventFailed, R::kLinkedEventChainOpen});
  CHECK_FALSE(w.ledger.LookupTransfer("d").has_value());
  CHECK(w.Problems().empty());
}

TEST_CASE("A chain that posts a pending transfer and then fails leaves it pending") {
  World w;
  REQUIRE(w.ledger.CreateTransfer(Hold("hold", "bank", "wallet", 80, absl::Hours(1)), kNow) ==
          R::kOk);
  const std::vector<Transfer> chain = {Linked(Post("post", "hold", 50)),
                                       Move("overdraw", "wallet", "bank", 51)};
  CHECK(w.ledger.CreateTransfers(chain, kNow) ==
        std::vector<R>{R::kLinkedEventFailed, R::kExceedsCredits});
  CHECK(w.ledger.LookupTransfer("hold")->status == PendingStatus::kPending);
  CHECK(w.Get("wallet").credits_pending == 80);
  CHECK(w.Get("wallet").credits_posted == 0);
  CHECK(w.Problems().empty());
  // Its timer survived the undo.
  CHECK(w.ledger.ExpirePendingTransfers(kNow + absl::Hours(1)) == 1);
  CHECK(w.Get("wallet").credits_pending == 0);
}

TEST_CASE("A partial post releases the rest, and a post after a void is refused") {
  World w;
  REQUIRE(w.ledger.CreateTransfer(Move("fund", "bank", "wallet", 1000), kNow) == R::kOk);
  REQUIRE(w.ledger.CreateTransfer(Hold("hold", "wallet", "merchant", 600), kNow) == R::kOk);
  CHECK(w.ledger.CreateTransfer(Move("spend", "wallet", "bank", 401), kNow) == R::kExceedsCredits);
  REQUIRE(w.ledger.CreateTransfer(Post("post", "hold", 450), kNow) == R::kOk);
  const Account wallet = w.Get("wallet");
  CHECK(wallet.debits_pending == 0);
  CHECK(wallet.debits_posted == 450);
  CHECK(w.ledger.CreateTransfer(Move("spend", "wallet", "bank", 550), kNow) == R::kOk);

  REQUIRE(w.ledger.CreateTransfer(Hold("hold2", "bank", "wallet", 70), kNow) == R::kOk);
  REQUIRE(w.ledger.CreateTransfer(Void("void2", "hold2"), kNow) == R::kOk);
  CHECK(w.ledger.CreateTransfer(Post("post2", "hold2"), kNow) == R::kPendingTransferAlreadyVoided);
  CHECK(w.Get("wallet").credits_pending == 0);
  CHECK(w.Problems().empty());
}

TEST_CASE("An expired pending transfer cannot be posted, and its reservation is released") {
  World w;
  REQUIRE(w.ledger.CreateTransfer(Move("fund", "bank", "wallet", 100), kNow) == R::kOk);
  REQUIRE(w.ledger.CreateTransfer(Hold("hold", "wallet", "merchant", 100, absl::Minutes(30)),
                                  kNow) == R::kOk);
  CHECK(w.ledger.CreateTransfer(Move("spend", "wallet", "bank", 1), kNow + absl::Minutes(29)) ==
        R::kExceedsCredits);
  // A batch expires what is due first, so the money is free again.
  const absl::Time later = kNow + absl::Minutes(30);
  CHECK(w.ledger.CreateTransfer(Post("post", "hold"), later) == R::kPendingTransferExpired);
  CHECK(w.ledger.LookupTransfer("hold")->status == PendingStatus::kExpired);
  CHECK(w.Get("wallet").debits_pending == 0);
  CHECK(w.ledger.CreateTransfer(Move("spend", "wallet", "bank", 100), later) == R::kOk);
  CHECK(w.Problems().empty());
}

TEST_CASE("Entries show each posting as LedgerEntry does, and sum to the balance") {
  World w;
  REQUIRE(w.ledger.CreateTransfer(Move("order:1:paid", "bank", "merchant", 1990), kNow) == R::kOk);
  REQUIRE(w.ledger.CreateTransfer(Hold("hold", "merchant", "bank", 500), kNow) == R::kOk);
  REQUIRE(w.ledger.CreateTransfer(Post("payout:1", "hold", 0), kNow + absl::Hours(1)) == R::kOk);

  const std::vector<Entry> merchant = w.ledger.Entries("merchant");
  REQUIRE(merchant.size() == 2);  // the hold itself posted nothing
  CHECK(merchant[0].id == "order:1:paid:credit");
  CHECK(merchant[0].amount == -1990);
  CHECK(merchant[1].id == "payout:1:debit");
  CHECK(merchant[1].amount == 500);
  CHECK(merchant[1].post_time == kNow + absl::Hours(1));
  CHECK(merchant[1].source_event == "test");  // the pending transfer's, as the post gave none
  CHECK(merchant[0].amount + merchant[1].amount == w.Get("merchant").Balance());
  CHECK(w.Get("merchant").Balance() == -1490);  // the platform owes the merchant 14.90
}

TEST_CASE("The check finds a tampered balance, a tampered transfer and a broken pending status") {
  World w;
  REQUIRE(w.ledger.CreateTransfer(Move("fund", "bank", "wallet", 1000), kNow) == R::kOk);
  REQUIRE(w.ledger.CreateTransfer(Hold("hold", "wallet", "merchant", 300), kNow) == R::kOk);
  REQUIRE(w.ledger.CreateTransfer(Post("post", "hold", 200), kNow) == R::kOk);
  REQUIRE(w.Problems().empty());

  std::vector<Account> accounts = w.ledger.Accounts();
  std::vector<Transfer> transfers = w.ledger.Transfers();
  accounts[2].credits_posted += 1;  // "wallet", sorted by id
  REQUIRE(accounts[2].id == "wallet");
  std::vector<std::string> problems = Check(accounts, transfers);
  REQUIRE(problems.size() == 2);
  CHECK(problems[0] == "account \"wallet\": credits_posted is 1001 but its transfers sum to 1000");
  CHECK(problems[1] ==
        "CNY: the accounts' posted debits total 1200 but their posted credits "
        "total 1201");

  accounts = w.ledger.Accounts();
  transfers[0].amount = 999;
  problems = Check(accounts, transfers);
  CHECK(problems.size() == 2);  // both of its accounts disagree with it

  transfers = w.ledger.Transfers();
  transfers[1].status = PendingStatus::kPending;  // "hold", as if the post never happened
  problems = Check(accounts, transfers);
  REQUIRE_FALSE(problems.empty());
  CHECK(problems[0] ==
        "transfer \"post\" posts pending transfer \"hold\", which is marked pending");
}

// Thousands of random transfers, holds, posts, voids, replays and linked
// chains over limited and unlimited accounts in two currencies: whatever was
// accepted or refused, the check finds nothing, no limit is broken, the
// entries of each currency sum to zero, and replaying everything that went
// through changes nothing.
TEST_CASE("Random traffic never breaks the ledger's invariants") {
  std::mt19937_64 rng(20260101);  // fixed: a failure replays exactly
  auto pick = [&](uint64_t n) { return static_cast<size_t>(rng() % n); };

  MemoryLedger ledger;
  std::map<std::string, std::vector<std::string>> by_currency;
  for (const char* currency : {"CNY", "USD"}) {
    for (int i = 0; i < 12; ++i) {
      Account a{.id = absl::StrCat(currency, ":", i), .currency = currency};
      a.flags.debits_must_not_exceed_credits = i % 3 == 1;
      a.flags.credits_must_not_exceed_debits = i % 3 == 2;
      REQUIRE(ledger.CreateAccount(a) == AccountResult::kOk);
      by_currency[currency].push_back(a.id);
    }
  }

  std::vector<Transfer> accepted;     // the requests that were kOk, as sent
  std::vector<std::string> pendings;  // ids of pending transfers created
  // Each batch's transfers that went through (kOk or kExists): whole chains
  // and single transfers, in order, so they can be sent again as they were.
  std::vector<std::vector<Transfer>> went_through;
  std::map<R, int> seen;
  absl::Time now = kNow;
  int next_id = 0;

  auto fresh = [&]() -> Transfer {
    const std::string currency = pick(2) ? "CNY" : "USD";
    const auto& ids = by_currency[currency];
    const size_t dr = pick(ids.size());
    const size_t cr = (dr + 1 + pick(ids.size() - 1)) % ids.size();
    // Mostly small amounts; now and then one near half an int64, so that
    // sums overflow.
    const int64_t amount =
        pick(150) == 0 ? INT64_MAX / 2 + static_cast<int64_t>(pick(1000)) : 1 + pick(10'000);
    Transfer t{.id = absl::StrCat("t", next_id++),
               .debit_account_id = ids[dr],
               .credit_account_id = ids[cr],
               .amount = amount,
               .currency = currency,
               .source_event = absl::StrCat("event:", next_id / 3),
               .code = "random"};
    t.flags.linked = pick(4) == 0;
    const size_t kind = pick(10);
    if (kind < 3) {
      t.flags.pending = true;
      if (pick(2)) t.timeout = absl::Seconds(1 + pick(120));
    } else if (kind < 6 && !pendings.empty()) {
      Transfer c{.id = t.id, .pending_id = pendings[pick(pendings.size())]};
      c.flags.linked = t.flags.linked;
      if (kind < 5) {
        c.flags.post_pending = true;
        const Transfer p = *ledger.LookupTransfer(c.pending_id);
        c.amount = pick(3) == 0 ? 0 : static_cast<int64_t>(pick(p.amount + 2));
      } else {
        c.flags.void_pending = true;
      }
      return c;
    }
    return t;
  };
  auto random_transfer = [&]() -> Transfer {
    const size_t kind = pick(10);
    if (kind == 0 && !accepted.empty()) return accepted[pick(accepted.size())];  // a replay
    if (kind == 1 && !accepted.empty()) {
      Transfer changed = accepted[pick(accepted.size())];
      changed.memo = "changed";  // the same id with another input
      return changed;
    }
    return fresh();
  };

  for (int round = 0; round < 4000; ++round) {
    now += absl::Seconds(pick(20));
    std::vector<Transfer> batch(1 + pick(4));
    for (Transfer& t : batch) t = random_transfer();
    const std::vector<R> results = ledger.CreateTransfers(batch, now);
    REQUIRE(results.size() == batch.size());
    went_through.emplace_back();
    for (size_t i = 0; i < batch.size(); ++i) {
      ++seen[results[i]];
      if (results[i] == R::kOk || results[i] == R::kExists) went_through.back().push_back(batch[i]);
      if (results[i] != R::kOk) continue;
      accepted.push_back(batch[i]);
      if (batch[i].flags.pending) pendings.push_back(batch[i].id);
    }
    if (round % 500 == 0) {
      INFO("round " << round);
      REQUIRE(Check(ledger.Accounts(), ledger.Transfers()).empty());
    }
  }

  const std::vector<Account> accounts = ledger.Accounts();
  const std::vector<std::string> problems = Check(accounts, ledger.Transfers());
  for (const std::string& p : problems) UNSCOPED_INFO(p);
  CHECK(problems.empty());

  std::map<std::string, absl::int128> entry_sum;  // by currency
  for (const Account& a : accounts) {
    CHECK(a.debits_pending >= 0);
    CHECK(a.credits_pending >= 0);
    if (a.flags.debits_must_not_exceed_credits) {
      CHECK(a.debits_pending + a.debits_posted <= a.credits_posted);
    }
    if (a.flags.credits_must_not_exceed_debits) {
      CHECK(a.credits_pending + a.credits_posted <= a.debits_posted);
    }
    absl::int128 sum = 0;
    for (const Entry& e : ledger.Entries(a.id)) sum += e.amount;
    CHECK((sum == a.Balance()));
    entry_sum[a.currency] += sum;
  }
  CHECK(entry_sum.size() == 2);
  for (const auto& [currency, sum] : entry_sum) {
    INFO(currency);
    CHECK((sum == 0));
  }

  // The traffic reached what it was meant to reach.
  INFO("accepted " << accepted.size());
  CHECK(accepted.size() > 3000);
  for (R r : {R::kExists, R::kExistsWithDifferentMemo, R::kExceedsCredits, R::kExceedsDebits,
              R::kPendingTransferAlreadyPosted, R::kPendingTransferAlreadyVoided,
              R::kPendingTransferExpired, R::kExceedsPendingTransferAmount, R::kLinkedEventFailed,
              R::kLinkedEventChainOpen}) {
    INFO(ResultName(r));
    CHECK(seen[r] > 0);
  }
  CHECK(seen[R::kOverflowsDebitsPosted] + seen[R::kOverflowsCreditsPosted] +
            seen[R::kOverflowsDebits] + seen[R::kOverflowsCredits] >
        0);

  // Everything that went through, sent again as it was: all kExists, and
  // nothing changes.
  const size_t stored = ledger.Transfers().size();
  for (const std::vector<Transfer>& batch : went_through) {
    for (R r : ledger.CreateTransfers(batch, now)) CHECK(r == R::kExists);
  }
  CHECK(ledger.Transfers().size() == stored);
  CHECK(ledger.Accounts() == accounts);
}

}  // namespace
}  // namespace qrcloud::ledger
