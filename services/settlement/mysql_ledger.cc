#include "services/settlement/mysql_ledger.h"

#include <algorithm>
#include <functional>
#include <set>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"
#include "libs/store/chunks.h"
#include "services/settlement/settlement_rules.h"

namespace qrcloud::settlement {
namespace {

constexpr char kTransferColumns[] =
    "id, debit_account_id, credit_account_id, amount, currency, flags, pending_id, timeout_us, "
    "source_event, code, memo, timestamp, status";
constexpr char kAccountColumns[] =
    "id, party_kind, party_id, currency, flags, debits_pending, debits_posted, credits_pending, "
    "credits_posted";

int64_t FlagBits(const ledger::TransferFlags& f) {
  return (f.linked ? 1 : 0) | (f.pending ? 2 : 0) | (f.post_pending ? 4 : 0) |
         (f.void_pending ? 8 : 0);
}

ledger::Transfer TransferOf(const store::Row& r) {
  ledger::Transfer t;
  t.id = r.String("id");
  t.debit_account_id = r.String("debit_account_id");
  t.credit_account_id = r.String("credit_account_id");
  t.amount = r.Int("amount");
  t.currency = r.String("currency");
  const int64_t f = r.Int("flags");
  t.flags = {.linked = (f & 1) != 0,
             .pending = (f & 2) != 0,
             .post_pending = (f & 4) != 0,
             .void_pending = (f & 8) != 0};
  t.pending_id = r.String("pending_id");
  t.timeout = absl::Microseconds(r.Int("timeout_us"));
  t.source_event = r.String("source_event");
  t.code = r.String("code");
  t.memo = r.String("memo");
  t.timestamp = r.Time("timestamp");
  t.status = static_cast<ledger::PendingStatus>(r.Int("status"));
  return t;
}

ledger::Account AccountOf(const store::Row& r) {
  ledger::Account a;
  a.id = r.String("id");
  a.party_kind = r.String("party_kind");
  a.party_id = r.String("party_id");
  a.currency = r.String("currency");
  const int64_t f = r.Int("flags");
  a.flags = {.debits_must_not_exceed_credits = (f & 1) != 0,
             .credits_must_not_exceed_debits = (f & 2) != 0};
  a.debits_pending = r.Int("debits_pending");
  a.debits_posted = r.Int("debits_posted");
  a.credits_pending = r.Int("credits_pending");
  a.credits_posted = r.Int("credits_posted");
  return a;
}

v1::LedgerEntry EntryOf(const store::Row& r) {
  v1::LedgerEntry e;
  e.set_id(r.String("id"));
  e.set_transfer_id(r.String("transfer_id"));
  e.set_account_id(r.String("account_id"));
  e.mutable_amount()->set_currency(r.String("currency"));
  e.mutable_amount()->set_minor(r.Int("amount"));
  e.set_source_event(r.String("source_event"));
  e.set_code(r.String("code"));
  e.set_memo(r.String("memo"));
  core::ToProto(r.Time("post_time"), e.mutable_post_time());
  return e;
}

using store::Add;
using store::ExecuteInChunks;
using store::Marks;
using store::QueryInChunks;
using store::Rows;

store::Params Ids(const std::vector<std::string>& ids) {
  store::Params params;
  for (const auto& id : ids) params.emplace_back(id);
  return params;
}

int64_t AccountFlagBits(const ledger::AccountFlags& f) {
  return (f.debits_must_not_exceed_credits ? 1 : 0) | (f.credits_must_not_exceed_debits ? 2 : 0);
}

// Makes the accounts that do not exist yet (their names give party and flags).
absl::Status EnsureAccounts(store::Connection& conn, const std::vector<ledger::Account>& accounts,
                            absl::Time now) {
  return ExecuteInChunks<ledger::Account>(
      conn, accounts,
      [](size_t n) {
        return absl::StrCat(
            "INSERT IGNORE INTO ledger_accounts (id, party_kind, party_id, currency, flags, "
            "create_time) VALUES ",
            Rows(n, 6));
      },
      [now](const ledger::Account& a, store::Params& p) {
        Add(p, {a.id, a.party_kind, a.party_id, a.currency, AccountFlagBits(a.flags), now});
      });
}

// Writes the balances of accounts that exist (locked by this unit).
absl::Status StoreAccounts(store::Connection& conn, const std::vector<ledger::Account>& accounts) {
  return ExecuteInChunks<ledger::Account>(
      conn, accounts,
      [](size_t n) {
        return absl::StrCat(
            "INSERT INTO ledger_accounts (", kAccountColumns, ", create_time) VALUES ",
            absl::StrReplaceAll(Rows(n, 9), {{"?)", "?, NOW(6))"}}),
            " ON DUPLICATE KEY UPDATE debits_pending = VALUES(debits_pending), debits_posted = "
            "VALUES(debits_posted), credits_pending = VALUES(credits_pending), credits_posted = "
            "VALUES(credits_posted)");
      },
      [](const ledger::Account& a, store::Params& p) {
        Add(p, {a.id, a.party_kind, a.party_id, a.currency, AccountFlagBits(a.flags),
                a.debits_pending, a.debits_posted, a.credits_pending, a.credits_posted});
      });
}

absl::Status InsertTransfers(store::Connection& conn, const std::vector<ledger::Transfer>& all) {
  return ExecuteInChunks<ledger::Transfer>(
      conn, all,
      [](size_t n) {
        return absl::StrCat("INSERT INTO ledger_transfers (", kTransferColumns, ") VALUES ",
                            Rows(n, 13));
      },
      [](const ledger::Transfer& t, store::Params& p) {
        Add(p, {t.id, t.debit_account_id, t.credit_account_id, t.amount, t.currency,
                FlagBits(t.flags), t.pending_id, absl::ToInt64Microseconds(t.timeout),
                t.source_event, t.code, t.memo, t.timestamp, static_cast<int64_t>(t.status)});
      });
}

absl::Status InsertEntries(store::Connection& conn, const std::vector<ledger::Entry>& all) {
  return ExecuteInChunks<ledger::Entry>(
      conn, all,
      [](size_t n) {
        return absl::StrCat(
            "INSERT INTO ledger_entries (id, transfer_id, account_id, amount, currency, "
            "source_event, code, memo, post_time) VALUES ",
            Rows(n, 9));
      },
      [](const ledger::Entry& e, store::Params& p) {
        Add(p, {e.id, e.transfer_id, e.account_id, e.amount, e.currency, e.source_event, e.code,
                e.memo, e.post_time});
      });
}

bool Accepted(ledger::CreateResult r) {
  return r == ledger::CreateResult::kOk || r == ledger::CreateResult::kExists;
}

}  // namespace

absl::StatusOr<std::optional<ledger::Transfer>> MysqlLedger::FindTransfer(store::Tx& tx,
                                                                          absl::string_view id) {
  store::Connection& conn = store::ConnectionOf(tx);
  QRCLOUD_ASSIGN_OR_RETURN(
      auto rows,
      conn.Query(absl::StrCat("SELECT ", kTransferColumns, " FROM ledger_transfers WHERE id = ?"),
                 {std::string(id)}));
  if (rows.empty()) return std::nullopt;
  return TransferOf(rows[0]);
}

absl::StatusOr<std::vector<ledger::CreateResult>> MysqlLedger::Create(
    store::Tx& tx, const std::vector<ledger::Transfer>& chain, absl::Time now) {
  QRCLOUD_ASSIGN_OR_RETURN(auto results, CreateChains(tx, {chain}, now));
  return std::move(results[0]);
}

absl::StatusOr<std::vector<ledger::Transfer>> MysqlLedger::FindTransfers(
    store::Tx& tx, const std::vector<std::string>& ids, bool lock) {
  std::vector<ledger::Transfer> out;
  QRCLOUD_RETURN_IF_ERROR(QueryInChunks(
      store::ConnectionOf(tx), ids,
      [lock](size_t n) {
        return absl::StrCat("SELECT ", kTransferColumns, " FROM ledger_transfers WHERE id IN (",
                            Marks(n), ")", lock ? " FOR UPDATE" : "");
      },
      [&out](const store::Row& r) { out.push_back(TransferOf(r)); }));
  return out;
}

absl::StatusOr<std::vector<std::vector<ledger::CreateResult>>> MysqlLedger::CreateChains(
    store::Tx& tx, const std::vector<std::vector<ledger::Transfer>>& chains, absl::Time now) {
  store::Connection& conn = store::ConnectionOf(tx);
  now = absl::FromUnixMicros(absl::ToUnixMicros(now));  // the microsecond MySQL keeps
  std::vector<std::vector<ledger::CreateResult>> results(chains.size());

  // 1. The transfers named (by id, or as the pending one of a post or a
  //    void), locked: a replay finds its transfer, a post its pending one.
  //    (Only the pending ones are locked: they exist. A transfer that does
  //    not exist yet is not locked, which would lock the gap; two units
  //    racing to create it meet on its unique key, and the one that loses
  //    is retried and finds it.)
  std::set<std::string> ids, pending_ids;
  for (const auto& chain : chains) {
    for (const auto& t : chain) {
      ids.insert(t.id);
      if (!t.pending_id.empty()) pending_ids.insert(t.pending_id);
    }
  }
  absl::flat_hash_map<std::string, ledger::Transfer> transfers;
  for (bool lock : {true, false}) {
    const std::set<std::string>& these = lock ? pending_ids : ids;
    QRCLOUD_ASSIGN_OR_RETURN(
        auto found, FindTransfers(tx, std::vector<std::string>(these.begin(), these.end()), lock));
    for (auto& t : found) transfers.emplace(t.id, std::move(t));
  }

  // 2. Their accounts, made from their names where missing, then locked in
  //    one statement, in id order.
  std::set<std::string> account_ids;
  for (const auto& chain : chains) {
    for (const auto& t : chain) {
      auto pending = transfers.find(t.pending_id);
      const ledger::Transfer r =
          ledger::Resolve(t, pending == transfers.end() ? nullptr : &pending->second);
      for (const std::string* id : {&r.debit_account_id, &r.credit_account_id}) {
        if (!id->empty()) account_ids.insert(*id);
      }
    }
  }
  absl::flat_hash_map<std::string, ledger::Account> accounts;
  {
    std::vector<ledger::Account> named_accounts;
    for (const std::string& id : account_ids) {
      if (auto a = AccountNamed(id); a.ok()) named_accounts.push_back(*std::move(a));
    }
    QRCLOUD_RETURN_IF_ERROR(EnsureAccounts(conn, named_accounts, now));
    QRCLOUD_RETURN_IF_ERROR(QueryInChunks(
        conn, std::vector<std::string>(account_ids.begin(), account_ids.end()),
        [](size_t n) {
          return absl::StrCat("SELECT ", kAccountColumns, " FROM ledger_accounts WHERE id IN (",
                              Marks(n), ") ORDER BY id FOR UPDATE");
        },
        [&accounts](const store::Row& r) {
          ledger::Account a = AccountOf(r);
          accounts.emplace(a.id, std::move(a));
        }));
  }

  // 3. The rules, in memory, chain by chain; a chain refused is undone.
  std::vector<ledger::Transfer> created;
  absl::flat_hash_set<std::string> changed_accounts;
  absl::flat_hash_set<std::string> changed_pending;
  for (size_t c = 0; c < chains.size(); ++c) {
    const auto& chain = chains[c];
    auto& out = results[c];
    out.assign(chain.size(), ledger::CreateResult::kLinkedEventFailed);
    // What the chain may change, as it was.
    absl::flat_hash_map<std::string, ledger::Account> accounts_before;
    absl::flat_hash_map<std::string, ledger::Transfer> pending_before;
    const size_t created_before = created.size();
    bool refused = false;
    for (size_t i = 0; i < chain.size() && !refused; ++i) {
      const ledger::Transfer& request = chain[i];
      if (request.flags.linked != (i + 1 < chain.size())) {
        out[i] = i + 1 < chain.size() ? ledger::CreateResult::kLinkedEventFailed
                                      : ledger::CreateResult::kLinkedEventChainOpen;
        refused = true;
        break;
      }
      auto existing = transfers.find(request.id);
      auto pending = request.IsPostOrVoid() ? transfers.find(request.pending_id) : transfers.end();
      ledger::Transfer* pending_ptr = pending == transfers.end() ? nullptr : &pending->second;
      const ledger::Transfer resolved = ledger::Resolve(request, pending_ptr);
      auto debit = accounts.find(resolved.debit_account_id);
      auto credit = accounts.find(resolved.credit_account_id);
      const ledger::CreateResult r = ledger::Decide(
          request, {.existing = existing == transfers.end() ? nullptr : &existing->second,
                    .debit = debit == accounts.end() ? nullptr : &debit->second,
                    .credit = credit == accounts.end() ? nullptr : &credit->second,
                    .pending = pending_ptr,
                    .now = now});
      out[i] = r;
      if (!Accepted(r)) {
        refused = true;
        break;
      }
      if (r == ledger::CreateResult::kExists) continue;
      accounts_before.try_emplace(debit->first, debit->second);
      accounts_before.try_emplace(credit->first, credit->second);
      if (pending_ptr != nullptr) pending_before.try_emplace(pending_ptr->id, *pending_ptr);
      ledger::Transfer stored =
          ledger::Apply(request, now, debit->second, credit->second, pending_ptr);
      changed_accounts.insert(debit->first);
      changed_accounts.insert(credit->first);
      if (pending_ptr != nullptr) changed_pending.insert(pending_ptr->id);
      transfers.emplace(stored.id, stored);
      created.push_back(std::move(stored));
    }
    if (!refused) continue;
    for (size_t i = 0; i < chain.size(); ++i) {
      if (Accepted(out[i])) out[i] = ledger::CreateResult::kLinkedEventFailed;
    }
    for (auto& [id, a] : accounts_before) accounts[id] = std::move(a);
    for (auto& [id, t] : pending_before) transfers[id] = std::move(t);
    for (size_t k = created_before; k < created.size(); ++k) transfers.erase(created[k].id);
    created.resize(created_before);
  }

  // 4. What changed, a few statements for the whole batch.
  std::vector<ledger::Account> touched;
  for (const std::string& id : changed_accounts) touched.push_back(accounts.at(id));
  std::sort(touched.begin(), touched.end(),
            [](const ledger::Account& a, const ledger::Account& b) { return a.id < b.id; });
  QRCLOUD_RETURN_IF_ERROR(StoreAccounts(conn, touched));
  // A pending transfer created in this batch and posted in it is written
  // with its final status.
  absl::flat_hash_set<std::string> created_ids;
  for (ledger::Transfer& t : created) {
    t.status = transfers.at(t.id).status;
    created_ids.insert(t.id);
  }
  QRCLOUD_RETURN_IF_ERROR(InsertTransfers(conn, created));
  for (const std::string& id : changed_pending) {
    if (created_ids.contains(id)) continue;
    QRCLOUD_RETURN_IF_ERROR(conn.Execute("UPDATE ledger_transfers SET status = ? WHERE id = ?",
                                         {static_cast<int64_t>(transfers.at(id).status), id})
                                .status());
  }
  std::vector<ledger::Entry> entries;
  for (const ledger::Transfer& t : created) {
    for (ledger::Entry& e : ledger::EntriesOf(t)) entries.push_back(std::move(e));
  }
  QRCLOUD_RETURN_IF_ERROR(InsertEntries(conn, entries));
  return results;
}

absl::StatusOr<std::optional<ledger::Account>> MysqlLedger::FindAccount(absl::string_view id) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  QRCLOUD_ASSIGN_OR_RETURN(
      auto rows,
      conn->Query(absl::StrCat("SELECT ", kAccountColumns, " FROM ledger_accounts WHERE id = ?"),
                  {std::string(id)}));
  if (rows.empty()) return std::nullopt;
  return AccountOf(rows[0]);
}

