#include "services/settlement/mysql_ledger.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"
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

std::string Marks(size_t n) {
  std::vector<std::string> marks(n, "?");
  return absl::StrJoin(marks, ", ");
}

store::Params Ids(const std::vector<std::string>& ids) {
  store::Params params;
  for (const auto& id : ids) params.emplace_back(id);
  return params;
}

// Makes the account `id` names unless it exists; an id that names no
// account is left to Decide (not found).
absl::Status EnsureAccount(store::Connection& conn, const std::string& id, absl::Time now) {
  auto account = AccountNamed(id);
  if (!account.ok()) return absl::OkStatus();
  const ledger::Account& a = *account;
  const int64_t flags = (a.flags.debits_must_not_exceed_credits ? 1 : 0) |
                        (a.flags.credits_must_not_exceed_debits ? 2 : 0);
  return conn
      .Execute(
          "INSERT IGNORE INTO ledger_accounts (id, party_kind, party_id, currency, flags, "
          "create_time) VALUES (?, ?, ?, ?, ?, ?)",
          {a.id, a.party_kind, a.party_id, a.currency, flags, now})
      .status();
}

absl::StatusOr<std::optional<ledger::Account>> LockAccount(store::Connection& conn,
                                                           const std::string& id) {
  QRCLOUD_ASSIGN_OR_RETURN(auto rows, conn.Query(absl::StrCat("SELECT ", kAccountColumns,
                                                              " FROM ledger_accounts WHERE id = ? "
                                                              "FOR UPDATE"),
                                                 {id}));
  if (rows.empty()) return std::nullopt;
  return AccountOf(rows[0]);
}

absl::Status StoreAccount(store::Connection& conn, const ledger::Account& a) {
  return conn
      .Execute(
          "UPDATE ledger_accounts SET debits_pending = ?, debits_posted = ?, credits_pending = ?, "
          "credits_posted = ? WHERE id = ?",
          {a.debits_pending, a.debits_posted, a.credits_pending, a.credits_posted, a.id})
      .status();
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
  store::Connection& conn = store::ConnectionOf(tx);
  // The microsecond MySQL keeps.
  now = absl::FromUnixMicros(absl::ToUnixMicros(now));
  std::vector<ledger::CreateResult> results(chain.size(), ledger::CreateResult::kLinkedEventFailed);
  for (size_t i = 0; i < chain.size(); ++i) {
    const ledger::Transfer& request = chain[i];
    if (request.flags.linked != (i + 1 < chain.size())) {
      results[i] = i + 1 < chain.size() ? ledger::CreateResult::kLinkedEventFailed
                                        : ledger::CreateResult::kLinkedEventChainOpen;
      return results;
    }
    QRCLOUD_ASSIGN_OR_RETURN(std::optional<ledger::Transfer> existing,
                             FindTransfer(tx, request.id));
    std::optional<ledger::Transfer> pending;
    if (request.IsPostOrVoid() && !request.pending_id.empty()) {
      QRCLOUD_ASSIGN_OR_RETURN(
          auto rows, conn.Query(absl::StrCat("SELECT ", kTransferColumns,
                                             " FROM ledger_transfers WHERE id = ? FOR UPDATE"),
                                {request.pending_id}));
      if (!rows.empty()) pending = TransferOf(rows[0]);
    }
    const ledger::Transfer resolved = ledger::Resolve(request, pending ? &*pending : nullptr);
    std::optional<ledger::Account> debit, credit;
    if (!existing && resolved.debit_account_id != resolved.credit_account_id) {
      // Locked in id order, so two chains never wait on each other in a circle.
      std::vector<std::string> ids = {resolved.debit_account_id, resolved.credit_account_id};
      std::sort(ids.begin(), ids.end());
      for (const std::string& id : ids) {
        if (id.empty()) continue;
        QRCLOUD_RETURN_IF_ERROR(EnsureAccount(conn, id, now));
        QRCLOUD_ASSIGN_OR_RETURN(auto account, LockAccount(conn, id));
        (id == resolved.debit_account_id ? debit : credit) = std::move(account);
      }
    }
    const ledger::CreateResult r =
        ledger::Decide(request, {.existing = existing ? &*existing : nullptr,
                                 .debit = debit ? &*debit : nullptr,
                                 .credit = credit ? &*credit : nullptr,
                                 .pending = pending ? &*pending : nullptr,
                                 .now = now});
    results[i] = r;
    if (!Accepted(r)) return results;
    if (r == ledger::CreateResult::kExists) continue;

    const ledger::Transfer stored =
        ledger::Apply(request, now, *debit, *credit, pending ? &*pending : nullptr);
    QRCLOUD_RETURN_IF_ERROR(StoreAccount(conn, *debit));
    QRCLOUD_RETURN_IF_ERROR(StoreAccount(conn, *credit));
    QRCLOUD_RETURN_IF_ERROR(
        conn.Execute(absl::StrCat("INSERT INTO ledger_transfers (", kTransferColumns,
                                  ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                     {stored.id, stored.debit_account_id, stored.credit_account_id, stored.amount,
                      stored.currency, FlagBits(stored.flags), stored.pending_id,
                      absl::ToInt64Microseconds(stored.timeout), stored.source_event, stored.code,
                      stored.memo, stored.timestamp, static_cast<int64_t>(stored.status)})
            .status());
    if (pending) {
      QRCLOUD_RETURN_IF_ERROR(conn.Execute("UPDATE ledger_transfers SET status = ? WHERE id = ?",
                                           {static_cast<int64_t>(pending->status), pending->id})
                                  .status());
    }
    for (const ledger::Entry& e : ledger::EntriesOf(stored)) {
      QRCLOUD_RETURN_IF_ERROR(
          conn.Execute("INSERT INTO ledger_entries (id, transfer_id, account_id, amount, currency, "
                       "source_event, code, memo, post_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       {e.id, e.transfer_id, e.account_id, e.amount, e.currency, e.source_event,
                        e.code, e.memo, e.post_time})
              .status());
    }
  }
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

absl::StatusOr<std::optional<std::string>> MysqlLedger::PlanAt(absl::string_view merchant_id,
                                                               absl::Time at) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  QRCLOUD_ASSIGN_OR_RETURN(auto rows,
                           conn->Query("SELECT plan FROM merchant_plans WHERE merchant_id = ? AND "
                                       "effective_time <= ? ORDER BY effective_time DESC LIMIT 1",
                                       {std::string(merchant_id), at}));
  if (rows.empty()) return std::nullopt;
  return rows[0].String("plan");
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
