#include "libs/rpc/dispatcher.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "libs/core/encoding.h"
#include "libs/core/ids.h"
#include "libs/core/log.h"
#include "libs/core/status.h"
#include "libs/rpc/secret_fields.h"

namespace qrcloud::rpc {
namespace {

constexpr absl::string_view kPending = "pending:";
constexpr absl::string_view kDone = "done:";
// A finished call whose answer was too large to keep (kMaxKeptResponse).
constexpr absl::string_view kDoneUnkept = "done-unkept:";

std::string DeterministicBytes(const google::protobuf::Message& m) {
  std::string out;
  google::protobuf::io::StringOutputStream stream(&out);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  m.SerializeToCodedStream(&coded);
  coded.Trim();
  return out;
}

}  // namespace

// "ipv4:10.0.0.7:51234" → "10.0.0.7", "ipv6:[::1]:5000" → "::1": the
// client's host without the port, which changes with every connection.
std::string PeerHost(absl::string_view peer) {
  for (absl::string_view scheme : {"ipv4:", "ipv6:"}) {
    if (absl::ConsumePrefix(&peer, scheme)) {
      const size_t colon = peer.rfind(':');
      if (colon != absl::string_view::npos) peer = peer.substr(0, colon);
      absl::ConsumePrefix(&peer, "[");
      absl::ConsumeSuffix(&peer, "]");
      break;
    }
  }
  return std::string(peer);
}

std::string Metadata(const grpc::CallbackServerContext* ctx, absl::string_view key) {
  const auto& md = ctx->client_metadata();
  auto it = md.find(grpc::string_ref(key.data(), key.size()));
  if (it == md.end()) return "";
  return std::string(it->second.data(), it->second.size());
}

std::optional<std::string> RequestIdField(const google::protobuf::Message& m) {
  const auto* field = m.GetDescriptor()->FindFieldByName("request_id");
  if (field == nullptr || field->type() != google::protobuf::FieldDescriptor::TYPE_STRING ||
      field->is_repeated()) {
    return std::nullopt;
  }
  return m.GetReflection()->GetString(m, field);
}

Dispatcher::Dispatcher(std::string service, DispatcherDeps deps)
    : service_(std::move(service)), deps_(deps) {
  const auto* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service_);
  if (descriptor == nullptr) {
    policy_status_ = absl::InternalError(absl::StrCat(service_, " is not in the contracts"));
    return;
  }
  for (int i = 0; i < descriptor->method_count(); ++i) {
    auto policy = service::PolicyOf(*descriptor->method(i));
    if (!policy.ok()) {
      policy_status_ = policy.status();
      continue;
    }
    policies_.emplace(descriptor->method(i)->name(), *std::move(policy));
  }
}

grpc::Status Dispatcher::AtCapacity() {
  return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                      "the server is at capacity; retry with backoff");
}

grpc::ServerUnaryReactor* Dispatcher::Unary(grpc::CallbackServerContext* ctx,
                                            absl::string_view method,
                                            const google::protobuf::Message* request,
                                            google::protobuf::Message* response, Logic logic) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  const bool queued = deps_.workers->TrySubmit([this, ctx, method = std::string(method), request,
                                                response, logic = std::move(logic), reactor] {
    reactor->Finish(core::ToGrpcStatus(Serve(ctx, method, request, response, logic)));
  });
  if (!queued) reactor->Finish(AtCapacity());
  return reactor;
}

absl::StatusOr<std::optional<auth::Principal>> Dispatcher::Authenticate(
    grpc::CallbackServerContext* ctx, service::Auth auth) {
  const std::string authorization = Metadata(ctx, "authorization");
  if (auth == service::Auth::kOptional && authorization.empty()) return std::nullopt;
  if (deps_.authenticator == nullptr) {
    return absl::InternalError("this service has no authenticator configured");
  }
  QRCLOUD_ASSIGN_OR_RETURN(auth::Principal who, deps_.authenticator->Authenticate(authorization));
  if (auth == service::Auth::kApiKey && who.credential != "api_key") {
    return absl::PermissionDeniedError(
        "this method is called with an API key (Authorization: Bearer qrk_...), not a session");
  }
  return who;
}