absl::StatusOr<std::vector<v1::LedgerEntry>> MysqlLedger::Entries(
    const std::vector<std::string>& accounts, absl::Time from, absl::Time to, int64_t limit,
    bool newest_first) {
  std::vector<v1::LedgerEntry> out;
  if (accounts.empty()) return out;
  store::Params params = Ids(accounts);
  params.emplace_back(from);
  params.emplace_back(to);
  params.emplace_back(limit);
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  QRCLOUD_ASSIGN_OR_RETURN(
      auto rows,
      conn->Query(absl::StrCat("SELECT id, transfer_id, account_id, amount, currency, "
                               "source_event, code, memo, post_time FROM ledger_entries WHERE "
                               "account_id IN (",
                               Marks(accounts.size()),
                               ") AND post_time >= ? AND post_time < ? ORDER BY post_time ",
                               newest_first ? "DESC, seq DESC" : ", seq", " LIMIT ?"),
                  params));
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(EntryOf(r));
  return out;
}

absl::StatusOr<int64_t> MysqlLedger::SumBefore(const std::vector<std::string>& accounts,
                                               absl::Time before) {
  if (accounts.empty()) return 0;
  store::Params params = Ids(accounts);
  params.emplace_back(before);
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  QRCLOUD_ASSIGN_OR_RETURN(
      store::Row row,
      conn->QueryOne(absl::StrCat("SELECT CAST(COALESCE(SUM(amount), 0) AS SIGNED) AS total FROM "
                                  "ledger_entries WHERE account_id IN (",
                                  Marks(accounts.size()), ") AND post_time < ?"),
                     params));
  return row.Int("total");
}

