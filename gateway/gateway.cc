#include "gateway/gateway.h"

#include <algorithm>

#include <grpcpp/support/byte_buffer.h>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "gateway/openapi.h"
#include "gateway/stream_call.h"
#include "gateway/transcoder.h"
#include "libs/auth/authenticator.h"
#include "libs/core/encoding.h"
#include "libs/core/ids.h"
#include "libs/core/log.h"
#include "libs/core/metrics.h"
#include "libs/core/status.h"
#include "libs/service/policy.h"

namespace qrcloud::gateway {
namespace {

constexpr char kRequestIdHeader[] = "x-request-id";
// The device as scans key it, for the backends (libs/rpc CallContext::device).
constexpr char kDeviceHeader[] = "x-qrcloud-device";

bool AcceptableRequestId(absl::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    if (!absl::ascii_isgraph(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::string ClientAddress(const http::Request& req, bool trust_forwarded_for) {
  if (trust_forwarded_for) {
    const std::string xff(req.Header("x-forwarded-for"));
    if (!xff.empty()) return std::string(absl::StripAsciiWhitespace(xff.substr(0, xff.find(','))));
  }
  return req.remote_address;
}

http::Response Json(int status, std::string body) {
  http::Response r;
  r.status = status;
  r.headers.emplace_back("content-type", "application/json");
  r.body = std::move(body);
  return r;
}

core::Counter& RateLimitedCounter() {
  static core::Counter& c = core::MetricsRegistry::Global().GetCounter(
      "gateway_rate_limited_total", "Requests refused with 429 by the rate limits.");
  return c;
}

grpc::ByteBuffer ToByteBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

// The bytes of `buffer`: a view of its one slice when it has one (the usual
// case for a small answer), else a copy joined in `scratch`.
absl::string_view BytesOf(const grpc::ByteBuffer& buffer, grpc::Slice* slice,
                          std::string* scratch) {
  if (buffer.TrySingleSlice(slice).ok()) {
    return absl::string_view(reinterpret_cast<const char*>(slice->begin()), slice->size());
  }
  std::vector<grpc::Slice> slices;
  (void)buffer.Dump(&slices);
  scratch->reserve(buffer.Length());
  for (const auto& s : slices) scratch->append(reinterpret_cast<const char*>(s.begin()), s.size());
  return *scratch;
}

}  // namespace

// The HTTP answer for a finished backend call.
http::Response Gateway::Answer(const grpc::Status& status,
                               const google::protobuf::Descriptor* output,
                               absl::string_view response, bool html_errors) {
  http::Response r;
  if (status.ok()) {
    auto payload = RenderResponse(output, response);
    if (!payload.ok()) return ErrorResponse(payload.status());
    r.headers.emplace_back("content-type", payload->content_type);
    r.body = std::move(payload->body);
    return r;
  }
  absl::Status s = core::FromGrpcStatus(status);
  if (s.code() == absl::StatusCode::kUnavailable &&
      absl::StrContains(s.message(), "failed to connect")) {
    s = absl::UnavailableError("the service is unavailable; retry shortly");
  }
  r = ErrorResponse(s);
  if (html_errors) {
    // The status and Retry-After stay; the body is a page saying what failed.
    std::erase_if(r.headers, [](const auto& h) { return h.first == "content-type"; });
    r.headers.emplace_back("content-type", "text/html; charset=utf-8");
    r.headers.emplace_back("cache-control", "no-store");
    r.body = core::HtmlErrorPage(s.message());
  }
  return r;
}

// Every answer is what its Content-Type says (no sniffing an uploaded image
// into a page), and no other site may frame one (the order page keeps a
// sign-in token in localStorage).
// Also the request id: every answer of the gateway goes through here.
static void Stamp(http::Response& r, const std::string& request_id) {
  r.headers.emplace_back(kRequestIdHeader, request_id);
  r.headers.emplace_back("x-content-type-options", "nosniff");
  r.headers.emplace_back("x-frame-options", "DENY");
  r.headers.emplace_back("content-security-policy", "frame-ancestors 'none'");
}

http::Response ErrorResponse(const absl::Status& status, int http_status) {
  http::Response r =
      Json(http_status ? http_status : core::HttpStatusFor(status.code()), StatusJson(status));
  if (auto delay = core::RetryDelay(status)) {
    // Whole seconds, rounded up: a client that waits that long is let in.
    const int64_t seconds = absl::ToInt64Seconds(absl::Ceil(*delay, absl::Seconds(1)));
    r.headers.emplace_back("retry-after", absl::StrCat(std::max<int64_t>(1, seconds)));
  }
  return r;
}

// One call through grpc++ (--backend_client=grpc): lives until gRPC
// completes it.
struct Gateway::GrpcCall {
  grpc::ClientContext context;
  grpc::ByteBuffer request;
  grpc::ByteBuffer response;
};

absl::StatusOr<std::unique_ptr<Gateway>> Gateway::Start(GatewayOptions options,
                                                        cache::RedisPool* redis) {
  std::unique_ptr<Gateway> g(new Gateway);
  g->options_ = std::move(options);
  g->backends_ = std::make_unique<Backends>(g->options_.channels_per_backend);
  std::vector<std::string> services;
  for (const auto& [service, address] : g->options_.backends) {
    g->backends_->Add(service, address);
    services.push_back(service);
  }
  QRCLOUD_ASSIGN_OR_RETURN(g->routes_, RouteTable::ForServices(services));
  const auto& disabled = g->options_.disabled_subsystems;
  g->switched_off_ = g->routes_.Extract([&](const Route& r) {
    const auto policy = service::PolicyOf(r.grpc_path);
    return policy.ok() && policy->subsystem && disabled.count(*policy->subsystem) > 0;
  });
  g->openapi_ = OpenApiJson(g->routes_, g->options_.public_url);
  if (g->options_.rate_limits.per_token > 0 || g->options_.rate_limits.per_address > 0) {
    g->limiter_ = std::make_unique<RateLimiter>(redis, g->options_.rate_limits);
  }

  if (g->options_.scans) {
    g->resolver_ = std::make_unique<SlugResolver>(
        redis, g->options_.redis,
        grpc::CreateChannel(g->options_.center_address, grpc::InsecureChannelCredentials()),
        g->options_.scan.cache_ttl);
    g->recorder_ = ScanRecorder::Open(redis, g->options_.scan);
    if (redis != nullptr) {
      // Reads only (Lookup): the time-to-live is the issuing service's.
      g->sessions_ =
          std::make_unique<auth::SessionStore>(*redis, core::Clock::Real(), absl::Hours(24));
    }
    g->scan_path_ = std::make_unique<ScanPath>(*g->resolver_, *g->recorder_, redis,
                                               g->options_.scan, g->sessions_.get());
  }

  http::ServerOptions http_options = g->options_.http;
  http_options.error_response = [](int status, std::string_view message) {
    const absl::StatusCode code = status == 503   ? absl::StatusCode::kUnavailable
                                  : status >= 500 ? absl::StatusCode::kInternal
                                                  : absl::StatusCode::kInvalidArgument;
    return ErrorResponse(absl::Status(code, absl::string_view(message.data(), message.size())),
                         status);
  };
  Gateway* self = g.get();
  g->server_ = std::make_unique<http::Server>(http_options,
                                              [self](http::Request&& req, http::Responder respond) {
                                                self->Handle(std::move(req), std::move(respond));
                                              });
  if (g->options_.own_backend_client) {
    // At least a connection per io thread, so that each thread's calls find
    // their connection's strand free and answer in the same turn.
    const int connections = std::max(g->options_.channels_per_backend, http_options.io_threads);
    for (const auto& [service, address] : g->options_.backends) {
      auto& channel = g->h2_by_address_[address];
      if (!channel)
        channel = std::make_unique<H2Channel>(g->server_->io_context(), address, connections);
      g->h2_by_service_[service] = channel.get();
    }
  }
  QRCLOUD_RETURN_IF_ERROR(g->server_->Start());
  spdlog::info("gateway: HTTP on port {}, {} routes to {} services", g->server_->port(),
               g->routes_.routes().size(), services.size());
  return g;
}

Gateway::~Gateway() { Shutdown(absl::Seconds(1)); }

void Gateway::Shutdown(absl::Duration grace) {
  // The HTTP server first: scans in flight finish recording before the
  // recorder goes.
  if (server_) {
    server_->Shutdown(grace, [this] {
      for (auto& [address, channel] : h2_by_address_) channel->Close();
    });
  }
  // While the server's io_context still exists.
  h2_by_service_.clear();
  h2_by_address_.clear();
  scan_path_.reset();
  recorder_.reset();
  resolver_.reset();
}

http::Response Gateway::Ready() {
  std::map<std::string, std::string> verdicts;
  absl::Status s = backends_->CheckReady(absl::Seconds(1), &verdicts);
  std::vector<std::string> parts;
  for (const auto& [address, verdict] : verdicts) {
    parts.push_back(absl::StrCat("\"", address, "\":\"", absl::CHexEscape(verdict), "\""));
  }
  return Json(s.ok() ? 200 : 503,
              absl::StrCat("{\"status\":\"", s.ok() ? "ready" : "not ready", "\",\"backends\":{",
                           absl::StrJoin(parts, ","), "}}"));
}

void Gateway::Handle(http::Request&& req, http::Responder respond) {
  std::string request_id(req.Header(kRequestIdHeader));
  if (!AcceptableRequestId(request_id)) request_id = core::NewId();
  auto reply = [&](http::Response r) {
    Stamp(r, request_id);
    respond(std::move(r));
  };

  const std::string& path = req.path;
  if (req.method == "GET" || req.method == "HEAD") {
    if (path == "/healthz") return reply(Json(200, "{\"status\":\"ok\"}"));
    if (path == "/readyz") return reply(Ready());
    if (path == "/metrics") {
      http::Response r;
      r.headers.emplace_back("content-type", "text/plain; version=0.0.4");
      r.body = core::MetricsRegistry::Global().Render();
      return reply(std::move(r));
    }
    if (path == "/openapi.json") return reply(Json(200, openapi_));
    // Scans are not rate limited: a shop's guests share one address.
    if (scan_path_ && absl::StartsWith(path, "/s/")) {
      const std::string slug = path.substr(3);
      const std::string client = ClientAddress(req, options_.trust_forwarded_for);
      return scan_path_->Handle(req, slug, client, std::move(respond));
    }
  }

  // Two credentials would be read one way here and maybe another way by a
  // proxy in front: refuse them rather than pick one.
  if (std::count_if(req.headers.begin(), req.headers.end(),
                    [](const auto& h) { return h.first == "authorization"; }) > 1) {
    return reply(ErrorResponse(core::InvalidField(
        "Authorization", "is sent more than once; send one header with one credential")));
  }
  const std::string authorization(req.Header("authorization"));
  const std::string token(auth::Authenticator::BearerToken(authorization));
  if (limiter_) {
    const absl::Duration wait =
        limiter_->Hit(token, ClientAddress(req, options_.trust_forwarded_for));
    if (wait > absl::ZeroDuration()) {
      RateLimitedCounter().Inc();
      const int64_t seconds =
          std::max<int64_t>(1, absl::ToInt64Seconds(absl::Ceil(wait, absl::Seconds(1))));
      return reply(ErrorResponse(core::RetryAfter(
          absl::Seconds(seconds), absl::StrCat("too many requests; retry after ", seconds, " s"))));
    }
  }

  RouteTable::Miss miss;
  std::vector<std::string> allowed;
  auto match = routes_.Find(req.method, path, &miss, &allowed);
  if (!match) {
    if (miss == RouteTable::Miss::kMethodNotAllowed) {
      http::Response r = ErrorResponse(
          absl::UnimplementedError(absl::StrCat(req.method, " is not allowed on ", path,
                                                "; allowed: ", absl::StrJoin(allowed, ", "))),
          405);
      r.headers.emplace_back("allow", absl::StrJoin(allowed, ", "));
      return reply(std::move(r));
    }
    RouteTable::Miss off_miss;
    if (auto off = switched_off_.Find(req.method, path, &off_miss, &allowed)) {
      const auto policy = service::PolicyOf(off->route->grpc_path);
      return reply(ErrorResponse(absl::NotFoundError(
          absl::StrCat("no route for ", req.method, " ", path, ": ",
                       policy.ok() && policy->subsystem ? core::SubsystemTitle(*policy->subsystem)
                                                        : "its subsystem",
                       " is switched off in this deployment"))));
    }
    return reply(
        ErrorResponse(absl::NotFoundError(absl::StrCat("no route for ", req.method, " ", path))));
  }
  Forward(*match, std::move(req), std::move(request_id), std::move(respond));
}

// What a backend call carries of the HTTP request: its id, the credential,
// and the client's address.
std::vector<std::pair<std::string, std::string>> Gateway::BackendMetadata(
    const http::Request& req, const std::string& request_id) const {
  std::vector<std::pair<std::string, std::string>> metadata;
  metadata.reserve(4);
  metadata.emplace_back(kRequestIdHeader, request_id);
  if (const std::string_view authorization = req.Header("authorization"); !authorization.empty()) {
    metadata.emplace_back("authorization", std::string(authorization));
  }
  std::string client = ClientAddress(req, options_.trust_forwarded_for);
  // The device as scans key it, so that an order can be attributed to a
  // partner's link scanned on the same phone (docs/partners.md).
  if (scan_path_)
    metadata.emplace_back(kDeviceHeader,
                          scan_path_->DeviceOf(client, std::string(req.Header("user-agent"))));
  metadata.emplace_back("x-forwarded-for", std::move(client));
  return metadata;
}

void Gateway::Forward(const RouteMatch& match, http::Request&& req, std::string request_id,
                      http::Responder respond) {
  auto request = BuildRequest(match, req.query, req.body);
  if (!request.ok()) {
    http::Response r = ErrorResponse(request.status());
    Stamp(r, request_id);
    return respond(std::move(r));
  }
  const std::string& service = match.route->method->service()->full_name();
  if (match.route->method->server_streaming()) {
    return ForwardStream(match, req, **request, std::move(request_id), std::move(respond));
  }
  H2Channel* channel = nullptr;
  grpc::GenericStub* stub = nullptr;
  if (options_.own_backend_client) {
    auto it = h2_by_service_.find(service);
    if (it != h2_by_service_.end()) channel = it->second;
  } else {
    stub = backends_->StubFor(service);
  }
  if (channel == nullptr && stub == nullptr) {
    http::Response r = ErrorResponse(absl::UnavailableError("no backend serves this route"));
    Stamp(r, request_id);
    return respond(std::move(r));
  }

  UnaryCall call;
  call.path = match.route->grpc_path;
  call.deadline = absl::Now() + options_.call_timeout;
  call.metadata = BackendMetadata(req, request_id);
  call.request = (*request)->SerializeAsString();
  // The HTTP answer, once the backend's is in.
  const google::protobuf::Descriptor* output = match.route->method->output_type();
  const bool html_errors = output->full_name() == "google.api.HttpBody" && req.method == "GET" &&
                           req.Header("accept").find("text/html") != std::string_view::npos;
  auto answer = [output, html_errors, request_id,
                 respond = std::make_shared<http::Responder>(std::move(respond))](
                    const grpc::Status& status, absl::string_view response) {
    http::Response r = Answer(status, output, response, html_errors);
    Stamp(r, request_id);
    (*respond)(std::move(r));
  };

  if (channel != nullptr) {
    channel->Call(std::move(call),
                  [answer = std::move(answer)](grpc::Status status, std::string response) {
                    answer(status, response);
                  });
    return;
  }
  auto* grpc_call = new GrpcCall;
  grpc_call->context.set_deadline(absl::ToChronoTime(call.deadline));
  for (const auto& [name, value] : call.metadata) grpc_call->context.AddMetadata(name, value);
  grpc_call->request = ToByteBuffer(call.request);
  stub->UnaryCall(&grpc_call->context, call.path, grpc::StubOptions(), &grpc_call->request,
                  &grpc_call->response,
                  [grpc_call, answer = std::move(answer)](grpc::Status status) {
                    std::unique_ptr<GrpcCall> owned(grpc_call);
                    grpc::Slice slice;
                    std::string scratch;
                    answer(status, BytesOf(owned->response, &slice, &scratch));
                  });
}

// A server-streaming method (stream_call.h), through grpc++'s generic stub:
// streams are few and long, so its per-call cost does not matter here.
void Gateway::ForwardStream(const RouteMatch& match, const http::Request& req,
                            const google::protobuf::Message& request, std::string request_id,
                            http::Responder respond) {
  grpc::GenericStub* stub = backends_->StubFor(match.route->method->service()->full_name());
  if (stub == nullptr) {
    http::Response r = ErrorResponse(absl::UnavailableError("no backend serves this route"));
    Stamp(r, request_id);
    return respond(std::move(r));
  }
  StreamCallSpec spec;
  spec.path = match.route->grpc_path;
  spec.deadline = absl::Now() + options_.stream_timeout;
  spec.metadata = BackendMetadata(req, request_id);
  spec.request = request.SerializeAsString();
  spec.output = match.route->method->output_type();
  http::Response stamped;
  Stamp(stamped, request_id);
  spec.extra_headers = std::move(stamped.headers);
  StartStreamCall(*stub, std::move(spec), std::move(respond));
}

}  // namespace qrcloud::gateway
