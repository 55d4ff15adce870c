// The adapter between gRPC's callback API and qrcloud's blocking business
// logic. A service method does:
//
//   grpc::ServerUnaryReactor* GetMerchant(grpc::CallbackServerContext* ctx,
//                                         const GetMerchantRequest* req,
//                                         Merchant* resp) override {
//     return dispatcher_.Unary(ctx, "GetMerchant", req, resp,
//                              [=](const CallContext& c) { return logic_.Get(c, *req, *resp); });
//   }
//
// and the dispatcher, on a worker thread: refuses calls past their deadline or
// cancelled, and calls of a subsystem switched off in this deployment;
// carries or makes the request id; authenticates the caller as the method's
// policy asks (its proto options, libs/service/policy.h); makes calls
// carrying a `request_id` field idempotent; runs the logic; and maps its
// absl::Status to gRPC once.
#ifndef QRCLOUD_LIBS_RPC_DISPATCHER_H_
#define QRCLOUD_LIBS_RPC_DISPATCHER_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "libs/auth/authenticator.h"
#include "libs/auth/principal.h"
#include "libs/cache/redis.h"
#include "libs/core/clock.h"
#include "libs/rpc/worker_pool.h"
#include "libs/service/policy.h"

namespace qrcloud::rpc {

inline constexpr char kRequestIdHeader[] = "x-request-id";

// What the business logic learns about the call.
struct CallContext {
  // Null only for anonymous calls to methods whose auth is OPTIONAL.
  const auth::Principal* principal = nullptr;
  std::string request_id;
  absl::Time deadline = absl::InfiniteFuture();
  // Who called: the address the gateway saw (its x-forwarded-for), or, for
  // a direct gRPC client, the peer's host. Good for throttling and logs,
  // never for authorisation.
  std::string client_address;

  // For methods whose auth is REQUIRED or API_KEY, where it is never null.
  const auth::Principal& caller() const { return *principal; }
};

struct DispatcherDeps {
  WorkerPool* workers = nullptr;
  auth::Authenticator* authenticator = nullptr;
  // Where idempotent results are kept; without it request ids are ignored.
  cache::RedisPool* redis = nullptr;
  const core::Clock* clock = &core::Clock::Real();
  // How long a finished result answers retries with the same request id.
  absl::Duration idempotency_ttl = absl::Hours(24);
};

class Dispatcher {
 public:
  // `service` is the full service name, e.g. "qrcloud.v1.MerchantService";
  // its methods' policies are read from the generated descriptor pool.
  Dispatcher(std::string service, DispatcherDeps deps);

  // OK when every method of the service has a policy (a server checks this
  // before it serves); else what is missing.
  const absl::Status& policy_status() const { return policy_status_; }

  using Logic = std::function<absl::Status(const CallContext&)>;

  // `method` keeps its own durable idempotency (a unique request id in its
  // database, answering a retry with the first result), so its request id
  // skips the Redis layer. Call before serving.
  void KeepsOwnIdempotency(std::string method) { own_idempotency_.push_back(std::move(method)); }

  grpc::ServerUnaryReactor* Unary(grpc::CallbackServerContext* ctx, absl::string_view method,
                                  const google::protobuf::Message* request,
                                  google::protobuf::Message* response, Logic logic);

  // The same, for a logic class's method of the usual shape:
  //   return dispatcher_.Unary(ctx, "GetOrder", req, resp, logic_, &OrderLogic::Get);
  template <typename L, typename Req, typename Resp>
  grpc::ServerUnaryReactor* Unary(grpc::CallbackServerContext* ctx, absl::string_view method,
                                  const Req* request, Resp* response, L& logic,
                                  absl::Status (L::*fn)(const CallContext&, const Req&, Resp&)) {
    return Unary(ctx, method, request, response,
                 [request, response, &logic, fn](const CallContext& call) {
                   return (logic.*fn)(call, *request, *response);
                 });
  }

 private:
  void Run(grpc::CallbackServerContext* ctx, const std::string& method,
           const google::protobuf::Message* request, google::protobuf::Message* response,
           const Logic& logic, grpc::ServerUnaryReactor* reactor);
  // The caller as the method's auth asks: nullopt for an anonymous call to
  // an OPTIONAL method.
  absl::StatusOr<std::optional<auth::Principal>> Authenticate(grpc::CallbackServerContext* ctx,
                                                              service::Auth auth);
  absl::Status RunIdempotent(const CallContext& call, const std::string& method,
                             const std::string& request_id,
                             const google::protobuf::Message& request,
                             google::protobuf::Message* response, const Logic& logic);

  const std::string service_;
  DispatcherDeps deps_;
  std::vector<std::string> own_idempotency_;
  std::map<std::string, service::MethodPolicy, std::less<>> policies_;
  absl::Status policy_status_;
};

// The value of a client metadata entry, or "".
std::string Metadata(const grpc::CallbackServerContext* ctx, absl::string_view key);

// The message's `request_id` string field, if it has one.
std::optional<std::string> RequestIdField(const google::protobuf::Message& m);

}  // namespace qrcloud::rpc

#endif  // QRCLOUD_LIBS_RPC_DISPATCHER_H_
