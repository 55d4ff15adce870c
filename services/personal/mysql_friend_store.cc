#include "services/personal/mysql_friend_store.h"

#include "absl/strings/str_cat.h"
#include "libs/core/status.h"
#include "libs/store/mysql.h"

namespace qrcloud::personal {
namespace {

// The two ids in order: one key for the pair, whoever asked.
std::string PairKey(absl::string_view a, absl::string_view b) {
  return a < b ? absl::StrCat(a, ":", b) : absl::StrCat(b, ":", a);
}

Friendship FriendshipOf(const store::Row& r) {
  Friendship f;
  f.id = r.String("id");
  f.requester = r.String("requester");
  f.addressee = r.String("addressee");
  f.accepted = r.Bool("accepted");
  f.create_time = r.Time("create_time");
  return f;
}

absl::StatusOr<std::optional<Friendship>> One(store::Connection& conn, absl::string_view where,
                                              const store::Params& params) {
  QRCLOUD_ASSIGN_OR_RETURN(
      std::vector<store::Row> rows,
      conn.Query(absl::StrCat("SELECT * FROM friendships WHERE ", where, " FOR UPDATE"), params));
  if (rows.empty()) return std::nullopt;
  return FriendshipOf(rows.front());
}

}  // namespace

absl::StatusOr<std::optional<std::string>> MysqlFriendStore::CodeOwner(store::Tx& tx,
                                                                       absl::string_view code) {
  QRCLOUD_ASSIGN_OR_RETURN(
      std::vector<store::Row> rows,
      store::ConnectionOf(tx).Query("SELECT account_id FROM friend_codes WHERE code = ?",
                                    {std::string(code)}));
  if (rows.empty()) return std::nullopt;
  return rows.front().String("account_id");
}

absl::StatusOr<std::optional<std::string>> MysqlFriendStore::CodeOf(store::Tx& tx,
                                                                    absl::string_view account) {
  QRCLOUD_ASSIGN_OR_RETURN(
      std::vector<store::Row> rows,
      store::ConnectionOf(tx).Query("SELECT code FROM friend_codes WHERE account_id = ? FOR UPDATE",
                                    {std::string(account)}));
  if (rows.empty()) return std::nullopt;
  return rows.front().String("code");
}

absl::Status MysqlFriendStore::SetCode(store::Tx& tx, absl::string_view account,
                                       absl::string_view code) {
  return store::ConnectionOf(tx)
      .Execute(
          "INSERT INTO friend_codes (account_id, code) VALUES (?, ?) ON DUPLICATE KEY UPDATE "
          "code = VALUES(code)",
          {std::string(account), std::string(code)})
      .status();
}

absl::StatusOr<std::optional<Friendship>> MysqlFriendStore::Between(store::Tx& tx,
                                                                    absl::string_view a,
                                                                    absl::string_view b) {
  return One(store::ConnectionOf(tx), "pair_key = ?", {PairKey(a, b)});
}

absl::StatusOr<std::optional<Friendship>> MysqlFriendStore::Get(store::Tx& tx,
                                                                absl::string_view id) {
  return One(store::ConnectionOf(tx), "id = ?", {std::string(id)});
}

absl::Status MysqlFriendStore::Insert(store::Tx& tx, const Friendship& f) {
  absl::Status s = store::ConnectionOf(tx)
                       .Execute(
                           "INSERT INTO friendships (id, pair_key, requester, addressee, accepted, "
                           "create_time) VALUES (?, ?, ?, ?, ?, ?)",
                           {f.id, PairKey(f.requester, f.addressee), f.requester, f.addressee,
                            f.accepted, f.create_time})
                       .status();
  // The other person asked at the same moment: try again, and it is theirs.
  if (s.code() == absl::StatusCode::kAlreadyExists) return absl::AbortedError(s.message());
  return s;
}

absl::Status MysqlFriendStore::Accept(store::Tx& tx, absl::string_view id) {
  return store::ConnectionOf(tx)
      .Execute("UPDATE friendships SET accepted = TRUE WHERE id = ?", {std::string(id)})
      .status();
}

absl::Status MysqlFriendStore::Remove(store::Tx& tx, absl::string_view id) {
  return store::ConnectionOf(tx)
      .Execute("DELETE FROM friendships WHERE id = ?", {std::string(id)})
      .status();
}

absl::StatusOr<std::vector<Friendship>> MysqlFriendStore::Of(store::Tx& tx,
                                                             absl::string_view account, int limit) {
  QRCLOUD_ASSIGN_OR_RETURN(
      std::vector<store::Row> rows,
      store::ConnectionOf(tx).Query(
          absl::StrCat("SELECT * FROM friendships WHERE requester = ? UNION ALL "
                       "SELECT * FROM friendships WHERE addressee = ? ORDER BY id DESC LIMIT ",
                       limit),
          {std::string(account), std::string(account)}));
  std::vector<Friendship> out;
  for (const store::Row& r : rows) out.push_back(FriendshipOf(r));
  return out;
}

absl::StatusOr<bool> MysqlFriendStore::Blocked(store::Tx& tx, absl::string_view blocker,
                                               absl::string_view blocked) {
  QRCLOUD_ASSIGN_OR_RETURN(
      std::vector<store::Row> rows,
      store::ConnectionOf(tx).Query("SELECT 1 AS x FROM blocks WHERE blocker = ? AND blocked = ?",
                                    {std::string(blocker), std::string(blocked)}));
  return !rows.empty();
}

absl::Status MysqlFriendStore::Block(store::Tx& tx, absl::string_view blocker,
                                     absl::string_view blocked, absl::Time at) {
  return store::ConnectionOf(tx)
      .Execute("INSERT IGNORE INTO blocks (blocker, blocked, create_time) VALUES (?, ?, ?)",
               {std::string(blocker), std::string(blocked), at})
      .status();
}

}  // namespace qrcloud::personal
