#include "libs/core/metrics.h"

#include <catch2/catch.hpp>

namespace qrcloud::core {
namespace {

TEST_CASE("Metrics render in the Prometheus text format") {
  MetricsRegistry r;
  r.GetCounter("rpc_total", "Calls.", {{"method", "Get\"X\""}}).Inc(3);
  r.GetGauge("pool_in_use", "Connections in use.").Set(7);
  auto& h = r.GetHistogram("latency_seconds", "Latency.", {}, {0.1, 1});
  h.Observe(0.05);
  h.Observe(0.5);
  h.Observe(5);
  const std::string text = r.Render();
  CHECK(text.find("# TYPE rpc_total counter\n") != std::string::npos);
  CHECK(text.find("rpc_total{method=\"Get\\\"X\\\"\"} 3\n") != std::string::npos);
  CHECK(text.find("pool_in_use 7\n") != std::string::npos);
  CHECK(text.find("latency_seconds_bucket{le=\"0.1\"} 1\n") != std::string::npos);
  CHECK(text.find("latency_seconds_bucket{le=\"1\"} 2\n") != std::string::npos);
  CHECK(text.find("latency_seconds_bucket{le=\"+Inf\"} 3\n") != std::string::npos);
  CHECK(text.find("latency_seconds_count 3\n") != std::string::npos);
  // The same name and labels give the same metric.
  CHECK(&r.GetCounter("rpc_total", "Calls.", {{"method", "Get\"X\""}}) ==
        &r.GetCounter("rpc_total", "Calls.", {{"method", "Get\"X\""}}));
}

}  // namespace
}  // namespace qrcloud::core