absl::StatusOr<std::vector<ledger::Account>> MysqlLedger::AccountsOfParty(
    absl::string_view kind, absl::string_view party_id) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  QRCLOUD_ASSIGN_OR_RETURN(
      auto rows, conn->Query(absl::StrCat("SELECT ", kAccountColumns,
                                          " FROM ledger_accounts WHERE party_kind = ? AND "
                                          "party_id = ? ORDER BY id"),
                             {std::string(kind), std::string(party_id)}));
  std::vector<ledger::Account> out;
  for (const auto& r : rows) out.push_back(AccountOf(r));
  return out;
}

absl::StatusOr<std::vector<std::string>> MysqlLedger::Months(
    const std::vector<std::string>& accounts) {
  std::vector<std::string> out;
  if (accounts.empty()) return out;
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  // Times are kept in UTC; the platform's month is UTC+8's.
  QRCLOUD_ASSIGN_OR_RETURN(
      auto rows,
      conn->Query(absl::StrCat("SELECT DISTINCT DATE_FORMAT(post_time + INTERVAL 8 HOUR, "
                               "'%Y-%m') AS month FROM ledger_entries WHERE account_id IN (",
                               Marks(accounts.size()), ") ORDER BY month DESC"),
                  Ids(accounts)));
  for (const auto& r : rows) out.push_back(r.String("month"));
  return out;
}

