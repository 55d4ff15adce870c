#include "libs/service/metrics_server.h"

#include "libs/core/metrics.h"

namespace qrcloud::service {

absl::StatusOr<std::unique_ptr<http::Server>> StartMetricsServer(const std::string& address,
                                                                 int port) {
  http::ServerOptions o;
  o.address = address;
  o.port = static_cast<uint16_t>(port);
  o.io_threads = 1;
  auto server = std::make_unique<http::Server>(o, [](http::Request&& req, http::Responder respond) {
    http::Response r;
    if (req.path == "/metrics") {
      r.headers.emplace_back("content-type", "text/plain; version=0.0.4");
      r.body = core::MetricsRegistry::Global().Render();
    } else if (req.path == "/healthz") {
      r.body = "ok\n";
    } else {
      r.status = 404;
      r.body = "not found\n";
    }
    respond(std::move(r));
  });
  if (absl::Status s = server->Start(); !s.ok()) return s;
  return server;
}

}  // namespace qrcloud::service
