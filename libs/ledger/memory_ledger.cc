#include "libs/ledger/memory_ledger.h"

#include <algorithm>

namespace qrcloud::ledger {
namespace {

bool Succeeded(CreateResult r) { return r == CreateResult::kOk || r == CreateResult::kExists; }

}  // namespace

AccountResult MemoryLedger::CreateAccount(const Account& account) {
  const AccountResult r = DecideAccount(account, FindAccount(account.id));
  if (r == AccountResult::kOk) accounts_.emplace(account.id, account);
  return r;
}

std::vector<CreateResult> MemoryLedger::CreateTransfers(std::span<const Transfer> batch,
                                                        absl::Time now) {
  ExpirePendingTransfers(now);
  std::vector<CreateResult> results(batch.size(), CreateResult::kOk);
  size_t begin = 0;
  while (begin < batch.size()) {
    size_t end = begin;  // the chain is [begin, end]
    while (end < batch.size() && batch[end].flags.linked) ++end;
    if (end == batch.size()) {
      // The chain never closes: none of it is created.
      std::fill(results.begin() + begin, results.end(), CreateResult::kLinkedEventFailed);
      results.back() = CreateResult::kLinkedEventChainOpen;
      break;
    }
    if (begin == end) {
      results[begin] = CreateOne(batch[begin], now, nullptr);
    } else {
      CreateChain(batch.subspan(begin, end - begin + 1), now,
                  std::span(results).subspan(begin, end - begin + 1));
    }
    begin = end + 1;
  }
  return results;
}

CreateResult MemoryLedger::CreateTransfer(const Transfer& transfer, absl::Time now) {
  return CreateTransfers(std::span(&transfer, 1), now)[0];
}

void MemoryLedger::CreateChain(std::span<const Transfer> chain, absl::Time now,
                               std::span<CreateResult> results) {
  UndoLog undo;
  for (size_t i = 0; i < chain.size(); ++i) {
    results[i] = CreateOne(chain[i], now, &undo);
    if (Succeeded(results[i])) continue;
    for (auto it = undo.rbegin(); it != undo.rend(); ++it) (*it)();
    for (size_t j = 0; j < chain.size(); ++j) {
      if (j != i) results[j] = CreateResult::kLinkedEventFailed;
    }
    return;
  }
}

CreateResult MemoryLedger::CreateOne(const Transfer& request, absl::Time now, UndoLog* undo) {
  Transfer* pending = request.IsPostOrVoid() ? FindTransfer(request.pending_id) : nullptr;
  const Transfer resolved = Resolve(request, pending);
  Account* debit = FindAccount(resolved.debit_account_id);
  Account* credit = FindAccount(resolved.credit_account_id);
  const CreateResult r = Decide(request, {.existing = FindTransfer(request.id),
                                          .debit = debit,
                                          .credit = credit,
                                          .pending = pending,
                                          .now = now});
  if (r != CreateResult::kOk) return r;

  if (undo != nullptr) {
    undo->push_back([this, d = *debit, c = *credit] {
      accounts_[d.id] = d;
      accounts_[c.id] = c;
    });
  }
  const Transfer stored = Apply(request, now, *debit, *credit, pending);
  if (pending != nullptr && ExpiresAt(*pending)) {
    const size_t p = transfer_index_.at(pending->id);
    auto [lo, hi] = expiries_.equal_range(*ExpiresAt(*pending));
    auto it = std::find_if(lo, hi, [p](const auto& e) { return e.second == p; });
    if (it != hi) expiries_.erase(it);
    if (undo != nullptr) {
      undo->push_back([this, p, at = *ExpiresAt(*pending)] { expiries_.emplace(at, p); });
    }
  }
  if (pending != nullptr && undo != nullptr) {
    undo->push_back(
        [this, id = pending->id] { FindTransfer(id)->status = PendingStatus::kPending; });
  }

  const size_t index = transfers_.size();
  transfers_.push_back(stored);
  transfer_index_.emplace(stored.id, index);
  if (auto expiry = ExpiresAt(stored)) expiries_.emplace(*expiry, index);
  const bool posts = !EntriesOf(stored).empty();
  if (posts) {
    posted_[stored.debit_account_id].push_back(index);
    posted_[stored.credit_account_id].push_back(index);
  }
  if (undo != nullptr) {
    undo->push_back([this, index, posts] {
      const Transfer& t = transfers_[index];
      if (posts) {
        posted_[t.debit_account_id].pop_back();
        posted_[t.credit_account_id].pop_back();
      }
      if (auto expiry = ExpiresAt(t)) {
        auto [lo, hi] = expiries_.equal_range(*expiry);
        auto it = std::find_if(lo, hi, [index](const auto& e) { return e.second == index; });
        if (it != hi) expiries_.erase(it);
      }
      transfer_index_.erase(t.id);
      transfers_.pop_back();  // Invariant: undone last first, so `index` is the last.
    });
  }
  return CreateResult::kOk;
}

int MemoryLedger::ExpirePendingTransfers(absl::Time now) {
  int expired = 0;
  while (!expiries_.empty() && expiries_.begin()->first <= now) {
    Transfer& t = transfers_[expiries_.begin()->second];
    expiries_.erase(expiries_.begin());
    if (t.status != PendingStatus::kPending) continue;
    Expire(t, accounts_.at(t.debit_account_id), accounts_.at(t.credit_account_id));
    ++expired;
  }
  return expired;
}

std::optional<Account> MemoryLedger::LookupAccount(absl::string_view id) const {
  auto it = accounts_.find(id);
  if (it == accounts_.end()) return std::nullopt;
  return it->second;
}

std::optional<Transfer> MemoryLedger::LookupTransfer(absl::string_view id) const {
  auto it = transfer_index_.find(id);
  if (it == transfer_index_.end()) return std::nullopt;
  return transfers_[it->second];
}

std::vector<Entry> MemoryLedger::Entries(absl::string_view account_id) const {
  std::vector<Entry> out;
  auto it = posted_.find(account_id);
  if (it == posted_.end()) return out;
  for (size_t index : it->second) {
    for (Entry& e : EntriesOf(transfers_[index])) {
      if (e.account_id == account_id) out.push_back(std::move(e));
    }
  }
  return out;
}

std::vector<Account> MemoryLedger::Accounts() const {
  std::vector<Account> out;
  out.reserve(accounts_.size());
  for (const auto& [id, account] : accounts_) out.push_back(account);
  std::sort(out.begin(), out.end(), [](const Account& a, const Account& b) { return a.id < b.id; });
  return out;
}

Account* MemoryLedger::FindAccount(const std::string& id) {
  auto it = accounts_.find(id);
  return it == accounts_.end() ? nullptr : &it->second;
}

Transfer* MemoryLedger::FindTransfer(const std::string& id) {
  auto it = transfer_index_.find(id);
  return it == transfer_index_.end() ? nullptr : &transfers_[it->second];
}

}  // namespace qrcloud::ledger