absl::Status MysqlLedger::CheckAll(ledger::Checker& checker, int64_t& accounts,
                                   int64_t& transfers) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  accounts = transfers = 0;
  // A consistent view of both tables.
  QRCLOUD_RETURN_IF_ERROR(
      conn->ExecuteUnprepared("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY"));
  absl::Status status = [&]() -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(
        auto rows, conn->Query(absl::StrCat("SELECT ", kAccountColumns, " FROM ledger_accounts")));
    for (const auto& r : rows) {
      checker.Add(AccountOf(r));
      ++accounts;
    }
    constexpr int64_t kBatch = 5000;
    for (int64_t after = 0;;) {
      QRCLOUD_ASSIGN_OR_RETURN(
          auto batch,
          conn->Query(absl::StrCat("SELECT seq, ", kTransferColumns,
                                   " FROM ledger_transfers WHERE seq > ? ORDER BY seq LIMIT ?"),
                      {after, kBatch}));
      for (const auto& r : batch) {
        checker.Add(TransferOf(r));
        ++transfers;
        after = r.Int("seq");
      }
      if (static_cast<int64_t>(batch.size()) < kBatch) return absl::OkStatus();
    }
  }();
  const absl::Status done = conn->ExecuteUnprepared("COMMIT");
  return status.ok() ? done : status;
}

