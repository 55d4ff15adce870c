// The ledger's invariants, verified from its rows alone (what
// `qrcloudctl ledger check` runs, docs/ledger.md): it trusts no balance and
// recomputes each from the transfers.
//
//  - Every transfer is well formed and names two different accounts that
//    exist, in its currency; a post or void names a pending transfer with the
//    same accounts, currency and code, and for at most its amount (a void:
//    exactly it); a pending transfer's status agrees with the transfers that
//    closed it (posted: one post, voided: one void, pending or expired: none).
//  - Every account's four balances equal the sum of its transfers: a pending
//    transfer still pending counts in debits_pending / credits_pending, a
//    single-phase transfer or a post in debits_posted / credits_posted; a
//    voided or expired reservation counts nowhere.
//  - No balance is negative, and an account with a limit keeps it.
//  - Per currency, all accounts' posted debits equal their posted credits
//    (all entries sum to 0), and so do pending debits and credits.
#ifndef QRCLOUD_LIBS_LEDGER_CHECK_H_
#define QRCLOUD_LIBS_LEDGER_CHECK_H_

#include <map>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "absl/numeric/int128.h"
#include "libs/ledger/ledger_rules.h"

namespace qrcloud::ledger {

// Each problem found, one sentence an operator reads, naming the account or
// transfer; empty when the ledger is consistent.
std::vector<std::string> Check(std::span<const Account> accounts,
                               std::span<const Transfer> transfers);

// The same check fed a row at a time, for a ledger too big to hold: add
// every account first, then the transfers in any order, then Finish(). It
// keeps the accounts, each transfer's id, and the pending transfers and
// their posts and voids.
class Checker {
 public:
  void Add(const Account& account);
  void Add(const Transfer& transfer);
  // The problems found; call once, after the last Add.
  std::vector<std::string> Finish();

 private:
  // Recomputed balances; wide so that damaged rows cannot overflow them.
  struct Sums {
    absl::int128 debits_pending = 0;
    absl::int128 debits_posted = 0;
    absl::int128 credits_pending = 0;
    absl::int128 credits_posted = 0;
  };

  void Problem(std::string text) { problems_.push_back(std::move(text)); }
  // The checks every transfer gets; false when it cannot be counted.
  bool CheckShape(const Transfer& t);
  void CheckClosing(const Transfer& closing);
  void CheckAccount(const Account& account, const Sums& sums);

  std::map<std::string, Account> accounts_;
  std::map<std::string, Sums> sums_;
  std::set<std::string> transfer_ids_;
  std::map<std::string, Transfer> pending_;  // transfers created pending, by id
  std::vector<Transfer> closing_;            // posts and voids
  std::map<std::string, int> closed_;        // pending id → posts and voids naming it
  std::vector<std::string> problems_;
};

}  // namespace qrcloud::ledger

#endif  // QRCLOUD_LIBS_LEDGER_CHECK_H_
