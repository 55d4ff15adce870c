// A ledger in memory that runs ledger_rules.h: the engine for unit tests, and
// the reference a benchmark of the settlement service's MySQL store compares
// with. It keeps every guarantee the rules give (idempotent ids, balance
// limits, pending → posted, voided or expired, overflow refused) and the one
// a store adds: a linked chain is created whole or not at all.
//
// Batches: each transfer of a batch is decided in order, against the ledger
// as the transfers before it left it, and gets its own result; a batch is
// not atomic. Transfers that must stand or fall together are linked
// (TransferFlags::linked on every one but the last of the chain): when one of
// them is refused, the chain's other transfers are undone and answer
// kLinkedEventFailed. Unlike TigerBeetle, kExists does not fail a chain, so
// replaying a whole chain answers kExists for each transfer.
//
// A refused transfer is not kept: its id may be used again (say, once the
// account it would have overdrawn has the money).
//
// Thread-compatible: a caller that shares one serializes its calls.
#ifndef QRCLOUD_LIBS_LEDGER_MEMORY_LEDGER_H_
#define QRCLOUD_LIBS_LEDGER_MEMORY_LEDGER_H_

#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/ledger/ledger_rules.h"

namespace qrcloud::ledger {

class MemoryLedger {
 public:
  // kOk creates it; kExists when the same account is there; otherwise
  // refused and nothing changes.
  AccountResult CreateAccount(const Account& account);

  // One result per transfer, in the batch's order. Pending transfers whose
  // timeout has passed by `now` are expired first, and every transfer
  // accepted is stamped `now`.
  std::vector<CreateResult> CreateTransfers(std::span<const Transfer> batch, absl::Time now);
  // A batch of one.
  CreateResult CreateTransfer(const Transfer& transfer, absl::Time now);

  // Releases every pending transfer whose timeout has passed by `now`;
  // returns how many.
  int ExpirePendingTransfers(absl::Time now);

  std::optional<Account> LookupAccount(absl::string_view id) const;
  std::optional<Transfer> LookupTransfer(absl::string_view id) const;
  // The account's entries (EntriesOf), oldest first; they sum to its Balance().
  std::vector<Entry> Entries(absl::string_view account_id) const;

  // Everything, for ledger::Check: accounts by id, transfers in the order
  // they were accepted.
  std::vector<Account> Accounts() const;
  const std::vector<Transfer>& Transfers() const { return transfers_; }

 private:
  // Reverses the changes of a linked chain's transfers, last first.
  using UndoLog = std::vector<std::function<void()>>;

  Account* FindAccount(const std::string& id);
  Transfer* FindTransfer(const std::string& id);
  // Decides and, when accepted, applies one transfer; records how to undo it
  // in `undo` when given.
  CreateResult CreateOne(const Transfer& request, absl::Time now, UndoLog* undo);
  // Creates a linked chain whole, or undoes it at its first refusal.
  void CreateChain(std::span<const Transfer> chain, absl::Time now,
                   std::span<CreateResult> results);

  absl::flat_hash_map<std::string, Account> accounts_;
  std::vector<Transfer> transfers_;
  absl::flat_hash_map<std::string, size_t> transfer_index_;
  // Indexes of the transfers with entries, per account.
  absl::flat_hash_map<std::string, std::vector<size_t>> posted_;
  // Pending transfers with a timeout, by expiry.
  std::multimap<absl::Time, size_t> expiries_;
};

}  // namespace qrcloud::ledger

#endif  // QRCLOUD_LIBS_LEDGER_MEMORY_LEDGER_H_