absl::Status Dispatcher::Serve(grpc::CallbackServerContext* ctx, const std::string& method,
                               const google::protobuf::Message* request,
                               google::protobuf::Message* response, const Logic& logic) {
  CallContext call;
  call.request_id = Metadata(ctx, kRequestIdHeader);
  if (call.request_id.empty()) call.request_id = core::NewId();
  ctx->AddInitialMetadata(kRequestIdHeader, call.request_id);
  call.deadline = absl::FromChrono(ctx->deadline());
  call.client_address = Metadata(ctx, "x-forwarded-for");
  if (call.client_address.empty()) call.client_address = PeerHost(ctx->peer());
  call.device = Metadata(ctx, kDeviceHeader);

  if (ctx->IsCancelled()) return absl::CancelledError("the client cancelled the call");
  auto policy = policies_.find(method);
  if (policy == policies_.end()) {
    return absl::InternalError(absl::StrCat(service_, "/", method, " has no policy"));
  }
  // A subsystem switched off in this deployment answers UNIMPLEMENTED.
  QRCLOUD_RETURN_IF_ERROR(service::CheckEnabled(policy->second));
  if (deps_.clock->Now() >= call.deadline) {
    return absl::DeadlineExceededError("the call's deadline passed before it started");
  }

  auto principal = Authenticate(ctx, policy->second.auth);
  if (!principal.ok()) return principal.status();
  if (*principal) call.principal = &**principal;

  absl::Status status;
  const std::optional<std::string> request_id = RequestIdField(*request);
  if (response != nullptr && request_id && !request_id->empty() && deps_.redis != nullptr &&
      std::find(own_idempotency_.begin(), own_idempotency_.end(), method) ==
          own_idempotency_.end()) {
    status = RunIdempotent(call, method, *request_id, *request, response, logic);
  } else {
    status = logic(call);
  }
  if (!status.ok() && (status.code() == absl::StatusCode::kInternal ||
                       status.code() == absl::StatusCode::kUnknown ||
                       status.code() == absl::StatusCode::kDataLoss)) {
    spdlog::error("{}/{} request_id={} failed: {}", service_, method, call.request_id,
                  std::string(status.message()));
  }
  return status;
}

namespace {

// The bytes of `m` with its secret fields cleared: what may be kept.
std::string WithoutSecrets(const google::protobuf::Message& m) {
  if (!HasSecretFields(m.GetDescriptor())) return DeterministicBytes(m);
  std::unique_ptr<google::protobuf::Message> copy(m.New());
  copy->CopyFrom(m);
  ClearSecretFields(*copy);
  return DeterministicBytes(*copy);
}

}  // namespace

// Idempotency: a Redis key per (method, caller, request id) moves from
// "pending:<request hash>" while the first call runs to "done:<request
// hash>:<response>" once it succeeded. A retry gets the stored response; a
// concurrent duplicate gets ABORTED (retry later); a failed call clears the
// key so a retry acts. Reusing a request id for a different request is
// INVALID_ARGUMENT.
absl::Status Dispatcher::RunIdempotent(const CallContext& call, const std::string& method,
                                       const std::string& request_id,
                                       const google::protobuf::Message& request,
                                       google::protobuf::Message* response, const Logic& logic) {
  if (request_id.size() > 128) {
    return core::InvalidField("requestId", "must be at most 128 characters (a UUID is ideal)");
  }
  const std::string who = call.principal ? call.principal->account_id : "-";
  const std::string key = absl::StrCat("qrcloud:idem:", service_, "/", method, ":", who, ":",
                                       core::Sha256Hex(request_id));
  const std::string request_hash = core::Sha256Hex(WithoutSecrets(request)).substr(0, 32);

  auto claimed = deps_.redis->Command({"SET", key, absl::StrCat(kPending, request_hash), "NX", "EX",
                                       absl::StrCat(absl::ToInt64Seconds(absl::Minutes(5)))});
  if (!claimed.ok()) return claimed.status();
  if (claimed->is_nil()) {
    QRCLOUD_ASSIGN_OR_RETURN(cache::Reply existing, deps_.redis->Command({"GET", key}));
    absl::string_view v = existing.view();
    const bool done = absl::StartsWith(v, kDone);
    const bool unkept = absl::StartsWith(v, kDoneUnkept);
    if (!done && !unkept && !absl::StartsWith(v, kPending)) {
      return absl::AbortedError("a call with this requestId just failed; retry it");
    }
    v.remove_prefix(done ? kDone.size() : unkept ? kDoneUnkept.size() : kPending.size());
    if (!absl::StartsWith(v, request_hash)) {
      return core::InvalidField("requestId", absl::StrCat("\"", request_id,
                                                          "\" was already used for a different "
                                                          "request; use a new request id"));
    }
    if (unkept) {
      return absl::AlreadyExistsError(
          "the call with this requestId already succeeded, and its answer is too large to "
          "keep for retries; read what it made with the matching Get or List call");
    }
    if (!done) {
      return absl::AbortedError("a call with this requestId is still running; retry shortly");
    }
    v.remove_prefix(request_hash.size() + 1);
    if (!response->ParseFromArray(v.data(), static_cast<int>(v.size()))) {
      return absl::InternalError("a stored idempotent response did not parse");
    }
    return absl::OkStatus();
  }

  absl::Status status = logic(call);
  if (!status.ok()) {
    (void)deps_.redis->Command({"DEL", key});
    return status;
  }
  std::string kept = WithoutSecrets(*response);
  // Redis holds every kept answer for the whole TTL: a multi-megabyte one
  // (a batch of thousands of codes) would cost memory a retry rarely uses.
  // Methods with large answers keep their own idempotency instead.
  kept = kept.size() <= kMaxKeptResponse ? absl::StrCat(kDone, request_hash, ":", kept)
                                         : absl::StrCat(kDoneUnkept, request_hash);
  (void)deps_.redis->Command(
      {"SET", key, kept, "EX", absl::StrCat(absl::ToInt64Seconds(deps_.idempotency_ttl))});
  return status;
}

}  // namespace qrcloud::rpc
