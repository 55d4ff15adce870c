// The decisions of a double-entry ledger, free of storage (docs/ledger.md):
// what an account and a transfer are, whether a transfer may be created, and
// what it does to the balances of its two accounts. The discipline is
// TigerBeetle's: single-phase transfers post at once; a pending transfer
// reserves its amount until a later transfer posts it (all or part) or voids
// it, or its timeout passes; an account may be constrained so that its debits
// never exceed its credits (or the reverse), pending amounts counted; and a
// transfer id is an idempotency key: the same id with the same inputs changes
// nothing, with different inputs it is refused naming the field.
//
// A store runs these in one transaction per transfer, with the rows it reads
// locked (MemoryLedger in memory; the settlement service over MySQL):
//
//   existing = transfer stored under request.id, if any
//   pending  = for a post or void: transfer stored under request.pending_id
//   ids      = Resolve(request, pending)    // which two accounts to lock
//   debit, credit = those accounts, locked in id order
//   result   = Decide(request, {existing, debit, credit, pending, now})
//   if result == kOk:
//     stored = Apply(request, now, debit, credit, pending)
//     write debit, credit, stored, and pending (its status changed)
//
// Every amount is an int64 count of the currency's minor unit (fen for CNY);
// nothing here is floating point, and nothing overflows silently.
#ifndef QRCLOUD_LIBS_LEDGER_LEDGER_RULES_H_
#define QRCLOUD_LIBS_LEDGER_LEDGER_RULES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace qrcloud::ledger {

// Column sizes a store must allow; longer is refused, never cut.
inline constexpr size_t kMaxIdBytes = 128;  // account, transfer and pending ids, source_event
inline constexpr size_t kMaxCodeBytes = 32;
inline constexpr size_t kMaxMemoBytes = 256;

struct AccountFlags {
  // The account's debits (pending and posted) may never exceed its posted
  // credits. For a credit-normal balance, such as what the platform owes a
  // merchant: a payout or claw-back never takes it below zero.
  bool debits_must_not_exceed_credits = false;
  // Its credits (pending and posted) may never exceed its posted debits. For
  // a debit-normal balance, such as what a party owes the platform.
  bool credits_must_not_exceed_debits = false;

  friend bool operator==(const AccountFlags&, const AccountFlags&) = default;
};

struct Account {
  std::string id;          // e.g. "merchant:<id>:available"
  std::string party_kind;  // platform, merchant, agent, partner; may be empty
  std::string party_id;    // may be empty (the platform's own accounts)
  std::string currency;    // ISO 4217, e.g. CNY
  AccountFlags flags;

  // Minor units. Only the ledger changes these; a new account has all four 0.
  int64_t debits_pending = 0;
  int64_t debits_posted = 0;
  int64_t credits_pending = 0;
  int64_t credits_posted = 0;

  // debits_posted − credits_posted: the sum of the account's entries.
  int64_t Balance() const { return debits_posted - credits_posted; }

  friend bool operator==(const Account&, const Account&) = default;
};

// At most one of pending, post_pending and void_pending.
struct TransferFlags {
  // This transfer succeeds or fails together with the next one in its batch;
  // a chain ends at the first transfer without `linked`.
  bool linked = false;
  // Reserve the amount (debits_pending, credits_pending) instead of posting.
  bool pending = false;
  // Post the pending transfer `pending_id` names: all of it, or part with the
  // rest released.
  bool post_pending = false;
  // Release the pending transfer `pending_id` names.
  bool void_pending = false;

  friend bool operator==(const TransferFlags&, const TransferFlags&) = default;
};

// Where a pending transfer stands. kNone for every other transfer.
enum class PendingStatus { kNone, kPending, kPosted, kVoided, kExpired };

