// The REST gateway: HTTP/1.1 in front, gRPC behind. Routes come from the
// services' google.api.http rules; requests are transcoded generically.
#ifndef QRCLOUD_GATEWAY_GATEWAY_H_
#define QRCLOUD_GATEWAY_GATEWAY_H_

#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/status.h>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gateway/backends.h"
#include "gateway/h2_client.h"
#include "gateway/rate_limiter.h"
#include "gateway/routes.h"
#include "gateway/scan_path.h"
#include "libs/cache/redis.h"
#include "libs/core/subsystems.h"
#include "libs/http/server.h"

namespace qrcloud::gateway {

struct GatewayOptions {
  http::ServerOptions http;
  // (service full name, backend address) pairs.
  std::vector<std::pair<std::string, std::string>> backends;
  absl::Duration call_timeout = absl::Seconds(10);
  // For server-streaming calls (a sheet of 10,000 codes takes seconds).
  absl::Duration stream_timeout = absl::Minutes(10);
  RateLimitOptions rate_limits;
  // Trust the first address of X-Forwarded-For (behind a load balancer).
  bool trust_forwarded_for = false;
  // The public base URL, for /openapi.json.
  std::string public_url;
  int channels_per_backend = 4;
  // Backend calls through the gateway's own gRPC client (H2Channel), on the
  // HTTP io threads; false: through grpc++'s generic stub.
  bool own_backend_client = true;
  // The scan path /s/{slug}; resolves slugs at the center (CodeService).
  bool scans = true;
  std::string center_address = "localhost:50051";
  cache::RedisOptions redis;
  ScanOptions scan;
  // Subsystems switched off in this deployment: their routes are not served
  // (404 naming the subsystem) and not in /openapi.json.
  std::set<core::Subsystem> disabled_subsystems;
};

class Gateway {
 public:
  // `redis` (shared rate-limit counts) may be null: limits then hold per replica.
  static absl::StatusOr<std::unique_ptr<Gateway>> Start(GatewayOptions options,
                                                        cache::RedisPool* redis);
  ~Gateway();

  int port() const { return server_->port(); }
  void Shutdown(absl::Duration grace);

 private:
  struct GrpcCall;
  Gateway() = default;
  void Handle(http::Request&& req, http::Responder respond);
  void Forward(const RouteMatch& match, http::Request&& req, std::string request_id,
               http::Responder respond);
  std::vector<std::pair<std::string, std::string>> BackendMetadata(
      const http::Request& req, const std::string& request_id) const;
  void ForwardStream(const RouteMatch& match, const http::Request& req,
                     const google::protobuf::Message& request, std::string request_id,
                     http::Responder respond);
  http::Response Ready();
  // `html_errors`: a browser opened a page (a GET of an HttpBody method,
  // asking for text/html), so a failure is a page too, not JSON.
  static http::Response Answer(const grpc::Status& status,
                               const google::protobuf::Descriptor* output,
                               absl::string_view response, bool html_errors);

  GatewayOptions options_;
  RouteTable routes_;
  RouteTable switched_off_;  // routes of disabled subsystems, to explain a 404
  std::unique_ptr<Backends>
      backends_;  // grpc++ channels: readiness, and calls unless own_backend_client
  std::unique_ptr<RateLimiter> limiter_;
  std::unique_ptr<SlugResolver> resolver_;
  std::unique_ptr<ScanRecorder> recorder_;
  std::unique_ptr<auth::SessionStore> sessions_;  // links a signed-in person's scans
  std::unique_ptr<ScanPath> scan_path_;
  std::string openapi_;
  std::unique_ptr<http::Server> server_;
  // After server_, so they go first: their connections live on its io_context.
  std::map<std::string, std::unique_ptr<H2Channel>> h2_by_address_;
  std::map<std::string, H2Channel*, std::less<>> h2_by_service_;
};

// An error response in the contract's shape: google.rpc.Status JSON.
http::Response ErrorResponse(const absl::Status& status, int http_status = 0);

}  // namespace qrcloud::gateway

#endif  // QRCLOUD_GATEWAY_GATEWAY_H_
