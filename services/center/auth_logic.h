// Registration, sign-in and sign-out, who-am-I, API keys, and the accounts
// the platform makes for itself (the administrator, service accounts).
#ifndef QRCLOUD_SERVICES_CENTER_AUTH_LOGIC_H_
#define QRCLOUD_SERVICES_CENTER_AUTH_LOGIC_H_

#include "libs/core/clock.h"
#include "libs/rpc/dispatcher.h"
#include "libs/store/tx.h"
#include "qrcloud/v1/auth.pb.h"
#include "services/center/account_store.h"
#include "services/center/merchant_store.h"
#include "services/center/sessions.h"

namespace qrcloud::center {

class AuthLogic {
 public:
  AuthLogic(store::TxRunner& runner, AccountStore& accounts, MerchantStore& merchants,
            SessionIssuer& sessions, SignInThrottle& throttle, const core::Clock& clock)
      : runner_(runner),
        accounts_(accounts),
        merchants_(merchants),
        sessions_(sessions),
        throttle_(throttle),
        clock_(clock) {}

  absl::Status CreateAccount(const rpc::CallContext& call, const v1::CreateAccountRequest& req,
                             v1::CreateAccountResponse& resp);
  absl::Status CreateSession(const rpc::CallContext& call, const v1::CreateSessionRequest& req,
                             v1::CreateSessionResponse& resp);
  absl::Status DeleteSession(const rpc::CallContext& call, const v1::DeleteSessionRequest& req,
                             v1::DeleteSessionResponse& resp);
  absl::Status GetCurrentAccount(const rpc::CallContext& call,
                                 const v1::GetCurrentAccountRequest& req,
                                 v1::GetCurrentAccountResponse& resp);
  absl::Status CreateApiKey(const rpc::CallContext& call, const v1::CreateApiKeyRequest& req,
                            v1::CreateApiKeyResponse& resp);
  absl::Status ListApiKeys(const rpc::CallContext& call, const v1::ListApiKeysRequest& req,
                           v1::ListApiKeysResponse& resp);
  absl::Status DeleteApiKey(const rpc::CallContext& call, const v1::DeleteApiKeyRequest& req,
                            v1::DeleteApiKeyResponse& resp);

  // Creates the platform administrator (also an auditor), or resets its
  // password. Used by `qrcloud-center ensure-admin`.
  absl::Status EnsureAdmin(absl::string_view login, absl::string_view password);

  // Creates the account a worker service calls the center as (role names
  // comma-separated, e.g. "auditor") and returns an API key for it: the one in
  // `existing_key` if it still works, a new one otherwise.
  absl::StatusOr<std::string> EnsureServiceAccount(absl::string_view login, absl::string_view roles,
                                                   absl::string_view existing_key);

  // Logins are stored trimmed and lower case.
  static std::string NormalizeLogin(absl::string_view login);

 private:
  store::TxRunner& runner_;
  AccountStore& accounts_;
  MerchantStore& merchants_;
  SessionIssuer& sessions_;
  SignInThrottle& throttle_;
  const core::Clock& clock_;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_AUTH_LOGIC_H_
