#include "libs/service/grpc_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/support/server_interceptor.h>

#include <array>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "libs/core/log.h"
#include "libs/core/metrics.h"

namespace qrcloud::service {
namespace {

constexpr int kCodes = 17;

absl::string_view CodeName(int code) {
  static constexpr absl::string_view kNames[kCodes] = {"OK",
                                                       "CANCELLED",
                                                       "UNKNOWN",
                                                       "INVALID_ARGUMENT",
                                                       "DEADLINE_EXCEEDED",
                                                       "NOT_FOUND",
                                                       "ALREADY_EXISTS",
                                                       "PERMISSION_DENIED",
                                                       "RESOURCE_EXHAUSTED",
                                                       "FAILED_PRECONDITION",
                                                       "ABORTED",
                                                       "OUT_OF_RANGE",
                                                       "UNIMPLEMENTED",
                                                       "INTERNAL",
                                                       "UNAVAILABLE",
                                                       "DATA_LOSS",
                                                       "UNAUTHENTICATED"};
  return code >= 0 && code < kCodes ? kNames[code] : "UNKNOWN";
}

// Per-method metrics. A code's counter is made the first time a call ends
// with that code, so /metrics lists only codes that happened.
struct MethodMetrics {
  std::string method;
  std::array<std::atomic<core::Counter*>, kCodes> handled{};
  core::Histogram* latency = nullptr;

  core::Counter& Handled(int code) {
    core::Counter* c = handled[code].load(std::memory_order_acquire);
    if (c == nullptr) {
      // Two threads may race here; the registry returns the same counter.
      c = &core::MetricsRegistry::Global().GetCounter(
          "grpc_server_handled_total", "gRPC calls completed, by method and status code.",
          {{"grpc_method", method}, {"grpc_code", std::string(CodeName(code))}});
      handled[code].store(c, std::memory_order_release);
    }
    return *c;
  }
};

class MetricsTable {
 public:
  MethodMetrics& For(const char* method) {
    {
      absl::ReaderMutexLock lock(&mu_);
      auto it = methods_.find(method);
      if (it != methods_.end()) return *it->second;
    }
    absl::MutexLock lock(&mu_);
    auto& slot = methods_[method];
    if (!slot) {
      slot = std::make_unique<MethodMetrics>();
      slot->method = method;
      slot->latency = &core::MetricsRegistry::Global().GetHistogram("grpc_server_handling_seconds",
                                                                    "gRPC call latency, by method.",
                                                                    {{"grpc_method", method}});
    }
    return *slot;
  }

 private:
  absl::Mutex mu_;
  std::map<std::string, std::unique_ptr<MethodMetrics>, std::less<>> methods_ ABSL_GUARDED_BY(mu_);
};

MetricsTable& Table() {
  static MetricsTable* t = new MetricsTable;
  return *t;
}

class ObservingInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit ObservingInterceptor(grpc::experimental::ServerRpcInfo* info)
      : method_(info->method()), start_(absl::Now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    using Hook = grpc::experimental::InterceptionHookPoints;
    if (methods->QueryInterceptionHookPoint(Hook::PRE_SEND_STATUS)) {
      const grpc::Status status = methods->GetSendStatus();
      const int code = static_cast<int>(status.error_code());
      MethodMetrics& m = Table().For(method_);
      m.Handled(code >= 0 && code < kCodes ? code : 2).Inc();
      m.latency->Observe(absl::ToDoubleSeconds(absl::Now() - start_));
      if (code != 0) {
        spdlog::debug("{} -> {}: {}", method_, CodeName(code), status.error_message());
      }
    }
    methods->Proceed();
  }

 private:
  const char* method_;
  absl::Time start_;
};

class ObservingFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new ObservingInterceptor(info);
  }
};

}  // namespace

GrpcServer::GrpcServer(GrpcServerOptions options) : options_(std::move(options)) {}

GrpcServer::~GrpcServer() { Shutdown(absl::ZeroDuration()); }

void GrpcServer::Register(grpc::Service* service, std::string full_name) {
  services_.emplace_back(service, std::move(full_name));
}

absl::Status GrpcServer::Start() {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(absl::StrCat(options_.address, ":", options_.port),
                           grpc::InsecureServerCredentials(), &port_);
  builder.SetMaxReceiveMessageSize(options_.max_message_bytes);
  builder.SetMaxSendMessageSize(options_.max_message_bytes);
  for (auto& [service, name] : services_) builder.RegisterService(service);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> factories;
  factories.push_back(std::make_unique<ObservingFactory>());
  builder.experimental().SetInterceptorCreators(std::move(factories));
  server_ = builder.BuildAndStart();
  if (!server_ || port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen for gRPC on ", options_.address, ":", options_.port));
  }
  auto* health = server_->GetHealthCheckService();
  health->SetServingStatus("", true);
  SetReadiness(checks_.empty());
  return absl::OkStatus();
}

void GrpcServer::SetReadiness(bool ready) {
  ready_.store(ready);
  if (!server_) return;
  auto* health = server_->GetHealthCheckService();
  health->SetServingStatus(kReadinessService, ready);
  for (auto& [service, name] : services_) health->SetServingStatus(name, ready);
}

void GrpcServer::AddReadinessCheck(std::string name, std::function<absl::Status()> check) {
  checks_.emplace_back(std::move(name), std::move(check));
}

void GrpcServer::StartReadinessChecks(absl::Duration interval) {
  auto run_checks = [this]() -> absl::StatusOr<bool> {
    bool all_ok = true;
    for (auto& [name, check] : checks_) {
      absl::Status s = check();
      if (!s.ok()) {
        all_ok = false;
        spdlog::warn("readiness: {} failing: {}", name, std::string(s.message()));
      }
    }
    if (all_ok != ready_.load()) {
      spdlog::info("readiness: now {}", all_ok ? "SERVING" : "NOT_SERVING");
    }
    SetReadiness(all_ok);
    return false;
  };
  (void)run_checks();
  checker_ = std::make_unique<core::BackgroundLoop>(
      core::LoopOptions{.name = "readiness", .interval = interval, .first_wait = interval},
      run_checks);
  checker_->Start();
}

void GrpcServer::StopServingReadiness() {
  if (checker_) checker_->Stop();
  SetReadiness(false);
}

void GrpcServer::Shutdown(absl::Duration grace) {
  if (checker_) checker_->Stop();
  if (server_ && !shut_down_.exchange(true)) {
    server_->GetHealthCheckService()->Shutdown();
    server_->Shutdown(absl::ToChronoTime(absl::Now() + grace));
  }
}

void GrpcServer::Wait() {
  if (server_) server_->Wait();
}

}  // namespace qrcloud::service
