// qrcloud-gateway: the public REST front of qrcloud. HTTP/1.1 in, gRPC out,
// transcoded from the services' google.api.http rules.
#include <algorithm>
#include <csignal>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/synchronization/notification.h"
#include "gateway/gateway.h"
#include "libs/cache/redis_flags.h"
#include "libs/core/config.h"
#include "libs/core/log.h"
#include "libs/core/subsystems.h"
#include "libs/service/policy.h"
#include "libs/service/registry.h"

ABSL_FLAG(std::string, http_address, "0.0.0.0", "Address to listen on");
ABSL_FLAG(int, http_port, 8080, "HTTP port");
ABSL_FLAG(int, io_threads, 0, "HTTP I/O threads (0: one per core)");
ABSL_FLAG(int64_t, max_body_bytes, 4 << 20, "Largest request body accepted, in bytes");
ABSL_FLAG(absl::Duration, call_timeout, absl::Seconds(10), "Deadline of each backend call");
ABSL_FLAG(int, rate_limit_per_token, 1200, "Requests per minute per bearer token (0: no limit)");
ABSL_FLAG(int, rate_limit_per_address, 2400,
          "Requests per minute per client address (0: no limit)");
ABSL_FLAG(bool, trust_forwarded_for, false, "Take the client address from X-Forwarded-For");
ABSL_FLAG(
    int, channels_per_backend, 2,
    "HTTP/2 connections to each backend, used in turn (with --backend_client=h2, at least one per "
    "io thread)");
ABSL_FLAG(
    std::string, backend_client, "h2",
    "How backend calls are made: h2 (the gateway's own gRPC client on its io threads) or grpc "
    "(grpc++'s generic stub)");
ABSL_FLAG(std::string, scan_address_salt, "qrcloud-scan",
          "Salt for hashing client addresses of scans (the same on every replica)");
ABSL_FLAG(std::string, scan_spool, "scans.spool",
          "The scan log: a directory where every scan is written before its answer, until it is "
          "in the stream (one gateway a directory)");
ABSL_FLAG(int64_t, scan_spool_max_bytes, int64_t{1} << 30,
          "Most bytes of scans the scan log holds while Redis cannot take them; beyond it scans "
          "wait for Redis (keep it below the volume's limit)");
ABSL_FLAG(absl::Duration, scan_batch_delay, absl::Milliseconds(2),
          "How long a batch of scans gathers after its first before it is shipped to the stream, "
          "0 to 100ms (0: at once); no answer waits for it");
ABSL_FLAG(absl::Duration, scan_stream_history, absl::Minutes(10),
          "How long the scans stream keeps entries that every consumer group has acknowledged "
          "(for the check of batches replayed from a scan log)");
ABSL_FLAG(std::string, public_url, "http://localhost:8080", "The public base URL");

namespace {

// Every contract service whose process (its proto's service_policy) is
// reachable by --backends / --backend_address_template, with that address.
// The scan path resolves slugs at the process serving CodeService.
absl::Status RouteToBackends(qrcloud::gateway::GatewayOptions& options) {
  using namespace qrcloud;
  auto processes = service::BackendAddresses();
  if (!processes.ok()) return processes.status();
  for (const auto* contract : service::ContractServices()) {
    auto process = service::ProcessOf(*contract);
    if (!process.ok()) return process.status();
    if (service::IsPlanned(*contract)) continue;  // no process serves it yet
    for (const auto& [name, address] : *processes) {
      if (name != *process) continue;
      options.backends.emplace_back(contract->full_name(), address);
      if (contract->full_name() == "qrcloud.v1.CodeService") options.center_address = address;
    }
  }
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace qrcloud;
  core::InitProcess(argc, argv, "qrcloud-gateway [flags]");

  gateway::GatewayOptions options;
  options.http.address = absl::GetFlag(FLAGS_http_address);
  options.http.port = static_cast<uint16_t>(absl::GetFlag(FLAGS_http_port));
  options.disabled_subsystems = core::DisabledSubsystems();
  options.http.io_threads = absl::GetFlag(FLAGS_io_threads);
  if (options.http.io_threads <= 0) {
    options.http.io_threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  }
  options.http.max_body_bytes = static_cast<size_t>(absl::GetFlag(FLAGS_max_body_bytes));
  if (absl::Status s = service::ValidateBackendFlags(); !s.ok()) {
    spdlog::critical("gateway: {}", s.message());
    return 2;
  }
  if (absl::Status s = RouteToBackends(options); !s.ok()) {
    spdlog::critical("gateway: {}", s.message());
    return 2;
  }
  options.call_timeout = absl::GetFlag(FLAGS_call_timeout);
  options.rate_limits.per_token = absl::GetFlag(FLAGS_rate_limit_per_token);
  options.rate_limits.per_address = absl::GetFlag(FLAGS_rate_limit_per_address);
  options.trust_forwarded_for = absl::GetFlag(FLAGS_trust_forwarded_for);
  options.public_url = absl::GetFlag(FLAGS_public_url);
  options.channels_per_backend = absl::GetFlag(FLAGS_channels_per_backend);
  const std::string backend_client = absl::GetFlag(FLAGS_backend_client);
  if (backend_client != "h2" && backend_client != "grpc") {
    spdlog::critical("--backend_client must be h2 or grpc, not \"{}\"", backend_client);
    return 2;
  }
  options.own_backend_client = backend_client == "h2";
  options.redis = cache::RedisOptionsFromFlags();
  options.scan.address_salt = absl::GetFlag(FLAGS_scan_address_salt);
  options.scan.spool_path = absl::GetFlag(FLAGS_scan_spool);
  options.scan.spool_max_bytes = std::max<int64_t>(0, absl::GetFlag(FLAGS_scan_spool_max_bytes));
  options.scan.stream_history =
      std::max(absl::ZeroDuration(), absl::GetFlag(FLAGS_scan_stream_history));
  options.scan.batch_delay = std::clamp(absl::GetFlag(FLAGS_scan_batch_delay), absl::ZeroDuration(),
                                        absl::Milliseconds(100));

  // Redis holds the rate-limit counters. The gateway starts without it (the
  // limits then let requests through) rather than refuse to serve.
  auto redis = cache::RedisPool::Create(cache::RedisOptionsFromFlags());
  if (!redis.ok())
    spdlog::warn("gateway: rate limits off until Redis answers: {}", redis.status().message());
  auto gw = gateway::Gateway::Start(options, redis.ok() ? redis->get() : nullptr);
  if (!gw.ok()) {
    spdlog::critical("gateway failed to start: {}", gw.status().message());
    return 1;
  }
  core::WaitForTerminationSignal();
  spdlog::info("gateway: shutting down");
  (*gw)->Shutdown(absl::Seconds(5));
  return 0;
}
