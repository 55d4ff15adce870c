#include "libs/ledger/check.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace qrcloud::ledger {
namespace {

std::string Wide(absl::int128 v) { return absl::StrFormat("%d", v); }

absl::string_view StatusName(PendingStatus s) {
  switch (s) {
    case PendingStatus::kNone:
      return "none";
    case PendingStatus::kPending:
      return "pending";
    case PendingStatus::kPosted:
      return "posted";
    case PendingStatus::kVoided:
      return "voided";
    case PendingStatus::kExpired:
      return "expired";
  }
  return "unknown";
}

std::string Quote(absl::string_view s) { return absl::StrCat("\"", s, "\""); }

}  // namespace

std::vector<std::string> Check(std::span<const Account> accounts,
                               std::span<const Transfer> transfers) {
  Checker checker;
  for (const Account& a : accounts) checker.Add(a);
  for (const Transfer& t : transfers) checker.Add(t);
  return checker.Finish();
}

void Checker::Add(const Account& account) {
  if (!accounts_.emplace(account.id, account).second) {
    Problem(absl::StrCat("account ", Quote(account.id), " appears more than once"));
  }
}

bool Checker::CheckShape(const Transfer& t) {
  const std::string name = absl::StrCat("transfer ", Quote(t.id));
  if (t.id.empty()) Problem("a transfer has no id");
  if (!transfer_ids_.insert(t.id).second) Problem(absl::StrCat(name, " appears more than once"));
  if (t.flags.pending + t.flags.post_pending + t.flags.void_pending > 1) {
    Problem(absl::StrCat(name, " has more than one of pending, post_pending, void_pending"));
  }
  if (t.amount <= 0) Problem(absl::StrCat(name, " has amount ", t.amount, "; it must be > 0"));
  if (t.IsPostOrVoid() && t.pending_id.empty()) {
    Problem(absl::StrCat(name, " posts or voids but names no pending transfer"));
  }
  const bool pending_status = t.status != PendingStatus::kNone;
  if (t.flags.pending != pending_status) {
    Problem(absl::StrCat(
        name, " has pending status ", StatusName(t.status),
        t.flags.pending ? " but was created pending" : " but was not created pending"));
  }
  if (t.debit_account_id == t.credit_account_id) {
    Problem(absl::StrCat(name, " debits and credits the same account ", Quote(t.debit_account_id)));
    return false;
  }
  bool countable = true;
  for (const std::string* id : {&t.debit_account_id, &t.credit_account_id}) {
    auto it = accounts_.find(*id);
    if (it == accounts_.end()) {
      Problem(absl::StrCat(name, " names account ", Quote(*id), ", which does not exist"));
      countable = false;
    } else if (it->second.currency != t.currency) {
      Problem(absl::StrCat(name, " is in ", Quote(t.currency), " but account ", Quote(*id),
                           " is in ", Quote(it->second.currency)));
    }
  }
  return countable;
}

void Checker::Add(const Transfer& t) {
  if (!CheckShape(t)) return;
  Sums& dr = sums_[t.debit_account_id];
  Sums& cr = sums_[t.credit_account_id];
  if (t.flags.pending) {
    pending_.emplace(t.id, t);
    // A reservation counts until it is posted, voided or expired; what a
    // post moves counts with the post.
    if (t.status == PendingStatus::kPending) {
      dr.debits_pending += t.amount;
      cr.credits_pending += t.amount;
    }
    return;
  }
  if (t.IsPostOrVoid()) {
    closing_.push_back(t);
    ++closed_[t.pending_id];
  }
  if (!t.flags.void_pending) {
    dr.debits_posted += t.amount;
    cr.credits_posted += t.amount;
  }
}

