// Process metrics in the Prometheus text format, for /metrics on every
// process. Metrics are created once (a map lookup under a lock) and then
// updated lock-free: callers keep the returned reference.
#ifndef QRCLOUD_LIBS_CORE_METRICS_H_
#define QRCLOUD_LIBS_CORE_METRICS_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>
#include "absl/strings/string_view.h"

#include "absl/synchronization/mutex.h"

namespace qrcloud::core {

// Label pairs, e.g. {{"method", "GetMerchant"}, {"code", "OK"}}.
using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void Inc(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

class Gauge {
 public:
  void Set(int64_t v) { value_.store(v, std::memory_order_relaxed); }
  void Add(int64_t d) { value_.fetch_add(d, std::memory_order_relaxed); }
  int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

// A histogram over fixed upper bounds (seconds, for latencies).
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void Observe(double v);
  // For rendering: cumulative counts per bound, then +Inf; and the sum.
  std::vector<uint64_t> CumulativeCounts() const;
  double sum() const;
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // bounds_.size() + 1 buckets
  std::atomic<uint64_t> sum_micro_{0};               // sum in millionths
};

// Latency buckets from 100 µs to 10 s.
std::vector<double> LatencyBuckets();

class MetricsRegistry {
 public:
  static MetricsRegistry& Global();

  Counter& GetCounter(absl::string_view name, absl::string_view help, const Labels& labels = {});
  Gauge& GetGauge(absl::string_view name, absl::string_view help, const Labels& labels = {});
  Histogram& GetHistogram(absl::string_view name, absl::string_view help, const Labels& labels = {},
                          std::vector<double> bounds = LatencyBuckets());

  // The Prometheus text exposition format, version 0.0.4.
  std::string Render() const;

 private:
  struct Family {
    std::string type;  // counter, gauge, histogram
    std::string help;
    std::map<std::string, std::unique_ptr<Counter>> counters;  // by rendered label set
    std::map<std::string, std::unique_ptr<Gauge>> gauges;
    std::map<std::string, std::unique_ptr<Histogram>> histograms;
  };
  Family& FamilyFor(absl::string_view name, absl::string_view type, absl::string_view help)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  std::map<std::string, Family, std::less<>> families_ ABSL_GUARDED_BY(mu_);
};

}  // namespace qrcloud::core

#endif  // QRCLOUD_LIBS_CORE_METRICS_H_
