// AuthService: registration, sign-in and sign-out, who-am-I, API keys.
#ifndef QRCLOUD_SERVICES_CENTER_AUTH_SERVICE_H_
#define QRCLOUD_SERVICES_CENTER_AUTH_SERVICE_H_

#include "libs/auth/authenticator.h"
#include "libs/auth/session_store.h"
#include "libs/cache/redis.h"
#include "libs/core/clock.h"
#include "libs/rpc/dispatcher.h"
#include "libs/store/mysql.h"
#include "qrcloud/v1/auth.grpc.pb.h"
#include "services/center/account_store.h"

namespace qrcloud::center {

// The business logic, callable without gRPC.
class AuthLogic {
 public:
  AuthLogic(store::MysqlPool& mysql, cache::RedisPool& redis, AccountStore& accounts,
            auth::SessionStore& sessions, auth::Authenticator& authenticator,
            const core::Clock& clock)
      : mysql_(mysql),
        redis_(redis),
        accounts_(accounts),
        sessions_(sessions),
        authenticator_(authenticator),
        clock_(clock) {}

  absl::Status CreateAccount(const rpc::CallContext& call, const v1::CreateAccountRequest& req,
                             v1::CreateAccountResponse& resp);
  absl::Status CreateSession(const rpc::CallContext& call, const v1::CreateSessionRequest& req,
                             v1::CreateSessionResponse& resp);
  absl::Status DeleteSession(const rpc::CallContext& call);
  absl::Status GetCurrentAccount(const rpc::CallContext& call, v1::GetCurrentAccountResponse& resp);
  absl::Status CreateApiKey(const rpc::CallContext& call, const v1::CreateApiKeyRequest& req,
                            v1::CreateApiKeyResponse& resp);
  absl::Status ListApiKeys(const rpc::CallContext& call, v1::ListApiKeysResponse& resp);
  absl::Status DeleteApiKey(const rpc::CallContext& call, const v1::DeleteApiKeyRequest& req);

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
  absl::Status CheckSignInThrottle(absl::string_view login);
  void RecordSignInFailure(absl::string_view login);

  store::MysqlPool& mysql_;
  cache::RedisPool& redis_;
  AccountStore& accounts_;
  auth::SessionStore& sessions_;
  auth::Authenticator& authenticator_;
  const core::Clock& clock_;
};

class AuthServiceImpl : public v1::AuthService::CallbackService {
 public:
  AuthServiceImpl(AuthLogic& logic, rpc::DispatcherDeps deps)
      : logic_(logic), dispatcher_("qrcloud.v1.AuthService", deps) {}

  grpc::ServerUnaryReactor* CreateAccount(grpc::CallbackServerContext* ctx,
                                          const v1::CreateAccountRequest* req,
                                          v1::CreateAccountResponse* resp) override;
  grpc::ServerUnaryReactor* CreateSession(grpc::CallbackServerContext* ctx,
                                          const v1::CreateSessionRequest* req,
                                          v1::CreateSessionResponse* resp) override;
  grpc::ServerUnaryReactor* DeleteSession(grpc::CallbackServerContext* ctx,
                                          const v1::DeleteSessionRequest* req,
                                          v1::DeleteSessionResponse* resp) override;
  grpc::ServerUnaryReactor* GetCurrentAccount(grpc::CallbackServerContext* ctx,
                                              const v1::GetCurrentAccountRequest* req,
                                              v1::GetCurrentAccountResponse* resp) override;
  grpc::ServerUnaryReactor* CreateApiKey(grpc::CallbackServerContext* ctx,
                                         const v1::CreateApiKeyRequest* req,
                                         v1::CreateApiKeyResponse* resp) override;
  grpc::ServerUnaryReactor* ListApiKeys(grpc::CallbackServerContext* ctx,
                                        const v1::ListApiKeysRequest* req,
                                        v1::ListApiKeysResponse* resp) override;
  grpc::ServerUnaryReactor* DeleteApiKey(grpc::CallbackServerContext* ctx,
                                         const v1::DeleteApiKeyRequest* req,
                                         v1::DeleteApiKeyResponse* resp) override;

 private:
  AuthLogic& logic_;
  rpc::Dispatcher dispatcher_;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_AUTH_SERVICE_H_