void Checker::CheckClosing(const Transfer& c) {
  const std::string name = absl::StrCat("transfer ", Quote(c.id));
  auto it = pending_.find(c.pending_id);
  if (it == pending_.end()) {
    Problem(absl::StrCat(name, " names pending transfer ", Quote(c.pending_id),
                         transfer_ids_.contains(c.pending_id) ? ", which was not created pending"
                                                              : ", which does not exist"));
    return;
  }
  const Transfer& p = it->second;
  if (c.debit_account_id != p.debit_account_id || c.credit_account_id != p.credit_account_id) {
    Problem(absl::StrCat(name, " moves between other accounts than its pending transfer ",
                         Quote(p.id)));
  }
  if (c.currency != p.currency || c.code != p.code) {
    Problem(absl::StrCat(name, " has another currency or code than its pending transfer ",
                         Quote(p.id)));
  }
  if (c.flags.post_pending && c.amount > p.amount) {
    Problem(absl::StrCat(name, " posts ", c.amount, ", more than the ", p.amount,
                         " pending transfer ", Quote(p.id), " reserved"));
  }
  if (c.flags.void_pending && c.amount != p.amount) {
    Problem(absl::StrCat(name, " voids ", c.amount, " of the ", p.amount, " pending transfer ",
                         Quote(p.id), " reserved"));
  }
  const PendingStatus expected =
      c.flags.post_pending ? PendingStatus::kPosted : PendingStatus::kVoided;
  if (p.status != expected) {
    Problem(absl::StrCat(name, " ", c.flags.post_pending ? "posts" : "voids", " pending transfer ",
                         Quote(p.id), ", which is marked ", StatusName(p.status)));
  }
}

void Checker::CheckAccount(const Account& a, const Sums& s) {
  const std::string name = absl::StrCat("account ", Quote(a.id));
  const struct {
    absl::string_view field;
    int64_t stored;
    absl::int128 computed;
  } balances[] = {{"debits_pending", a.debits_pending, s.debits_pending},
                  {"debits_posted", a.debits_posted, s.debits_posted},
                  {"credits_pending", a.credits_pending, s.credits_pending},
                  {"credits_posted", a.credits_posted, s.credits_posted}};
  for (const auto& b : balances) {
    if (b.stored != b.computed) {
      Problem(absl::StrCat(name, ": ", b.field, " is ", b.stored, " but its transfers sum to ",
                           Wide(b.computed)));
    }
    if (b.stored < 0) Problem(absl::StrCat(name, ": ", b.field, " is negative (", b.stored, ")"));
  }
  const absl::int128 debits = static_cast<absl::int128>(a.debits_pending) + a.debits_posted;
  const absl::int128 credits = static_cast<absl::int128>(a.credits_pending) + a.credits_posted;
  if (a.flags.debits_must_not_exceed_credits && debits > a.credits_posted) {
    Problem(absl::StrCat(name, " must not have debits over its credits, but has debits ",
                         Wide(debits), " (pending counted) against credits ", a.credits_posted));
  }
  if (a.flags.credits_must_not_exceed_debits && credits > a.debits_posted) {
    Problem(absl::StrCat(name, " must not have credits over its debits, but has credits ",
                         Wide(credits), " (pending counted) against debits ", a.debits_posted));
  }
}

std::vector<std::string> Checker::Finish() {
  for (const Transfer& c : closing_) CheckClosing(c);
  for (const auto& [id, p] : pending_) {
    const int closings = closed_.contains(id) ? closed_.at(id) : 0;
    if (closings > 1) {
      Problem(absl::StrCat("pending transfer ", Quote(id), " is posted or voided ", closings,
                           " times"));
    }
    if (closings == 0 &&
        (p.status == PendingStatus::kPosted || p.status == PendingStatus::kVoided)) {
      Problem(absl::StrCat("pending transfer ", Quote(id), " is marked ", StatusName(p.status),
                           " but no transfer ",
                           p.status == PendingStatus::kPosted ? "posts" : "voids", " it"));
    }
  }
  std::map<std::string, Sums> totals;  // by currency, from the stored balances
  for (const auto& [id, a] : accounts_) {
    auto it = sums_.find(id);
    CheckAccount(a, it == sums_.end() ? Sums{} : it->second);
    Sums& t = totals[a.currency];
    t.debits_pending += a.debits_pending;
    t.debits_posted += a.debits_posted;
    t.credits_pending += a.credits_pending;
    t.credits_posted += a.credits_posted;
  }
  for (const auto& [currency, t] : totals) {
    if (t.debits_posted != t.credits_posted) {
      Problem(absl::StrCat(currency, ": the accounts' posted debits total ", Wide(t.debits_posted),
                           " but their posted credits total ", Wide(t.credits_posted)));
    }
    if (t.debits_pending != t.credits_pending) {
      Problem(absl::StrCat(currency, ": the accounts' pending debits total ",
                           Wide(t.debits_pending), " but their pending credits total ",
                           Wide(t.credits_pending)));
    }
  }
  return std::move(problems_);
}

}  // namespace qrcloud::ledger
