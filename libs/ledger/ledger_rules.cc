#include "libs/ledger/ledger_rules.h"

#include <cassert>
#include <iterator>

#include "absl/strings/str_cat.h"
#include "libs/core/clock.h"
#include "libs/core/money.h"
#include "libs/core/status.h"

namespace qrcloud::ledger {
namespace {

using absl::StatusCode;
using R = CreateResult;

struct ResultInfo {
  R result;
  absl::string_view name;
  StatusCode code;
  absl::string_view field;  // lowerCamelCase, as clients see it; empty when none
  absl::string_view description;
};

// The messages below spell out the limits.
static_assert(kMaxIdBytes == 128 && kMaxCodeBytes == 32 && kMaxMemoBytes == 256);

// One row per CreateResult, in the enum's order.
constexpr ResultInfo kResults[] = {
    {R::kOk, "ok", StatusCode::kOk, "", "created"},
    {R::kLinkedEventFailed, "linked_event_failed", StatusCode::kAborted, "",
     "another transfer of its linked chain was refused, so none of the chain was created"},
    {R::kLinkedEventChainOpen, "linked_event_chain_open", StatusCode::kInvalidArgument, "flags",
     "the last transfer of a batch must not be linked: a chain ends with a transfer that is not"},
    {R::kIdMustNotBeEmpty, "id_must_not_be_empty", StatusCode::kInvalidArgument, "id",
     "is required: the transfer's idempotency key, e.g. order:<id>:fee"},
    {R::kIdTooLong, "id_too_long", StatusCode::kInvalidArgument, "id", "must be at most 128 bytes"},
    {R::kSourceEventTooLong, "source_event_too_long", StatusCode::kInvalidArgument, "sourceEvent",
     "must be at most 128 bytes"},
    {R::kCodeTooLong, "code_too_long", StatusCode::kInvalidArgument, "code",
     "must be at most 32 bytes"},
    {R::kMemoTooLong, "memo_too_long", StatusCode::kInvalidArgument, "memo",
     "must be at most 256 bytes"},
    {R::kFlagsAreMutuallyExclusive, "flags_are_mutually_exclusive", StatusCode::kInvalidArgument,
     "flags", "at most one of pending, postPending and voidPending"},
    {R::kDebitAccountIdMustNotBeEmpty, "debit_account_id_must_not_be_empty",
     StatusCode::kInvalidArgument, "debitAccountId", "is required"},
    {R::kCreditAccountIdMustNotBeEmpty, "credit_account_id_must_not_be_empty",
     StatusCode::kInvalidArgument, "creditAccountId", "is required"},
    {R::kAccountsMustBeDifferent, "accounts_must_be_different", StatusCode::kInvalidArgument,
     "creditAccountId", "must not be the debit account"},
    {R::kPendingIdMustBeEmpty, "pending_id_must_be_empty", StatusCode::kInvalidArgument,
     "pendingId", "is only for a transfer that posts or voids a pending one"},
    {R::kPendingIdMustNotBeEmpty, "pending_id_must_not_be_empty", StatusCode::kInvalidArgument,
     "pendingId", "is required to post or void: the id of the pending transfer"},
    {R::kPendingIdMustBeDifferent, "pending_id_must_be_different", StatusCode::kInvalidArgument,
     "pendingId", "must not be this transfer's own id"},
    {R::kTimeoutReservedForPendingTransfer, "timeout_reserved_for_pending_transfer",
     StatusCode::kInvalidArgument, "timeout", "is only for a pending transfer"},
    {R::kTimeoutMustNotBeNegative, "timeout_must_not_be_negative", StatusCode::kInvalidArgument,
     "timeout", "must be 0 (none) or more"},
    {R::kAmountMustNotBeNegative, "amount_must_not_be_negative", StatusCode::kInvalidArgument,
     "amount", "must not be negative: the direction is which account is debited"},
    {R::kAmountMustNotBeZero, "amount_must_not_be_zero", StatusCode::kInvalidArgument, "amount",
     "must be more than 0 minor units"},
    {R::kInvalidCurrency, "invalid_currency", StatusCode::kInvalidArgument, "currency",
     "must be an ISO 4217 code (three letters, e.g. CNY)"},
    {R::kExistsWithDifferentFlags, "exists_with_different_flags", StatusCode::kAlreadyExists,
     "flags", "a transfer with this id exists with other flags; a new transfer needs a new id"},
    {R::kExistsWithDifferentPendingId, "exists_with_different_pending_id",
     StatusCode::kAlreadyExists, "pendingId",
     "a transfer with this id exists for another pending transfer; a new transfer needs a new id"},
    {R::kExistsWithDifferentTimeout, "exists_with_different_timeout", StatusCode::kAlreadyExists,
     "timeout",
     "a transfer with this id exists with another timeout; a new transfer needs a new id"},
    {R::kExistsWithDifferentDebitAccountId, "exists_with_different_debit_account_id",
     StatusCode::kAlreadyExists, "debitAccountId",
     "a transfer with this id exists with another debit account; a new transfer needs a new id"},
    {R::kExistsWithDifferentCreditAccountId, "exists_with_different_credit_account_id",
     StatusCode::kAlreadyExists, "creditAccountId",
     "a transfer with this id exists with another credit account; a new transfer needs a new id"},
    {R::kExistsWithDifferentAmount, "exists_with_different_amount", StatusCode::kAlreadyExists,
     "amount", "a transfer with this id exists with another amount; a new transfer needs a new id"},
    {R::kExistsWithDifferentCurrency, "exists_with_different_currency", StatusCode::kAlreadyExists,
     "currency",
     "a transfer with this id exists in another currency; a new transfer needs a new id"},
    {R::kExistsWithDifferentCode, "exists_with_different_code", StatusCode::kAlreadyExists, "code",
     "a transfer with this id exists with another code; a new transfer needs a new id"},
    {R::kExistsWithDifferentSourceEvent, "exists_with_different_source_event",
     StatusCode::kAlreadyExists, "sourceEvent",
     "a transfer with this id exists for another source event; a new transfer needs a new id"},
    {R::kExistsWithDifferentMemo, "exists_with_different_memo", StatusCode::kAlreadyExists, "memo",
     "a transfer with this id exists with another memo; a new transfer needs a new id"},
    {R::kExists, "exists", StatusCode::kOk, "",
     "this transfer exists already, with the same inputs; nothing changed"},
    {R::kDebitAccountNotFound, "debit_account_not_found", StatusCode::kNotFound, "debitAccountId",
     "no such account"},
    {R::kCreditAccountNotFound, "credit_account_not_found", StatusCode::kNotFound,
     "creditAccountId", "no such account"},
    {R::kAccountsMustHaveTheSameCurrency, "accounts_must_have_the_same_currency",
     StatusCode::kInvalidArgument, "creditAccountId",
     "is in another currency than the debit account; money moves only within one currency"},
    {R::kTransferMustHaveTheSameCurrencyAsAccounts,
     "transfer_must_have_the_same_currency_as_accounts", StatusCode::kInvalidArgument, "currency",
     "must be the accounts' currency"},
    {R::kPendingTransferNotFound, "pending_transfer_not_found", StatusCode::kNotFound, "pendingId",
     "no transfer has this id"},
    {R::kPendingTransferNotPending, "pending_transfer_not_pending", StatusCode::kInvalidArgument,
     "pendingId", "names a transfer that was not created pending"},
    {R::kPendingTransferHasDifferentDebitAccountId,
     "pending_transfer_has_different_debit_account_id", StatusCode::kInvalidArgument,
     "debitAccountId", "must be the pending transfer's debit account, or empty"},
    {R::kPendingTransferHasDifferentCreditAccountId,
     "pending_transfer_has_different_credit_account_id", StatusCode::kInvalidArgument,
     "creditAccountId", "must be the pending transfer's credit account, or empty"},
    {R::kPendingTransferHasDifferentCurrency, "pending_transfer_has_different_currency",
     StatusCode::kInvalidArgument, "currency", "must be the pending transfer's currency, or empty"},
    {R::kPendingTransferHasDifferentCode, "pending_transfer_has_different_code",
     StatusCode::kInvalidArgument, "code", "must be the pending transfer's code, or empty"},
    {R::kExceedsPendingTransferAmount, "exceeds_pending_transfer_amount",
     StatusCode::kInvalidArgument, "amount",
     "must be at most the pending amount (0 posts all of it)"},
    {R::kPendingTransferHasDifferentAmount, "pending_transfer_has_different_amount",
     StatusCode::kInvalidArgument, "amount",
     "a void releases the whole pending amount: give 0 or that amount"},
    {R::kPendingTransferAlreadyPosted, "pending_transfer_already_posted",
     StatusCode::kFailedPrecondition, "", "the pending transfer has been posted already"},
    {R::kPendingTransferAlreadyVoided, "pending_transfer_already_voided",
     StatusCode::kFailedPrecondition, "", "the pending transfer has been voided already"},
    {R::kPendingTransferExpired, "pending_transfer_expired", StatusCode::kFailedPrecondition, "",
     "the pending transfer's timeout has passed; its amount is released"},
    {R::kOverflowsDebitsPending, "overflows_debits_pending", StatusCode::kOutOfRange, "amount",
     "would take the debit account's pending debits past the largest amount kept"},
    {R::kOverflowsCreditsPending, "overflows_credits_pending", StatusCode::kOutOfRange, "amount",
     "would take the credit account's pending credits past the largest amount kept"},
    {R::kOverflowsDebitsPosted, "overflows_debits_posted", StatusCode::kOutOfRange, "amount",
     "would take the debit account's posted debits past the largest amount kept"},
    {R::kOverflowsCreditsPosted, "overflows_credits_posted", StatusCode::kOutOfRange, "amount",
     "would take the credit account's posted credits past the largest amount kept"},
    {R::kOverflowsDebits, "overflows_debits", StatusCode::kOutOfRange, "amount",
     "would take the debit account's debits (pending and posted) past the largest amount kept"},
    {R::kOverflowsCredits, "overflows_credits", StatusCode::kOutOfRange, "amount",
     "would take the credit account's credits (pending and posted) past the largest amount kept"},
    {R::kOverflowsTimeout, "overflows_timeout", StatusCode::kOutOfRange, "timeout",
     "ends past the latest time kept"},
    {R::kExceedsCredits, "exceeds_credits", StatusCode::kFailedPrecondition, "",
     "the debit account's debits would exceed its credits (pending debits counted), which it "
     "does not allow"},
    {R::kExceedsDebits, "exceeds_debits", StatusCode::kFailedPrecondition, "",
     "the credit account's credits would exceed its debits (pending credits counted), which it "
     "does not allow"},
};

constexpr bool RowsInEnumOrder() {
  for (size_t i = 0; i < std::size(kResults); ++i) {
    if (static_cast<size_t>(kResults[i].result) != i) return false;
  }
  return std::size(kResults) == static_cast<size_t>(R::kExceedsDebits) + 1;
}
static_assert(RowsInEnumOrder(), "kResults needs one row per CreateResult, in order");

const ResultInfo& InfoOf(CreateResult r) { return kResults[static_cast<size_t>(r)]; }

bool ValidCurrency(absl::string_view currency) { return core::Money::Of(currency, 0).ok(); }

// a + b (both >= 0) would not fit an int64.
bool Overflows(int64_t a, int64_t b) {
  int64_t sum;
  return __builtin_add_overflow(a, b, &sum);
}

bool Overflows(int64_t a, int64_t b, int64_t c) {
  int64_t sum;
  return __builtin_add_overflow(a, b, &sum) || __builtin_add_overflow(sum, c, &sum);
}

// The checks that need nothing but the request.
CreateResult CheckAlone(const Transfer& t) {
  if (t.id.empty()) return R::kIdMustNotBeEmpty;
  if (t.id.size() > kMaxIdBytes) return R::kIdTooLong;
  if (t.source_event.size() > kMaxIdBytes) return R::kSourceEventTooLong;
  if (t.code.size() > kMaxCodeBytes) return R::kCodeTooLong;
  if (t.memo.size() > kMaxMemoBytes) return R::kMemoTooLong;
  if (t.flags.pending + t.flags.post_pending + t.flags.void_pending > 1) {
    return R::kFlagsAreMutuallyExclusive;
  }
  if (t.IsPostOrVoid()) {
    if (t.pending_id.empty()) return R::kPendingIdMustNotBeEmpty;
    if (t.pending_id == t.id) return R::kPendingIdMustBeDifferent;
    if (t.timeout != absl::ZeroDuration()) return R::kTimeoutReservedForPendingTransfer;
    if (t.amount < 0) return R::kAmountMustNotBeNegative;
    if (!t.currency.empty() && !ValidCurrency(t.currency)) return R::kInvalidCurrency;
    if (!t.debit_account_id.empty() && t.debit_account_id == t.credit_account_id) {
      return R::kAccountsMustBeDifferent;
    }
    return R::kOk;
  }
  if (t.debit_account_id.empty()) return R::kDebitAccountIdMustNotBeEmpty;
  if (t.credit_account_id.empty()) return R::kCreditAccountIdMustNotBeEmpty;
  if (t.debit_account_id == t.credit_account_id) return R::kAccountsMustBeDifferent;
  if (!t.pending_id.empty()) return R::kPendingIdMustBeEmpty;
  if (t.timeout < absl::ZeroDuration()) return R::kTimeoutMustNotBeNegative;
  if (t.timeout != absl::ZeroDuration() && !t.flags.pending) {
    return R::kTimeoutReservedForPendingTransfer;
  }
  if (t.amount < 0) return R::kAmountMustNotBeNegative;
  if (t.amount == 0) return R::kAmountMustNotBeZero;
  if (!ValidCurrency(t.currency)) return R::kInvalidCurrency;
  return R::kOk;
}

// `r` is the resolved request, `e` the transfer stored under its id.
CreateResult CompareExisting(const Transfer& r, const Transfer& e) {
  if (!(r.flags == e.flags)) return R::kExistsWithDifferentFlags;
  if (r.pending_id != e.pending_id) return R::kExistsWithDifferentPendingId;
  if (r.timeout != e.timeout) return R::kExistsWithDifferentTimeout;
  if (r.debit_account_id != e.debit_account_id) return R::kExistsWithDifferentDebitAccountId;
  if (r.credit_account_id != e.credit_account_id) return R::kExistsWithDifferentCreditAccountId;
  if (r.amount != e.amount) return R::kExistsWithDifferentAmount;
  if (r.currency != e.currency) return R::kExistsWithDifferentCurrency;
  if (r.code != e.code) return R::kExistsWithDifferentCode;
  if (r.source_event != e.source_event) return R::kExistsWithDifferentSourceEvent;
  if (r.memo != e.memo) return R::kExistsWithDifferentMemo;
  return R::kExists;
}

CreateResult DecidePostOrVoid(const Transfer& t, const Context& c) {
  const Transfer* p = c.pending;
  if (p == nullptr) return R::kPendingTransferNotFound;
  if (!p->flags.pending) return R::kPendingTransferNotPending;
  if (!t.debit_account_id.empty() && t.debit_account_id != p->debit_account_id) {
    return R::kPendingTransferHasDifferentDebitAccountId;
  }
  if (!t.credit_account_id.empty() && t.credit_account_id != p->credit_account_id) {
    return R::kPendingTransferHasDifferentCreditAccountId;
  }
  if (!t.currency.empty() && t.currency != p->currency) {
    return R::kPendingTransferHasDifferentCurrency;
  }
  if (!t.code.empty() && t.code != p->code) return R::kPendingTransferHasDifferentCode;
  if (t.flags.post_pending && t.amount > p->amount) return R::kExceedsPendingTransferAmount;
  if (t.flags.void_pending && t.amount != 0 && t.amount != p->amount) {
    return R::kPendingTransferHasDifferentAmount;
  }
  switch (p->status) {
    case PendingStatus::kPosted:
      return R::kPendingTransferAlreadyPosted;
    case PendingStatus::kVoided:
      return R::kPendingTransferAlreadyVoided;
    case PendingStatus::kExpired:
      return R::kPendingTransferExpired;
    case PendingStatus::kPending:
    case PendingStatus::kNone:
      break;
  }
  if (auto expiry = ExpiresAt(*p); expiry && *expiry <= c.now) return R::kPendingTransferExpired;
  if (c.debit == nullptr) return R::kDebitAccountNotFound;
  if (c.credit == nullptr) return R::kCreditAccountNotFound;
  // Cannot happen while the pending amount was reserved through Decide
  // (posted + pending never passed the limit); checked so a damaged row
  // fails here instead of wrapping.
  const int64_t amount = t.amount == 0 ? p->amount : t.amount;
  if (t.flags.post_pending && Overflows(c.debit->debits_posted, amount)) {
    return R::kOverflowsDebitsPosted;
  }
  if (t.flags.post_pending && Overflows(c.credit->credits_posted, amount)) {
    return R::kOverflowsCreditsPosted;
  }
  return R::kOk;
}

CreateResult DecideNew(const Transfer& t, const Context& c) {
  const Account* dr = c.debit;
  const Account* cr = c.credit;
  if (dr == nullptr) return R::kDebitAccountNotFound;
  if (cr == nullptr) return R::kCreditAccountNotFound;
  if (dr->currency != cr->currency) return R::kAccountsMustHaveTheSameCurrency;
  if (t.currency != dr->currency) return R::kTransferMustHaveTheSameCurrencyAsAccounts;
  const int64_t a = t.amount;
  if (t.flags.pending) {
    if (Overflows(dr->debits_pending, a)) return R::kOverflowsDebitsPending;
    if (Overflows(cr->credits_pending, a)) return R::kOverflowsCreditsPending;
  } else {
    if (Overflows(dr->debits_posted, a)) return R::kOverflowsDebitsPosted;
    if (Overflows(cr->credits_posted, a)) return R::kOverflowsCreditsPosted;
  }
  // The limits below compare pending + posted + amount: it must fit too.
  if (Overflows(dr->debits_pending, dr->debits_posted, a)) return R::kOverflowsDebits;
  if (Overflows(cr->credits_pending, cr->credits_posted, a)) return R::kOverflowsCredits;
  if (t.timeout > absl::ZeroDuration()) {
    const absl::Time expiry = core::ToMicros(c.now) + absl::Trunc(t.timeout, absl::Microseconds(1));
    if (expiry > absl::FromUnixMicros(INT64_MAX)) return R::kOverflowsTimeout;
  }
  if (dr->flags.debits_must_not_exceed_credits &&
      dr->debits_pending + dr->debits_posted + a > dr->credits_posted) {
    return R::kExceedsCredits;
  }
  if (cr->flags.credits_must_not_exceed_debits &&
      cr->credits_pending + cr->credits_posted + a > cr->debits_posted) {
    return R::kExceedsDebits;
  }
  return R::kOk;
}

}  // namespace

absl::string_view ResultName(CreateResult result) { return InfoOf(result).name; }

std::string ResultMessage(CreateResult result) {
  const ResultInfo& info = InfoOf(result);
  if (info.field.empty()) return std::string(info.description);
  return absl::StrCat(info.field, ": ", info.description);
}

absl::Status ResultStatus(CreateResult result) {
  const ResultInfo& info = InfoOf(result);
  if (info.code == StatusCode::kOk) return absl::OkStatus();
  if (info.code == StatusCode::kInvalidArgument && !info.field.empty()) {
    return core::InvalidField(info.field, info.description);
  }
  return absl::Status(info.code, ResultMessage(result));
}

Transfer Resolve(const Transfer& request, const Transfer* pending) {
  Transfer t = request;
  t.timeout = absl::Trunc(t.timeout, absl::Microseconds(1));
  t.timestamp = absl::UnixEpoch();
  t.status = PendingStatus::kNone;
  if (!t.IsPostOrVoid() || pending == nullptr) return t;
  auto fill = [](std::string& field, const std::string& from) {
    if (field.empty()) field = from;
  };
  fill(t.debit_account_id, pending->debit_account_id);
  fill(t.credit_account_id, pending->credit_account_id);
  fill(t.currency, pending->currency);
  fill(t.code, pending->code);
  fill(t.source_event, pending->source_event);
  fill(t.memo, pending->memo);
  if (t.amount == 0) t.amount = pending->amount;
  return t;
}

CreateResult Decide(const Transfer& request, const Context& context) {
  if (CreateResult r = CheckAlone(request); r != R::kOk) return r;
  if (context.existing != nullptr) {
    return CompareExisting(Resolve(request, context.pending), *context.existing);
  }
  if (request.IsPostOrVoid()) return DecidePostOrVoid(request, context);
  return DecideNew(request, context);
}

Transfer Apply(const Transfer& request, absl::Time now, Account& debit, Account& credit,
               Transfer* pending) {
  Transfer t = Resolve(request, pending);
  t.timestamp = core::ToMicros(now);
  if (t.flags.pending) {
    t.status = PendingStatus::kPending;
    debit.debits_pending += t.amount;
    credit.credits_pending += t.amount;
  } else if (t.IsPostOrVoid()) {
    assert(pending != nullptr && pending->status == PendingStatus::kPending);
    debit.debits_pending -= pending->amount;
    credit.credits_pending -= pending->amount;
    if (t.flags.post_pending) {
      debit.debits_posted += t.amount;
      credit.credits_posted += t.amount;
    }
    pending->status = t.flags.post_pending ? PendingStatus::kPosted : PendingStatus::kVoided;
  } else {
    debit.debits_posted += t.amount;
    credit.credits_posted += t.amount;
  }
  return t;
}

std::optional<absl::Time> ExpiresAt(const Transfer& pending) {
  if (pending.timeout <= absl::ZeroDuration()) return std::nullopt;
  return pending.timestamp + pending.timeout;
}

void Expire(Transfer& pending, Account& debit, Account& credit) {
  assert(pending.status == PendingStatus::kPending);
  debit.debits_pending -= pending.amount;
  credit.credits_pending -= pending.amount;
  pending.status = PendingStatus::kExpired;
}

std::vector<Entry> EntriesOf(const Transfer& t) {
  if (t.flags.pending || t.flags.void_pending) return {};
  auto entry = [&](absl::string_view side, const std::string& account, int64_t amount) {
    return Entry{.id = absl::StrCat(t.id, ":", side),
                 .transfer_id = t.id,
                 .source_event = t.source_event,
                 .account_id = account,
                 .amount = amount,
                 .currency = t.currency,
                 .code = t.code,
                 .memo = t.memo,
                 .post_time = t.timestamp};
  };
  return {entry("debit", t.debit_account_id, t.amount),
          entry("credit", t.credit_account_id, -t.amount)};
}

AccountResult DecideAccount(const Account& a, const Account* existing) {
  using A = AccountResult;
  if (a.id.empty()) return A::kIdMustNotBeEmpty;
  if (a.id.size() > kMaxIdBytes) return A::kIdTooLong;
  if (!ValidCurrency(a.currency)) return A::kInvalidCurrency;
  if (a.flags.debits_must_not_exceed_credits && a.flags.credits_must_not_exceed_debits) {
    return A::kFlagsAreMutuallyExclusive;
  }
  if (a.debits_pending != 0 || a.debits_posted != 0 || a.credits_pending != 0 ||
      a.credits_posted != 0) {
    return A::kBalancesMustBeZero;
  }
  if (existing == nullptr) return A::kOk;
  if (a.party_kind != existing->party_kind || a.party_id != existing->party_id) {
    return A::kExistsWithDifferentParty;
  }
  if (a.currency != existing->currency) return A::kExistsWithDifferentCurrency;
  if (!(a.flags == existing->flags)) return A::kExistsWithDifferentFlags;
  return A::kExists;
}

absl::string_view ResultName(AccountResult result) {
  switch (result) {
    case AccountResult::kOk:
      return "ok";
    case AccountResult::kIdMustNotBeEmpty:
      return "id_must_not_be_empty";
    case AccountResult::kIdTooLong:
      return "id_too_long";
    case AccountResult::kInvalidCurrency:
      return "invalid_currency";
    case AccountResult::kFlagsAreMutuallyExclusive:
      return "flags_are_mutually_exclusive";
    case AccountResult::kBalancesMustBeZero:
      return "balances_must_be_zero";
    case AccountResult::kExistsWithDifferentParty:
      return "exists_with_different_party";
    case AccountResult::kExistsWithDifferentCurrency:
      return "exists_with_different_currency";
    case AccountResult::kExistsWithDifferentFlags:
      return "exists_with_different_flags";
    case AccountResult::kExists:
      return "exists";
  }
  return "unknown";
}

absl::Status ResultStatus(AccountResult result) {
  switch (result) {
    case AccountResult::kOk:
    case AccountResult::kExists:
      return absl::OkStatus();
    case AccountResult::kIdMustNotBeEmpty:
      return core::InvalidField("id", "is required, e.g. merchant:<id>:available");
    case AccountResult::kIdTooLong:
      return core::InvalidField("id", "must be at most 128 bytes");
    case AccountResult::kInvalidCurrency:
      return core::InvalidField("currency", "must be an ISO 4217 code (three letters, e.g. CNY)");
    case AccountResult::kFlagsAreMutuallyExclusive:
      return core::InvalidField(
          "flags", "an account limits its debits or its credits, not both (it could never move)");
    case AccountResult::kBalancesMustBeZero:
      return core::InvalidField("balances",
                                "a new account starts at 0; only transfers change balances");
    case AccountResult::kExistsWithDifferentParty:
      return absl::AlreadyExistsError("an account with this id exists for another party");
    case AccountResult::kExistsWithDifferentCurrency:
      return absl::AlreadyExistsError("an account with this id exists in another currency");
    case AccountResult::kExistsWithDifferentFlags:
      return absl::AlreadyExistsError("an account with this id exists with other limits");
  }
  return absl::InternalError("unknown account result");
}

}  // namespace qrcloud::ledger
