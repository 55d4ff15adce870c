// The small HTTP server every service runs beside its gRPC port: /metrics
// (Prometheus text) and /healthz.
#ifndef QRCLOUD_LIBS_SERVICE_METRICS_SERVER_H_
#define QRCLOUD_LIBS_SERVICE_METRICS_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "libs/http/server.h"

namespace qrcloud::service {

// Starts serving on address:port (port 0: any free port).
absl::StatusOr<std::unique_ptr<http::Server>> StartMetricsServer(const std::string& address,
                                                                 int port);

}  // namespace qrcloud::service

#endif  // QRCLOUD_LIBS_SERVICE_METRICS_SERVER_H_
