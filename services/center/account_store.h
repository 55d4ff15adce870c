// Where the center keeps accounts, API keys and the security log, as its
// logic sees it: MySQL in the service (mysql_account_store.h), memory in
// unit tests.
#ifndef QRCLOUD_SERVICES_CENTER_ACCOUNT_STORE_H_
#define QRCLOUD_SERVICES_CENTER_ACCOUNT_STORE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/auth/authenticator.h"
#include "libs/auth/principal.h"
#include "libs/store/tx.h"
#include "qrcloud/v1/auth.pb.h"

namespace qrcloud::center {

struct AccountRecord {
  std::string id;
  std::string kind;  // PERSON, MERCHANT, AGENT, PARTNER, STAFF
  std::string login;
  std::string password_hash;
  std::string display_name;
  uint32_t roles = 0;  // auth::Role bits
  std::string merchant_id;
  std::string agent_id;
  std::string partner_id;
  absl::Time created_at;

  auth::Principal ToPrincipal() const;
  void ToProto(v1::Account* out) const;
};

struct ApiKeyRecord {
  std::string id;
  std::string account_id;
  std::string name;
  std::string key_hash;
  std::string prefix;
  absl::Time created_at;
  absl::Time last_used_at = absl::InfinitePast();
};

class AccountStore : public auth::ApiKeyResolver {
 public:
  // ALREADY_EXISTS if the login is taken.
  virtual absl::Status Insert(store::Tx& tx, const AccountRecord& account) = 0;
  // NOT_FOUND when there is none.
  virtual absl::StatusOr<AccountRecord> FindByLogin(absl::string_view login) = 0;
  virtual absl::StatusOr<AccountRecord> FindById(absl::string_view id) = 0;
  // Creates or updates a platform staff account (ensure-admin).
  virtual absl::Status UpsertStaff(const AccountRecord& account) = 0;
  virtual absl::Status InsertApiKey(const ApiKeyRecord& key) = 0;
  virtual absl::StatusOr<std::vector<ApiKeyRecord>> ListApiKeys(absl::string_view account_id) = 0;
  // Returns the revoked key's hash; NOT_FOUND if the account has no such live key.
  virtual absl::StatusOr<std::string> RevokeApiKey(absl::string_view account_id,
                                                   absl::string_view key_id) = 0;
  // Appends to the security log; failures are logged, never fatal to the call.
  virtual void Log(absl::string_view account_id, absl::string_view action,
                   absl::string_view subject, absl::string_view peer,
                   absl::string_view request_id) = 0;
};

std::string RolesToText(uint32_t roles);
uint32_t RolesFromText(absl::string_view text);

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_ACCOUNT_STORE_H_