struct Transfer {
  // The idempotency key, e.g. "order:<id>:fee": one id, one transfer.
  std::string id;
  // For a post or void these may be left empty: they are the pending
  // transfer's. Given, they must be the pending transfer's.
  std::string debit_account_id;
  std::string credit_account_id;
  // Minor units, > 0. A post may give 0 for the full pending amount; a void
  // gives 0 or the pending amount.
  int64_t amount = 0;
  // Both accounts' currency; for a post or void, empty means the pending's.
  std::string currency;
  TransferFlags flags;
  // For a post or void: the id of the pending transfer; empty otherwise.
  std::string pending_id;
  // For a pending transfer: after this long it can no longer be posted and
  // its reservation is released. Zero: no timeout. Kept to the microsecond.
  absl::Duration timeout = absl::ZeroDuration();
  // The business event that caused it, e.g. "order:<id>:redeemed"; a post
  // or void without one keeps the pending's.
  std::string source_event;
  // What kind of money movement, e.g. "platform_fee"; for a post or void,
  // empty means the pending's, and given it must be the pending's.
  std::string code;
  std::string memo;  // for people; a post or void without one keeps the pending's

  // Set by the ledger, ignored in a request: when the transfer was accepted
  // (to the microsecond, as MySQL keeps it) and, for a pending transfer, where
  // it stands now.
  absl::Time timestamp = absl::UnixEpoch();
  PendingStatus status = PendingStatus::kNone;

  bool IsPostOrVoid() const { return flags.post_pending || flags.void_pending; }
};

// TigerBeetle's create_transfer results that apply to this ledger, plus the
// length limits a string id needs. Only kOk changes the ledger; kExists
// means the same transfer is already there, and a caller treats it as done.
enum class CreateResult {
  kOk,
  kLinkedEventFailed,     // another transfer of its linked chain failed
  kLinkedEventChainOpen,  // the batch's last transfer has `linked`
  kIdMustNotBeEmpty,
  kIdTooLong,
  kSourceEventTooLong,
  kCodeTooLong,
  kMemoTooLong,
  kFlagsAreMutuallyExclusive,
  kDebitAccountIdMustNotBeEmpty,
  kCreditAccountIdMustNotBeEmpty,
  kAccountsMustBeDifferent,
  kPendingIdMustBeEmpty,
  kPendingIdMustNotBeEmpty,
  kPendingIdMustBeDifferent,
  kTimeoutReservedForPendingTransfer,
  kTimeoutMustNotBeNegative,
  kAmountMustNotBeNegative,
  kAmountMustNotBeZero,
  kInvalidCurrency,
  kExistsWithDifferentFlags,
  kExistsWithDifferentPendingId,
  kExistsWithDifferentTimeout,
  kExistsWithDifferentDebitAccountId,
  kExistsWithDifferentCreditAccountId,
  kExistsWithDifferentAmount,
  kExistsWithDifferentCurrency,
  kExistsWithDifferentCode,
  kExistsWithDifferentSourceEvent,
  kExistsWithDifferentMemo,
  kExists,
  kDebitAccountNotFound,
  kCreditAccountNotFound,
  kAccountsMustHaveTheSameCurrency,
  kTransferMustHaveTheSameCurrencyAsAccounts,
  kPendingTransferNotFound,
  kPendingTransferNotPending,
  kPendingTransferHasDifferentDebitAccountId,
  kPendingTransferHasDifferentCreditAccountId,
  kPendingTransferHasDifferentCurrency,
  kPendingTransferHasDifferentCode,
  kExceedsPendingTransferAmount,
  kPendingTransferHasDifferentAmount,
  kPendingTransferAlreadyPosted,
  kPendingTransferAlreadyVoided,
  kPendingTransferExpired,
  kOverflowsDebitsPending,
  kOverflowsCreditsPending,
  kOverflowsDebitsPosted,
  kOverflowsCreditsPosted,
  kOverflowsDebits,
  kOverflowsCredits,
  kOverflowsTimeout,
  kExceedsCredits,
  kExceedsDebits,
};

// "exists_with_different_amount": TigerBeetle's name, for logs and metrics.
absl::string_view ResultName(CreateResult result);
// What a person reads: "<field>: <what was wrong and what is accepted>", or
// a sentence when no one field is at fault.
std::string ResultMessage(CreateResult result);
// OK for kOk and kExists; otherwise the canonical code a caller answers with
// (INVALID_ARGUMENT for a malformed request, ALREADY_EXISTS for an id reused
// with different inputs, NOT_FOUND for a missing account or pending transfer,
// FAILED_PRECONDITION for a balance limit or a pending transfer no longer
// pending, OUT_OF_RANGE for overflow, ABORTED for a failed linked chain) and
// ResultMessage() (INVALID_ARGUMENT naming the field, as core::InvalidField).
absl::Status ResultStatus(CreateResult result);