absl::StatusOr<std::map<std::string, std::vector<std::pair<absl::Time, std::string>>>>
MysqlLedger::Plans(const std::vector<std::string>& merchant_ids) {
  std::map<std::string, std::vector<std::pair<absl::Time, std::string>>> out;
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  QRCLOUD_RETURN_IF_ERROR(QueryInChunks(
      *conn, merchant_ids,
      [](size_t n) {
        return absl::StrCat(
            "SELECT merchant_id, effective_time, plan FROM merchant_plans WHERE merchant_id IN (",
            Marks(n), ") ORDER BY merchant_id, effective_time");
      },
      [&out](const store::Row& r) {
        out[r.String("merchant_id")].emplace_back(r.Time("effective_time"), r.String("plan"));
      }));
  return out;
}

absl::Status MysqlLedger::SetPlan(absl::string_view merchant_id, absl::string_view plan,
                                  absl::Time from) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  return conn
      ->Execute(
          "INSERT INTO merchant_plans (merchant_id, effective_time, plan) VALUES (?, ?, ?) ON "
          "DUPLICATE KEY UPDATE plan = VALUES(plan)",
          {std::string(merchant_id), from, std::string(plan)})
      .status();
}

absl::Status MysqlLedger::UpsertAgent(const AgentTerms& a, absl::Time update_time) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  return conn
      ->Execute(
          "INSERT INTO agents (id, state, parent_agent_id, commission_bps, update_time) VALUES "
          "(?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE "
          "state = IF(VALUES(update_time) >= update_time, VALUES(state), state), "
          "parent_agent_id = IF(VALUES(update_time) >= update_time, VALUES(parent_agent_id), "
          "parent_agent_id), "
          "commission_bps = IF(VALUES(update_time) >= update_time, VALUES(commission_bps), "
          "commission_bps), "
          "update_time = GREATEST(update_time, VALUES(update_time))",
          {a.id, std::string(a.authorized ? "AUTHORIZED" : "OTHER"), a.parent_id,
           static_cast<int64_t>(a.commission_bps), update_time})
      .status();
}

