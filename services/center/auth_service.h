// AuthService: the gRPC adapter of AuthLogic.
#ifndef QRCLOUD_SERVICES_CENTER_AUTH_SERVICE_H_
#define QRCLOUD_SERVICES_CENTER_AUTH_SERVICE_H_

#include "google/api/httpbody.pb.h"
#include "libs/rpc/dispatcher.h"
#include "qrcloud/v1/auth.grpc.pb.h"
#include "services/center/auth_logic.h"

namespace qrcloud::center {

class AuthServiceImpl : public v1::AuthService::CallbackService {
 public:
  AuthServiceImpl(AuthLogic& logic, rpc::DispatcherDeps deps)
      : logic_(logic), dispatcher_("qrcloud.v1.AuthService", deps) {}

  grpc::ServerUnaryReactor* CreateAccount(grpc::CallbackServerContext* ctx,
                                          const v1::CreateAccountRequest* req,
                                          v1::CreateAccountResponse* resp) override {
    return dispatcher_.Unary(ctx, "CreateAccount", req, resp, logic_, &AuthLogic::CreateAccount);
  }
  grpc::ServerUnaryReactor* CreateSession(grpc::CallbackServerContext* ctx,
                                          const v1::CreateSessionRequest* req,
                                          v1::CreateSessionResponse* resp) override {
    return dispatcher_.Unary(ctx, "CreateSession", req, resp, logic_, &AuthLogic::CreateSession);
  }
  grpc::ServerUnaryReactor* DeleteSession(grpc::CallbackServerContext* ctx,
                                          const v1::DeleteSessionRequest* req,
                                          v1::DeleteSessionResponse* resp) override {
    return dispatcher_.Unary(ctx, "DeleteSession", req, resp, logic_, &AuthLogic::DeleteSession);
  }
  grpc::ServerUnaryReactor* GetCurrentAccount(grpc::CallbackServerContext* ctx,
                                              const v1::GetCurrentAccountRequest* req,
                                              v1::GetCurrentAccountResponse* resp) override {
    return dispatcher_.Unary(ctx, "GetCurrentAccount", req, resp, logic_,
                             &AuthLogic::GetCurrentAccount);
  }
  grpc::ServerUnaryReactor* CreateApiKey(grpc::CallbackServerContext* ctx,
                                         const v1::CreateApiKeyRequest* req,
                                         v1::CreateApiKeyResponse* resp) override {
    return dispatcher_.Unary(ctx, "CreateApiKey", req, resp, logic_, &AuthLogic::CreateApiKey);
  }
  grpc::ServerUnaryReactor* ListApiKeys(grpc::CallbackServerContext* ctx,
                                        const v1::ListApiKeysRequest* req,
                                        v1::ListApiKeysResponse* resp) override {
    return dispatcher_.Unary(ctx, "ListApiKeys", req, resp, logic_, &AuthLogic::ListApiKeys);
  }
  grpc::ServerUnaryReactor* DeleteApiKey(grpc::CallbackServerContext* ctx,
                                         const v1::DeleteApiKeyRequest* req,
                                         v1::DeleteApiKeyResponse* resp) override {
    return dispatcher_.Unary(ctx, "DeleteApiKey", req, resp, logic_, &AuthLogic::DeleteApiKey);
  }

 private:
  AuthLogic& logic_;
  rpc::Dispatcher dispatcher_;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_AUTH_SERVICE_H_
