#include "libs/core/metrics.h"

#include <algorithm>
#include <cassert>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace qrcloud::core {
namespace {

std::string EscapeLabelValue(absl::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

// {a="x",b="y"} or "" for no labels.
std::string RenderLabels(const Labels& labels, absl::string_view extra = {}) {
  if (labels.empty() && extra.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i) out += ",";
    absl::StrAppend(&out, labels[i].first, "=\"", EscapeLabelValue(labels[i].second), "\"");
  }
  if (!extra.empty()) absl::StrAppend(&out, labels.empty() ? "" : ",", extra);
  out += "}";
  return out;
}

// Adds `extra` (e.g. le="0.1") inside an already rendered label set.
std::string WithExtraLabel(const std::string& rendered, absl::string_view extra) {
  if (rendered.empty()) return absl::StrCat("{", extra, "}");
  return absl::StrCat(rendered.substr(0, rendered.size() - 1), ",", extra, "}");
}

std::string FormatDouble(double v) { return absl::StrFormat("%.6g", v); }

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  assert(std::is_sorted(bounds_.begin(), bounds_.end()));
  for (size_t i = 0; i <= bounds_.size(); ++i) counts_[i].store(0);
}

void Histogram::Observe(double v) {
  const size_t i = std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin();
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  sum_micro_.fetch_add(static_cast<uint64_t>(std::max(v, 0.0) * 1e6), std::memory_order_relaxed);
}

std::vector<uint64_t> Histogram::CumulativeCounts() const {
  std::vector<uint64_t> out(bounds_.size() + 1);
  uint64_t running = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    running += counts_[i].load(std::memory_order_relaxed);
    out[i] = running;
  }
  return out;
}

double Histogram::sum() const { return sum_micro_.load(std::memory_order_relaxed) / 1e6; }

std::vector<double> LatencyBuckets() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
          0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
}

MetricsRegistry& MetricsRegistry::Global() {
  static MetricsRegistry* registry = new MetricsRegistry;
  return *registry;
}

MetricsRegistry::Family& MetricsRegistry::FamilyFor(absl::string_view name, absl::string_view type,
                                                    absl::string_view help) {
  auto it = families_.find(name);
  if (it == families_.end()) {
    it = families_.emplace(std::string(name), Family{}).first;
    it->second.type = std::string(type);
    it->second.help = std::string(help);
  }
  // One name, one type: mixing them is a programming error.
  assert(it->second.type == type);
  return it->second;
}

Counter& MetricsRegistry::GetCounter(absl::string_view name, absl::string_view help,
                                     const Labels& labels) {
  absl::MutexLock lock(&mu_);
  auto& slot = FamilyFor(name, "counter", help).counters[RenderLabels(labels)];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

Gauge& MetricsRegistry::GetGauge(absl::string_view name, absl::string_view help,
                                 const Labels& labels) {
  absl::MutexLock lock(&mu_);
  auto& slot = FamilyFor(name, "gauge", help).gauges[RenderLabels(labels)];
  if (!slot) slot = std::make_unique<Gauge>();
  return *slot;
}

Histogram& MetricsRegistry::GetHistogram(absl::string_view name, absl::string_view help,
                                         const Labels& labels, std::vector<double> bounds) {
  absl::MutexLock lock(&mu_);
  auto& slot = FamilyFor(name, "histogram", help).histograms[RenderLabels(labels)];
  if (!slot) slot = std::make_unique<Histogram>(std::move(bounds));
  return *slot;
}

std::string MetricsRegistry::Render() const {
  absl::MutexLock lock(&mu_);
  std::string out;
  for (const auto& [name, family] : families_) {
    absl::StrAppend(&out, "# HELP ", name, " ", family.help, "\n# TYPE ", name, " ", family.type,
                    "\n");
    for (const auto& [labels, c] : family.counters)
      absl::StrAppend(&out, name, labels, " ", c->value(), "\n");
    for (const auto& [labels, g] : family.gauges)
      absl::StrAppend(&out, name, labels, " ", g->value(), "\n");
    for (const auto& [labels, h] : family.histograms) {
      const auto counts = h->CumulativeCounts();
      for (size_t i = 0; i < h->bounds().size(); ++i) {
        absl::StrAppend(
            &out, name, "_bucket",
            WithExtraLabel(labels, absl::StrCat("le=\"", FormatDouble(h->bounds()[i]), "\"")), " ",
            counts[i], "\n");
      }
      absl::StrAppend(&out, name, "_bucket", WithExtraLabel(labels, "le=\"+Inf\""), " ",
                      counts.back(), "\n");
      absl::StrAppend(&out, name, "_sum", labels, " ", FormatDouble(h->sum()), "\n");
      absl::StrAppend(&out, name, "_count", labels, " ", counts.back(), "\n");
    }
  }
  return out;
}

}  // namespace qrcloud::core