absl::Status MysqlLedger::UnlinkMerchant(absl::string_view merchant_id, absl::string_view agent_id,
                                         absl::Time unlink_time) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  return conn
      ->Execute(
          "UPDATE merchant_agents SET unlink_time = ? WHERE merchant_id = ? AND agent_id = ? AND "
          "unlink_time IS NULL AND link_time <= ?",
          {unlink_time, std::string(merchant_id), std::string(agent_id), unlink_time})
      .status();
}

std::string MysqlLedger::AgentBook::AgentAt(const std::string& merchant_id, absl::Time at) const {
  auto it = links.find(merchant_id);
  if (it == links.end()) return "";
  for (const auto& [from, agent, until] : it->second) {
    if (from <= at && at < until) return agent;
  }
  return "";
}

absl::StatusOr<MysqlLedger::AgentBook> MysqlLedger::Agents(
    const std::vector<std::string>& merchant_ids) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  return ReadAgents(*conn, merchant_ids, "");
}

absl::StatusOr<MysqlLedger::AgentBook> MysqlLedger::Agents(
    store::Tx& tx, const std::vector<std::string>& merchant_ids) {
  return ReadAgents(store::ConnectionOf(tx), merchant_ids, " LOCK IN SHARE MODE");
}

absl::Status MysqlLedger::LinkMerchant(store::Tx& tx, absl::string_view merchant_id,
                                       absl::string_view agent_id, absl::Time link_time) {
  return store::ConnectionOf(tx)
      .Execute(
          "INSERT IGNORE INTO merchant_agents (merchant_id, link_time, agent_id) VALUES (?, ?, ?)",
          {std::string(merchant_id), link_time, std::string(agent_id)})
      .status();
}

absl::Status MysqlLedger::AddSettledOrders(store::Tx& tx, const std::vector<SettledOrder>& orders) {
  return ExecuteInChunks<SettledOrder>(
      store::ConnectionOf(tx), orders,
      [](size_t n) {
        return absl::StrCat(
            "INSERT IGNORE INTO settled_orders (order_id, merchant_id, redeem_time) VALUES ",
            Rows(n, 3));
      },
      [](const SettledOrder& o, store::Params& p) {
        Add(p, {o.order_id, o.merchant_id, o.redeem_time});
      });
}

absl::StatusOr<std::vector<MysqlLedger::SettledOrder>> MysqlLedger::SettledOrdersSince(
    store::Tx& tx, absl::string_view merchant_id, absl::Time since) {
  QRCLOUD_ASSIGN_OR_RETURN(
      auto rows, store::ConnectionOf(tx).Query(
                     "SELECT order_id, merchant_id, redeem_time FROM settled_orders WHERE "
                     "merchant_id = ? AND redeem_time >= ? ORDER BY redeem_time FOR UPDATE",
                     {std::string(merchant_id), since}));
  std::vector<SettledOrder> out;
  for (const auto& r : rows) {
    out.push_back({r.String("order_id"), r.String("merchant_id"), r.Time("redeem_time")});
  }
  return out;
}

absl::StatusOr<MysqlLedger::AgentBook> MysqlLedger::ReadAgents(
    store::Connection& conn, const std::vector<std::string>& merchant_ids, absl::string_view lock) {
  AgentBook book;
  QRCLOUD_ASSIGN_OR_RETURN(
      auto agents, conn.Query("SELECT id, state, parent_agent_id, commission_bps FROM agents"));
  for (const auto& r : agents) {
    book.agents[r.String("id")] =
        AgentTerms{r.String("id"), r.String("state") == "AUTHORIZED", r.String("parent_agent_id"),
                   static_cast<int32_t>(r.Int("commission_bps"))};
  }
  QRCLOUD_RETURN_IF_ERROR(QueryInChunks(
      conn, merchant_ids,
      [lock](size_t n) {
        return absl::StrCat(
            "SELECT merchant_id, link_time, agent_id, unlink_time FROM merchant_agents WHERE "
            "merchant_id IN (",
            Marks(n), ")", lock);
      },
      [&book](const store::Row& r) {
        book.links[r.String("merchant_id")].emplace_back(
            r.Time("link_time"), r.String("agent_id"),
            r.IsNull("unlink_time") ? absl::InfiniteFuture() : r.Time("unlink_time"));
      }));
  return book;
}

