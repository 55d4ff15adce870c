#include "services/center/mysql_account_store.h"

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "libs/core/log.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"

namespace qrcloud::center {
namespace {

constexpr char kAccountColumns[] =
    "id, kind, login, password_hash, display_name, roles, merchant_id, agent_id, partner_id, "
    "created_at";

AccountRecord FromRow(const store::Row& r) {
  AccountRecord a;
  a.id = r.String("id");
  a.kind = r.String("kind");
  a.login = r.String("login");
  a.password_hash = r.String("password_hash");
  a.display_name = r.String("display_name");
  a.roles = RolesFromText(r.String("roles"));
  a.merchant_id = r.String("merchant_id");
  a.agent_id = r.String("agent_id");
  a.partner_id = r.String("partner_id");
  a.created_at = r.Time("created_at");
  return a;
}

store::Value OrNull(const std::string& s) {
  if (s.empty()) return nullptr;
  return s;
}

}  // namespace

absl::Status MysqlAccountStore::Insert(store::Tx& tx, const AccountRecord& a) {
  auto n = store::ConnectionOf(tx).Execute(
      "INSERT INTO accounts (id, kind, login, password_hash, display_name, roles, merchant_id, "
      "agent_id, partner_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {a.id, a.kind, a.login, a.password_hash, a.display_name, RolesToText(a.roles),
       OrNull(a.merchant_id), OrNull(a.agent_id), OrNull(a.partner_id), a.created_at,
       a.created_at});
  if (n.status().code() == absl::StatusCode::kAlreadyExists) {
    return absl::AlreadyExistsError(
        absl::StrCat("the login ", a.login, " is already registered; sign in instead"));
  }
  return n.status();
}

absl::StatusOr<AccountRecord> MysqlAccountStore::FindByLogin(absl::string_view login) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  auto row =
      conn->QueryOne(absl::StrCat("SELECT ", kAccountColumns, " FROM accounts WHERE login = ?"),
                     {std::string(login)});
  if (!row.ok()) return row.status();
  return FromRow(*row);
}

absl::StatusOr<AccountRecord> MysqlAccountStore::FindById(absl::string_view id) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  auto row = conn->QueryOne(absl::StrCat("SELECT ", kAccountColumns, " FROM accounts WHERE id = ?"),
                            {std::string(id)});
  if (row.status().code() == absl::StatusCode::kNotFound) {
    return absl::NotFoundError(absl::StrCat("account ", id, " not found"));
  }
  if (!row.ok()) return row.status();
  return FromRow(*row);
}

absl::Status MysqlAccountStore::UpsertStaff(const AccountRecord& a) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  return conn
      ->Execute(
          "INSERT INTO accounts (id, kind, login, password_hash, display_name, roles, created_at, "
          "updated_at) VALUES (?, 'STAFF', ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE "
          "password_hash = VALUES(password_hash), roles = VALUES(roles), kind = 'STAFF', "
          "updated_at = VALUES(updated_at)",
          {a.id, a.login, a.password_hash, a.display_name, RolesToText(a.roles), a.created_at,
           a.created_at})
      .status();
}

absl::Status MysqlAccountStore::InsertApiKey(const ApiKeyRecord& k) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  return conn
      ->Execute(
          "INSERT INTO api_keys (id, account_id, name, key_hash, prefix, created_at) "
          "VALUES (?, ?, ?, ?, ?, ?)",
          {k.id, k.account_id, k.name, k.key_hash, k.prefix, k.created_at})
      .status();
}

absl::StatusOr<std::vector<ApiKeyRecord>> MysqlAccountStore::ListApiKeys(
    absl::string_view account_id) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  QRCLOUD_ASSIGN_OR_RETURN(
      auto rows, conn->Query("SELECT id, name, prefix, created_at, last_used_at FROM api_keys "
                             "WHERE account_id = ? AND revoked_at IS NULL ORDER BY id",
                             {std::string(account_id)}));
  std::vector<ApiKeyRecord> out;
  for (const auto& r : rows) {
    ApiKeyRecord k;
    k.id = r.String("id");
    k.account_id = std::string(account_id);
    k.name = r.String("name");
    k.prefix = r.String("prefix");
    k.created_at = r.Time("created_at");
    k.last_used_at = r.Time("last_used_at");
    out.push_back(std::move(k));
  }
  return out;
}