// What the ledger holds that a decision depends on. Pointers are null for
// what is not there.
struct Context {
  const Transfer* existing = nullptr;  // the transfer stored under request.id
  // The accounts the resolved request names (see Resolve).
  const Account* debit = nullptr;
  const Account* credit = nullptr;
  // For a post or void: the transfer stored under request.pending_id. Pass it
  // even when `existing` is set: a replay that left fields to the pending
  // transfer is compared as Resolve() fills them in.
  const Transfer* pending = nullptr;
  absl::Time now = absl::UnixEpoch();
};

// The request as it would be stored: for a post or void, what it leaves
// empty taken from `pending` (accounts, currency, code, memo; amount 0 is the
// pending amount); the timeout kept to the microsecond. Without `pending`, the
// request as given. A store reads the account ids to lock from it.
Transfer Resolve(const Transfer& request, const Transfer* pending);

// Whether `request` may be created now. Checked in this order: the request
// on its own; then an existing transfer with its id (kExists when every
// input matches, else kExistsWithDifferent<the first field that differs>),
// so that a replay answers kExists whatever has happened since; then the
// pending transfer a post or void names; then the accounts, their
// currencies, overflow, and the balance limits with pending amounts counted.
CreateResult Decide(const Transfer& request, const Context& context);

// Whether `account` may be created when `existing` is stored under its id.
enum class AccountResult {
  kOk,
  kIdMustNotBeEmpty,
  kIdTooLong,
  kInvalidCurrency,
  kFlagsAreMutuallyExclusive,
  kBalancesMustBeZero,
  kExistsWithDifferentParty,
  kExistsWithDifferentCurrency,
  kExistsWithDifferentFlags,
  kExists,
};
AccountResult DecideAccount(const Account& account, const Account* existing);
absl::string_view ResultName(AccountResult result);
// OK for kOk and kExists; INVALID_ARGUMENT or ALREADY_EXISTS with a message.
absl::Status ResultStatus(AccountResult result);

// Applies a transfer Decide accepted (kOk, with these same accounts and
// pending transfer) and returns it as stored (Resolve(), stamped `now`).
// Single-phase: posts the amount. Pending: adds it to debits_pending and
// credits_pending. Post: takes the pending amount off the pending balances,
// posts the amount given (the rest is released) and marks `pending` posted.
// Void: takes it off and marks `pending` voided.
Transfer Apply(const Transfer& request, absl::Time now, Account& debit, Account& credit,
               Transfer* pending);

// When a pending transfer's timeout passes; nullopt for no timeout.
std::optional<absl::Time> ExpiresAt(const Transfer& pending);
// Releases a pending transfer whose timeout has passed (status kPending,
// ExpiresAt() <= now) and marks it expired. A store runs this for every such
// transfer, before it decides on transfers that could use the released
// amount; until then the reservation still counts against the limits.
void Expire(Transfer& pending, Account& debit, Account& credit);

// One side of a posted transfer, as protos/qrcloud/v1/settlement.proto's
// LedgerEntry shows it: positive on the debit account, negative on the
// credit account, so a transfer's entries sum to 0 and an account's entries
// sum to its Balance().
struct Entry {
  std::string id;  // "<transfer id>:debit" or "<transfer id>:credit"
  std::string transfer_id;
  std::string source_event;
  std::string account_id;
  int64_t amount = 0;
  std::string currency;
  std::string code;
  std::string memo;
  absl::Time post_time;

  friend bool operator==(const Entry&, const Entry&) = default;
};

// The two entries of a stored transfer that posts money (single-phase or a
// post of a pending transfer); none for a pending transfer or a void, which
// move no posted money.
std::vector<Entry> EntriesOf(const Transfer& stored);

}  // namespace qrcloud::ledger

#endif  // QRCLOUD_LIBS_LEDGER_LEDGER_RULES_H_
