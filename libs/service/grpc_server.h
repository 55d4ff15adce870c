// gRPC server bootstrap shared by every qrcloud service: the callback API,
// grpc.health.v1.Health, server reflection, and an interceptor that counts and
// times every call (grpc_server_handled_total, grpc_server_handling_seconds)
// and logs failures with their request id.
#ifndef QRCLOUD_LIBS_SERVICE_GRPC_SERVER_H_
#define QRCLOUD_LIBS_SERVICE_GRPC_SERVER_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "libs/core/background_loop.h"

namespace qrcloud::service {

struct GrpcServerOptions {
  std::string address = "0.0.0.0";
  int port = 0;  // 0: any free port
  int max_message_bytes = 16 * 1024 * 1024;
};

// Health names: "" is the process (liveness: SERVING while it runs); each
// registered service and "qrcloud.ready" follow the readiness checks
// (SERVING only while the service's dependencies answer).
inline constexpr char kReadinessService[] = "qrcloud.ready";

class GrpcServer {
 public:
  explicit GrpcServer(GrpcServerOptions options);
  ~GrpcServer();

  // Before Start(). The service must outlive the server.
  void Register(grpc::Service* service, std::string full_name);

  absl::Status Start();
  int port() const { return port_; }

  // A dependency check run every `interval` (MySQL and Redis pings, say);
  // readiness is SERVING while every check returns OK.
  void AddReadinessCheck(std::string name, std::function<absl::Status()> check);
  void StartReadinessChecks(absl::Duration interval = absl::Seconds(2));
  // The last readiness verdict.
  bool ready() const { return ready_.load(); }

  // Readiness NOT_SERVING from now on (the first step of a graceful stop:
  // load balancers route elsewhere while calls under way finish).
  void StopServingReadiness();
  // Stops taking calls; waits up to `grace` for running ones.
  void Shutdown(absl::Duration grace);
  void Wait();

 private:
  void SetReadiness(bool ready);

  GrpcServerOptions options_;
  std::vector<std::pair<grpc::Service*, std::string>> services_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::vector<std::pair<std::string, std::function<absl::Status()>>> checks_;
  std::atomic<bool> ready_{false};
  std::atomic<bool> shut_down_{false};
  std::unique_ptr<core::BackgroundLoop> checker_;
};

}  // namespace qrcloud::service

#endif  // QRCLOUD_LIBS_SERVICE_GRPC_SERVER_H_