absl::StatusOr<std::string> MysqlAccountStore::RevokeApiKey(absl::string_view account_id,
                                                            absl::string_view key_id) {
  std::string hash;
  absl::Status s = mysql_.Transaction([&](store::Connection& conn) -> absl::Status {
    auto row = conn.QueryOne(
        "SELECT key_hash FROM api_keys WHERE id = ? AND account_id = ? AND revoked_at IS NULL "
        "FOR UPDATE",
        {std::string(key_id), std::string(account_id)});
    if (row.status().code() == absl::StatusCode::kNotFound) {
      return absl::NotFoundError(absl::StrCat("API key ", key_id, " not found"));
    }
    if (!row.ok()) return row.status();
    hash = row->String("key_hash");
    return conn
        .Execute("UPDATE api_keys SET revoked_at = UTC_TIMESTAMP(6) WHERE id = ?",
                 {std::string(key_id)})
        .status();
  });
  if (!s.ok()) return s;
  return hash;
}

absl::StatusOr<auth::Principal> MysqlAccountStore::ResolveApiKey(absl::string_view key_hash) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  // A landing node's key (node_id set) stands for the node alone, not for
  // an account: its principal has the landing_node role, the node and its
  // merchant, and nothing else (so no merchant route accepts it).
  auto row = conn->QueryOne(
      absl::StrCat("SELECT a.", absl::StrJoin(absl::StrSplit(kAccountColumns, ", "), ", a."),
                   ", k.node_id AS key_node_id, n.merchant_id AS node_merchant_id FROM api_keys k "
                   "LEFT JOIN accounts a ON a.id = k.account_id LEFT JOIN landing_nodes n ON "
                   "n.id = k.node_id AND n.revoked_at IS NULL "
                   "WHERE k.key_hash = ? AND k.revoked_at IS NULL"),
      {std::string(key_hash)});
  if (!row.ok()) return row.status();
  auth::Principal p;
  if (!row->IsNull("key_node_id")) {
    if (row->IsNull("node_merchant_id")) return absl::NotFoundError("the landing node was revoked");
    p.account_id = row->String("key_node_id");
    p.kind = "NODE";
    p.Grant(auth::Role::kLandingNode);
    p.merchant_id = row->String("node_merchant_id");
    p.node_id = p.account_id;
  } else {
    if (row->IsNull("id")) return absl::NotFoundError("the API key's account is gone");
    p = FromRow(*row).ToPrincipal();
  }
  (void)conn->Execute("UPDATE api_keys SET last_used_at = UTC_TIMESTAMP(6) WHERE key_hash = ?",
                      {std::string(key_hash)});
  return p;
}

void MysqlAccountStore::Log(absl::string_view account_id, absl::string_view action,
                            absl::string_view subject, absl::string_view peer,
                            absl::string_view request_id) {
  auto conn = mysql_.Acquire();
  absl::Status s = conn.status();
  if (conn.ok()) {
    s = (*conn)
            ->Execute(
                "INSERT INTO security_log (at, account_id, action, subject, peer, request_id) "
                "VALUES (UTC_TIMESTAMP(6), ?, ?, ?, ?, ?)",
                {account_id.empty() ? store::Value(nullptr) : std::string(account_id),
                 std::string(action), std::string(subject).substr(0, 255),
                 std::string(peer).substr(0, 255), std::string(request_id).substr(0, 128)})
            .status();
  }
  if (!s.ok()) spdlog::warn("security log write failed ({} {}): {}", action, subject, s.message());
}

}  // namespace qrcloud::center
