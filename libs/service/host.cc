#include "libs/service/host.h"

#include <algorithm>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "libs/core/config.h"
#include "libs/core/log.h"
#include "libs/core/status.h"
#include "libs/service/metrics_server.h"
#include "libs/service/policy.h"

namespace qrcloud::service {

absl::StatusOr<std::unique_ptr<Host>> Host::Connect(const ServiceSpec& spec, ServiceConfig config) {
  std::unique_ptr<Host> h(new Host(std::move(config)));
  h->name_ = spec.name;
  QRCLOUD_ASSIGN_OR_RETURN(h->mysql_, ConnectMysql(h->config_));
  QRCLOUD_ASSIGN_OR_RETURN(h->redis_, ConnectRedis(h->config_));
  // The service's own first: the center made the outbox table in its own
  // history before the outbox was shared.
  QRCLOUD_RETURN_IF_ERROR(store::Migrate(*h->mysql_, spec.name, spec.migrations));
  if (spec.outbox) {
    QRCLOUD_RETURN_IF_ERROR(
        store::Migrate(*h->mysql_, spec.name, store::outbox::Migrations(), "outbox"));
    h->outbox_ = std::make_unique<store::OutboxRelay>(*h->mysql_, *h->redis_);
  }
  h->sessions_ =
      std::make_unique<auth::SessionStore>(*h->redis_, h->clock(), h->config_.session_ttl);
  h->authenticator_ = std::make_unique<auth::Authenticator>(*h->sessions_, *h->redis_, nullptr);
  h->workers_ = std::make_unique<rpc::WorkerPool>(h->config_.workers, h->config_.max_queue);
  h->streams_ = std::make_unique<rpc::StreamThreads>(h->config_.max_streams);
  h->grpc_ = std::make_unique<GrpcServer>(
      GrpcServerOptions{h->config_.listen_address, h->config_.grpc_port});
  return h;
}

Host::~Host() {
  Shutdown();
  // Nothing may call into the owned objects when they go: the server and the
  // workers that run calls go first; the pools they use go after them.
  grpc_.reset();
  workers_.reset();
  streams_.reset();
  metrics_.reset();
  while (!owned_.empty()) owned_.pop_back();
}

rpc::DispatcherDeps Host::dispatcher_deps() {
  rpc::DispatcherDeps deps{workers_.get(), authenticator_.get(), redis_.get(), &clock()};
  deps.streams = streams_.get();
  return deps;
}

absl::Status Host::ServeNamed(grpc::Service& impl, absl::string_view full_name) {
  const auto* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(std::string(full_name));
  if (descriptor == nullptr) {
    return absl::InternalError(absl::StrCat(full_name, " is not in the contracts"));
  }
  QRCLOUD_ASSIGN_OR_RETURN(std::string process, ProcessOf(*descriptor));
  if (process != name_) {
    return absl::FailedPreconditionError(
        absl::StrCat(full_name, " is served by ", process, " (its proto says so), not by ", name_));
  }
  for (int i = 0; i < descriptor->method_count(); ++i) {
    QRCLOUD_RETURN_IF_ERROR(PolicyOf(*descriptor->method(i)).status());
  }
  grpc_->Register(&impl, std::string(full_name));
  served_.push_back(std::string(full_name));
  return absl::OkStatus();
}

absl::Status Host::CheckAllServed() const {
  for (const auto* contract : ContractServices()) {
    auto process = ProcessOf(*contract);
    if (!process.ok() || *process != name_ || IsPlanned(*contract)) continue;
    if (std::find(served_.begin(), served_.end(), contract->full_name()) == served_.end()) {
      return absl::FailedPreconditionError(
          absl::StrCat(contract->full_name(), " names ", name_,
                       " as its process but is not served: serve it "
                       "(Host::Serve), or mark it `planned: true` in its proto"));
    }
  }
  return absl::OkStatus();
}

core::BackgroundLoop& Host::AddLoop(core::LoopOptions options, core::BackgroundLoop::Round round) {
  auto& loop = Own(std::make_unique<core::BackgroundLoop>(std::move(options), std::move(round)));
  AddWorker(loop);
  return loop;
}

cache::StreamConsumer& Host::AddConsumer(cache::StreamConsumerOptions options,
                                         cache::StreamHandler handler) {
  if (options.consumer.empty()) options.consumer = cache::ConsumerName();
  auto& consumer = Own(std::make_unique<cache::StreamConsumer>(config_.redis, std::move(options),
                                                               std::move(handler)));
  AddWorker(consumer);
  return consumer;
}

absl::StatusOr<std::string> Host::AddressOf(absl::string_view process) const {
  return BackendAddress(process);
}

absl::Status Host::Start() {
  QRCLOUD_RETURN_IF_ERROR(CheckAllServed());
  store::MysqlPool* mysql = mysql_.get();
  cache::RedisPool* redis = redis_.get();
  grpc_->AddReadinessCheck("mysql", [mysql] { return mysql->Ping(); });
  grpc_->AddReadinessCheck("redis", [redis] { return redis->Ping(); });
  QRCLOUD_RETURN_IF_ERROR(grpc_->Start());
  grpc_->StartReadinessChecks();
  started_ = true;
  if (outbox_) outbox_->Start();
  for (Worker& w : background_) w.start();
  if (config_.metrics_port > 0) {
    QRCLOUD_ASSIGN_OR_RETURN(metrics_,
                             StartMetricsServer(config_.listen_address, config_.metrics_port));
  }
  spdlog::info("{}: gRPC on {}:{}, metrics on {}", name_, config_.listen_address, grpc_port(),
               metrics_port());
  return absl::OkStatus();
}

void Host::Shutdown(absl::Duration grace) {
  if (shut_down_) return;
  shut_down_ = true;
  if (grpc_) {
    grpc_->StopServingReadiness();
    // Calls still arrive and are served while load balancers see NOT_SERVING
    // and move away.
    if (started_ && config_.shutdown_drain > absl::ZeroDuration()) {
      spdlog::info("{}: draining for {}", name_, absl::FormatDuration(config_.shutdown_drain));
      absl::SleepFor(config_.shutdown_drain);
    }
    grpc_->Shutdown(grace);
  }
  if (started_) {
    for (auto it = background_.rbegin(); it != background_.rend(); ++it) it->stop();
  }
  // The relay last: what the workers appended still goes out if it can.
  if (outbox_) outbox_->Stop();
  if (metrics_) metrics_->Shutdown(absl::Seconds(1));
}

namespace {

std::string Usage(const ServiceSpec& spec) {
  std::vector<std::string> lines = {spec.usage};
  for (const auto& c : spec.commands) {
    lines.push_back(absl::StrCat("qrcloud-", spec.name, " ", c.name, " ", c.args));
  }
  return absl::StrJoin(lines, " | ");
}

int Fail(absl::string_view what, const absl::Status& s) {
  spdlog::critical("{}: {}", what, s.message());
  return 1;
}

int RunCommand(const ServiceSpec& spec, const ServiceConfig& config,
               const std::vector<std::string>& args) {
  for (const auto& c : spec.commands) {
    if (c.name != args[1]) continue;
    if (static_cast<int>(args.size()) != c.arg_count + 2) {
      std::fprintf(stderr, "usage: qrcloud-%s %s %s\n", spec.name.c_str(), c.name.c_str(),
                   c.args.c_str());
      return 2;
    }
    auto host = Host::Connect(spec, config);
    if (!host.ok()) {
      std::fprintf(stderr, "%s\n", std::string(host.status().message()).c_str());
      return 1;
    }
    return c.run(**host, std::vector<std::string>(args.begin() + 2, args.end()));
  }
  std::fprintf(stderr, "unknown command %s\n", args[1].c_str());
  return 2;
}

}  // namespace

int Main(int argc, char** argv, ServiceSpec spec) {
  const std::vector<std::string> args = core::InitProcess(argc, argv, Usage(spec));
  auto process = FindProcess(spec.name);
  if (!process.ok()) return Fail("start", process.status());
  if (absl::Status s = ValidateBackendFlags(); !s.ok()) return Fail("start", s);
  const ServiceConfig config = ServiceConfigFromFlags(*process);
  if (args.size() > 1) return RunCommand(spec, config, args);

  auto host = Host::Connect(spec, config);
  if (!host.ok()) return Fail(absl::StrCat(spec.name, " failed to start"), host.status());
  if (absl::Status s = spec.build(**host); !s.ok()) {
    return Fail(absl::StrCat(spec.name, " failed to start"), s);
  }
  if (absl::Status s = (*host)->Start(); !s.ok()) {
    return Fail(absl::StrCat(spec.name, " failed to start"), s);
  }
  core::WaitForTerminationSignal();
  spdlog::info("{}: shutting down", spec.name);
  (*host)->Shutdown();
  return 0;
}

}  // namespace qrcloud::service