absl::Status MysqlLedger::UpsertPartner(const PartnerTerms& p, absl::Time update_time) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  constexpr char kNewer[] = "IF(VALUES(update_time) >= update_time, VALUES(";
  return conn
      ->Execute(
          absl::StrCat(
              "INSERT INTO partners (id, state, holding_days, min_payout, currency, update_time) "
              "VALUES (?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE state = ",
              kNewer, "state), state), holding_days = ", kNewer,
              "holding_days), holding_days), min_payout = ", kNewer,
              "min_payout), min_payout), currency = ", kNewer,
              "currency), currency), update_time = GREATEST(update_time, VALUES(update_time))"),
          {p.id, std::string(p.approved ? "APPROVED" : "OTHER"),
           static_cast<int64_t>(p.holding_days), p.min_payout, p.currency, update_time})
      .status();
}

absl::StatusOr<std::map<std::string, MysqlLedger::PartnerTerms>> MysqlLedger::Partners() {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  QRCLOUD_ASSIGN_OR_RETURN(
      auto rows, conn->Query("SELECT id, state, holding_days, min_payout, currency FROM partners"));
  std::map<std::string, PartnerTerms> out;
  for (const auto& r : rows) {
    out[r.String("id")] = PartnerTerms{r.String("id"), r.String("state") == "APPROVED",
                                       static_cast<int32_t>(r.Int("holding_days")),
                                       r.Int("min_payout"), r.String("currency")};
  }
  return out;
}

absl::Status MysqlLedger::AddHolds(store::Tx& tx,
                                   const std::vector<std::pair<std::string, absl::Time>>& holds) {
  using Hold = std::pair<std::string, absl::Time>;
  return ExecuteInChunks<Hold>(
      store::ConnectionOf(tx), holds,
      [](size_t n) {
        return absl::StrCat("INSERT IGNORE INTO holds (transfer_id, release_time) VALUES ",
                            Rows(n, 2));
      },
      [](const Hold& h, store::Params& p) {
        Add(p, {h.first, h.second});
      });
}

absl::StatusOr<absl::flat_hash_map<std::string, uint64_t>> MysqlLedger::SettledScans(
    store::Tx& tx, const std::vector<std::string>& scan_ids) {
  absl::flat_hash_map<std::string, uint64_t> out;
  QRCLOUD_RETURN_IF_ERROR(QueryInChunks(
      store::ConnectionOf(tx), scan_ids,
      [](size_t n) {
        return absl::StrCat(
            "SELECT scan_event_id, terms_digest FROM settled_scans WHERE "
            "scan_event_id IN (",
            Marks(n), ")");
      },
      [&out](const store::Row& r) {
        out.emplace(r.String("scan_event_id"), static_cast<uint64_t>(r.Int("terms_digest")));
      }));
  return out;
}

absl::Status MysqlLedger::AddSettledScans(store::Tx& tx,
                                          const std::vector<const ScanAccrual*>& accruals) {
  struct Paid {
    const std::string* scan;
    const std::string* transfer;
    uint64_t digest;
  };
  std::vector<Paid> rows;
  for (const ScanAccrual* a : accruals) {
    for (const auto& [scan, digest] : a->scans) rows.push_back({&scan, &a->transfer.id, digest});
  }
  return ExecuteInChunks<Paid>(
      store::ConnectionOf(tx), rows,
      [](size_t n) {
        return absl::StrCat(
            "INSERT INTO settled_scans (scan_event_id, transfer_id, terms_digest) VALUES ",
            Rows(n, 3));
      },
      [](const Paid& p, store::Params& params) {
        Add(params, {*p.scan, *p.transfer, static_cast<int64_t>(p.digest)});
      });
}

absl::StatusOr<std::vector<ledger::Transfer>> MysqlLedger::DueHolds(store::Tx& tx, absl::Time now,
                                                                    int limit) {
  store::Connection& conn = store::ConnectionOf(tx);
  QRCLOUD_ASSIGN_OR_RETURN(
      auto rows, conn.Query("SELECT transfer_id FROM holds WHERE outcome IS NULL AND "
                            "release_time <= ? ORDER BY release_time LIMIT ? FOR UPDATE SKIP "
                            "LOCKED",
                            {now, static_cast<int64_t>(limit)}));
  std::vector<std::string> ids;
  for (const auto& r : rows) ids.push_back(r.String("transfer_id"));
  return FindTransfers(tx, ids);
}

