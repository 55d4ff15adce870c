#include "libs/auth/session_store.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/core/encoding.h"
#include "libs/core/ids.h"
#include "libs/core/status.h"

namespace qrcloud::auth {
namespace {

std::string SessionKey(absl::string_view hash) { return absl::StrCat("qrcloud:sess:", hash); }
std::string AccountKey(absl::string_view account) {
  return absl::StrCat("qrcloud:acct-sess:", account);
}

absl::Status BadToken() {
  return absl::UnauthenticatedError("the session token is unknown or expired; sign in again");
}

}  // namespace

std::string SessionStore::TokenHash(absl::string_view token) { return core::Sha256Hex(token); }

absl::StatusOr<Session> SessionStore::Create(const Principal& principal) {
  Session s;
  s.token = absl::StrCat(kSessionTokenPrefix, core::RandomBase64Url(32));
  s.expire_time = clock_.Now() + ttl_;
  const std::string hash = TokenHash(s.token);
  const std::string ttl_seconds = absl::StrCat(absl::ToInt64Seconds(ttl_));
  QRCLOUD_RETURN_IF_ERROR(
      redis_
          .Pipeline({{"SET", SessionKey(hash), principal.Serialize(), "EX", ttl_seconds},
                     {"SADD", AccountKey(principal.account_id), hash},
                     {"EXPIRE", AccountKey(principal.account_id), ttl_seconds}})
          .status());
  return s;
}

absl::StatusOr<Principal> SessionStore::Lookup(absl::string_view token) {
  if (!absl::StartsWith(token, kSessionTokenPrefix)) return BadToken();
  const std::string hash = TokenHash(token);
  QRCLOUD_ASSIGN_OR_RETURN(cache::Reply r, redis_.Command({"GET", SessionKey(hash)}));
  if (r.is_nil()) return BadToken();
  auto p = Principal::Parse(r.view());
  if (!p) return BadToken();
  p->credential = "session";
  p->token_hash = hash;
  return *p;
}

absl::Status SessionStore::RevokeHash(absl::string_view token_hash) {
  const std::string hash(token_hash);
  QRCLOUD_ASSIGN_OR_RETURN(cache::Reply r, redis_.Command({"GET", SessionKey(hash)}));
  if (r.is_nil()) return absl::OkStatus();
  auto p = Principal::Parse(r.view());
  std::vector<cache::Args> cmds = {{"DEL", SessionKey(hash)}};
  if (p) cmds.push_back({"SREM", AccountKey(p->account_id), hash});
  return redis_.Pipeline(cmds).status();
}

absl::Status SessionStore::RevokeAll(absl::string_view account_id) {
  QRCLOUD_ASSIGN_OR_RETURN(cache::Reply members,
                           redis_.Command({"SMEMBERS", AccountKey(account_id)}));
  std::vector<cache::Args> cmds;
  for (size_t i = 0; i < members.size(); ++i)
    cmds.push_back({"DEL", SessionKey(members[i].view())});
  cmds.push_back({"DEL", AccountKey(account_id)});
  return redis_.Pipeline(cmds).status();
}

}  // namespace qrcloud::auth
