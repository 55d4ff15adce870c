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
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "libs/auth/authenticator.h"
#include "libs/auth/principal.h"
#include "libs/cache/redis.h"
#include "libs/core/clock.h"
#include "libs/core/status.h"
#include "libs/rpc/stream_threads.h"
#include "libs/rpc/worker_pool.h"
#include "libs/service/policy.h"

namespace qrcloud::rpc {

inline constexpr char kRequestIdHeader[] = "x-request-id";
inline constexpr char kDeviceHeader[] = "x-qrcloud-device";

// The largest answer the Redis idempotency layer keeps for retries; a retry
// of a call whose answer was larger gets ALREADY_EXISTS. Methods that can
// answer more keep their own idempotency (KeepsOwnIdempotency).
inline constexpr size_t kMaxKeptResponse = 64 * 1024;

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
  // The caller's device as the gateway keys it (x-qrcloud-device: a keyed
  // hash of address and user agent, as the scan path's), or "" for a direct
  // gRPC client. For attribution only, never for authorisation.
  std::string device;

  // For methods whose auth is REQUIRED or API_KEY, where it is never null.
  const auth::Principal& caller() const { return *principal; }
};

// Where a server-streaming method's logic sends its messages, one at a time.
template <typename Resp>
class StreamWriter {
 public:
  virtual ~StreamWriter() = default;
  // Sends `message` and returns once gRPC has taken it, so a slow client
  // slows the logic rather than filling memory. False once the client is
  // gone or the call was cancelled: stop producing and return.
  virtual bool Write(const Resp& message) = 0;
  // Waits `timeout` between messages (a watch polling for news). False as
  // soon as the client is gone or the call was cancelled: return then.
  virtual bool Pause(absl::Duration timeout) = 0;
  // Tells the client the stream is open (sends the response headers) before
  // any message: for watches, whose first message may be long in coming,
  // so that a client knows from when on it sees news. At most once, before
  // the first Write.
  virtual void Ready() = 0;
};

namespace internal {

// A server-streaming call: the logic writes from its worker thread and
// waits for each write to complete; Finish ends the call, after which gRPC
// calls OnDone, which deletes the reactor.
template <typename Resp>
class WriteReactor final : public grpc::ServerWriteReactor<Resp>, public StreamWriter<Resp> {
 public:
  bool Write(const Resp& message) override {
    {
      absl::MutexLock lock(&mu_);
      if (failed_) return false;
      pending_ = message;  // gRPC reads it until OnWriteDone
      writing_ = true;
    }
    // Outside the lock, in case gRPC runs the reaction inline.
    this->StartWrite(&pending_);
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](bool* writing) { return !*writing; }, &writing_));
    return !failed_;
  }
  void Ready() override {
    {
      absl::MutexLock lock(&mu_);
      if (failed_) return;
      writing_ = true;
    }
    this->StartSendInitialMetadata();
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](bool* writing) { return !*writing; }, &writing_));
  }
  void OnSendInitialMetadataDone(bool ok) override {
    absl::MutexLock lock(&mu_);
    writing_ = false;
    if (!ok) failed_ = true;
  }
  bool Pause(absl::Duration timeout) override {
    absl::MutexLock lock(&mu_);
    mu_.AwaitWithTimeout(absl::Condition(&failed_), timeout);
    return !failed_;
  }
  void OnWriteDone(bool ok) override {
    absl::MutexLock lock(&mu_);
    writing_ = false;
    if (!ok) failed_ = true;
  }
  void OnCancel() override {
    absl::MutexLock lock(&mu_);
    failed_ = true;
  }
  void OnDone() override { delete this; }

 private:
  absl::Mutex mu_;
  Resp pending_;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool failed_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace internal

struct DispatcherDeps {
  WorkerPool* workers = nullptr;
  auth::Authenticator* authenticator = nullptr;
  // Where idempotent results are kept; without it request ids are ignored.
  cache::RedisPool* redis = nullptr;
  const core::Clock* clock = &core::Clock::Real();
  // How long a finished result answers retries with the same request id.
  absl::Duration idempotency_ttl = absl::Hours(24);
  // Threads for server streams; without it streams run on `workers`.
  StreamThreads* streams = nullptr;
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

  // A server-streaming method: the same checks, then `logic` writes its
  // messages to the StreamWriter on a thread of its own (deps.streams: a
  // watch can last as long as its client, and unary calls keep every
  // worker), or on a worker without one.
  //   return dispatcher_.ServerStream<GetBatchSheetRequest, google::api::HttpBody>(
  //       ctx, "GetBatchSheet", req, [=](const CallContext& c, auto& out) { ... });
  template <typename Req, typename Resp>
  grpc::ServerWriteReactor<Resp>* ServerStream(
      grpc::CallbackServerContext* ctx, absl::string_view method, const Req* request,
      std::function<absl::Status(const CallContext&, StreamWriter<Resp>&)> logic) {
    auto* reactor = new internal::WriteReactor<Resp>();
    auto run = [this, ctx, method = std::string(method), request, reactor,
                logic = std::move(logic)] {
      const absl::Status status = Serve(ctx, method, request, nullptr,
                                        [&](const CallContext& c) { return logic(c, *reactor); });
      reactor->Finish(core::ToGrpcStatus(status));
    };
    const bool queued = deps_.streams != nullptr ? deps_.streams->TrySpawn(std::move(run))
                                                 : deps_.workers->TrySubmit(std::move(run));
    if (!queued) reactor->Finish(AtCapacity());
    return reactor;
  }

  // The same, for a logic class's method of the usual shape.
  template <typename L, typename Req, typename Resp>
  grpc::ServerWriteReactor<Resp>* ServerStream(
      grpc::CallbackServerContext* ctx, absl::string_view method, const Req* request, L& logic,
      absl::Status (L::*fn)(const CallContext&, const Req&, StreamWriter<Resp>&)) {
    return ServerStream<Req, Resp>(
        ctx, method, request,
        [request, &logic, fn](const CallContext& call, StreamWriter<Resp>& out) {
          return (logic.*fn)(call, *request, out);
        });
  }

 private:
  // Everything but the answer: the request id, the policy, the deadline,
  // authentication, idempotency (when `response` is given), the logic, and
  // a log line for the server's own failures.
  absl::Status Serve(grpc::CallbackServerContext* ctx, const std::string& method,
                     const google::protobuf::Message* request, google::protobuf::Message* response,
                     const Logic& logic);
  static grpc::Status AtCapacity();
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