absl::StatusOr<std::map<std::string, bool>> MysqlLedger::LockHolds(
    store::Tx& tx, const std::vector<std::string>& ids) {
  std::map<std::string, bool> out;
  QRCLOUD_RETURN_IF_ERROR(QueryInChunks(
      store::ConnectionOf(tx), ids,
      [](size_t n) {
        return absl::StrCat("SELECT transfer_id, outcome FROM holds WHERE transfer_id IN (",
                            Marks(n), ") FOR UPDATE");
      },
      [&out](const store::Row& r) {
        out[r.String("transfer_id")] = !r.IsNull("outcome") && r.String("outcome") == "released";
      }));
  return out;
}

absl::Status MysqlLedger::SetHoldOutcome(store::Tx& tx, const std::vector<std::string>& ids,
                                         absl::string_view outcome, absl::Time at) {
  store::Connection& conn = store::ConnectionOf(tx);
  for (const std::string& id : ids) {
    QRCLOUD_RETURN_IF_ERROR(
        conn.Execute("UPDATE holds SET outcome = ?, outcome_time = ? WHERE transfer_id = ? AND "
                     "outcome IS NULL",
                     {std::string(outcome), at, id})
            .status());
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<ledger::Transfer>> MysqlLedger::CommissionsOf(
    store::Tx& tx, absl::string_view order_id) {
  store::Connection& conn = store::ConnectionOf(tx);
  // The ids "order:<id>:commission:<agent>", as a range of the unique key.
  const std::string from = absl::StrCat("order:", order_id, ":commission:");
  const std::string to = absl::StrCat("order:", order_id, ":commission;");
  QRCLOUD_ASSIGN_OR_RETURN(
      auto rows, conn.Query(absl::StrCat("SELECT ", kTransferColumns,
                                         " FROM ledger_transfers WHERE id >= ? AND id < ? AND "
                                         "code = 'commission'"),
                            {from, to}));
  std::vector<ledger::Transfer> out;
  for (const auto& r : rows) out.push_back(TransferOf(r));
  return out;
}

absl::StatusOr<std::vector<v1::ParkedEvent>> MysqlLedger::Parked(absl::Time before, int limit) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  if (before == absl::InfiniteFuture())
    before = absl::FromCivil(absl::CivilYear(9999), absl::UTCTimeZone());
  QRCLOUD_ASSIGN_OR_RETURN(
      auto rows, conn->Query("SELECT event, reason, data, park_time FROM parked_events WHERE "
                             "park_time < ? ORDER BY park_time DESC, event LIMIT ?",
                             {before, static_cast<int64_t>(limit)}));
  std::vector<v1::ParkedEvent> out;
  for (const auto& r : rows) {
    v1::ParkedEvent e;
    e.set_event(r.String("event"));
    e.set_reason(r.String("reason"));
    e.set_data(r.String("data"));
    core::ToProto(r.Time("park_time"), e.mutable_park_time());
    out.push_back(std::move(e));
  }
  return out;
}

absl::Status MysqlLedger::Park(absl::string_view event, absl::string_view reason,
                               absl::string_view data, absl::Time at) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  return conn
      ->Execute(
          "INSERT IGNORE INTO parked_events (event, reason, data, park_time) VALUES (?, ?, ?, ?)",
          {std::string(event), std::string(reason.substr(0, 512)), std::string(data), at})
      .status();
}

absl::StatusOr<std::optional<PayoutRow>> MysqlLedger::FindPayout(store::Tx& tx,
                                                                 absl::string_view request_id) {
  store::Connection& conn = store::ConnectionOf(tx);
  QRCLOUD_ASSIGN_OR_RETURN(
      auto rows, conn.Query("SELECT id, request_id, party, statement_id, amount, currency, "
                            "reference, create_time FROM payouts WHERE request_id = ?",
                            {std::string(request_id)}));
  if (rows.empty()) return std::nullopt;
  const store::Row& r = rows[0];
  return PayoutRow{r.String("id"),           r.String("request_id"), r.String("party"),
                   r.String("statement_id"), r.Int("amount"),        r.String("currency"),
                   r.String("reference"),    r.Time("create_time")};
}

absl::Status MysqlLedger::AddPayout(store::Tx& tx, const PayoutRow& p) {
  store::Connection& conn = store::ConnectionOf(tx);
  return conn
      .Execute(
          "INSERT INTO payouts (id, request_id, party, statement_id, amount, currency, reference, "
          "create_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
          {p.id, p.request_id, p.party, p.statement_id, p.amount, p.currency, p.reference,
           p.create_time})
      .status();
}

}  // namespace qrcloud::settlement
