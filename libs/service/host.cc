#include "libs/service/host.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "libs/auth/local_token.h"
#include "libs/core/config.h"
#include "libs/core/log.h"
#include "libs/core/status.h"
#include "libs/service/metrics_server.h"
#include "libs/service/policy.h"

namespace qrcloud::service {

absl::StatusOr<std::unique_ptr<Host>> Host::Connect(const ServiceSpec& spec, ServiceConfig config) {
  std::unique_ptr<Host> h(new Host(std::move(config)));
  h->name_ = spec.name;
  if (spec.store == ServiceSpec::Store::kOwn) {
    QRCLOUD_RETURN_IF_ERROR(h->ConnectOwn(spec));
    return h;
  }
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
  h->MakeServer();
  return h;
}

void Host::MakeServer() {
  workers_ = std::make_unique<rpc::WorkerPool>(config_.workers, config_.max_queue);
  streams_ = std::make_unique<rpc::StreamThreads>(config_.max_streams);
  grpc_ =
      std::make_unique<GrpcServer>(GrpcServerOptions{config_.listen_address, config_.grpc_port});
}

absl::Status Host::ConnectOwn(const ServiceSpec& spec) {
  if (spec.outbox || !spec.migrations.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        name_, ": a service with a store of its own has no MySQL migrations nor outbox relay"));
  }
  if (spec.local_token_file.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(name_, ": local_token_file is empty"));
  }
  if (mkdir(config_.data_dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return absl::UnavailableError(
        absl::StrCat("cannot make the data directory ", config_.data_dir, ": ", strerror(errno)));
  }
  auth::Principal who;
  if (spec.local_principal) {
    who = *spec.local_principal;
  } else {
    who.account_id = absl::StrCat(name_, "-local");
    who.kind = "STAFF";
    who.Grant(auth::Role::kMerchantStaff);
  }
  QRCLOUD_ASSIGN_OR_RETURN(authenticator_, auth::LocalTokenAuthenticator::Open(
                                               DataPath(config_, spec.local_token_file), who));
  MakeServer();
  return absl::OkStatus();
}

store::MysqlPool& Host::mysql() {
  if (mysql_ == nullptr) {
    spdlog::critical("{} keeps a store of its own: it has no MySQL", name_);
    std::abort();
  }
  return *mysql_;
}

cache::RedisPool& Host::redis() {
  if (redis_ == nullptr) {
    spdlog::critical("{} keeps a store of its own: it has no Redis", name_);
    std::abort();
  }
  return *redis_;
}

void Host::AddReadinessCheck(std::string name, std::function<absl::Status()> check) {
  readiness_.emplace_back(std::move(name), std::move(check));
}

absl::Status Host::ServeHttp(HttpFront front, HttpHandler handler) {
  if (http_handler_) return absl::FailedPreconditionError("ServeHttp: one HTTP front per host");
  if (started_) return absl::FailedPreconditionError("ServeHttp: before Start()");
  http_front_ = std::move(front);
  http_handler_ = std::move(handler);
  return absl::OkStatus();
}

int Host::http_port() const { return http_ ? http_->port() : 0; }

absl::Status Host::StartHttp() {
  http::ServerOptions options;
  options.address = config_.listen_address;
  options.port = static_cast<uint16_t>(http_front_.port);
  options.io_threads = std::max(1, http_front_.io_threads);
  options.max_body_bytes = http_front_.max_body_bytes;
  options.max_connections = http_front_.max_connections;
  options.error_response = http_front_.error_response;
  rpc::WorkerPool* workers = workers_.get();
  HttpHandler* handler = &http_handler_;
  http_ = std::make_unique<http::Server>(
      options, [workers, handler](http::Request&& req, http::Responder respond) {
        auto shared = std::make_shared<std::pair<http::Request, http::Responder>>(
            std::move(req), std::move(respond));
        const bool queued = workers->TrySubmit([shared, handler] {
          http::Response answer;
          try {
            answer = (*handler)(shared->first);
          } catch (const std::exception& e) {
            spdlog::error("http handler: {}", e.what());
            answer = {.status = 500, .body = "internal error\n"};
          }
          shared->second(std::move(answer));
        });
        if (!queued) {
          shared->second({.status = 503,
                          .headers = {{"retry-after", "1"}, {"content-type", "text/plain"}},
                          .body = "busy: too many requests at once; retry in a second\n"});
        }
      });
  return http_->Start();
}

Host::~Host() {
  Shutdown();
  // Nothing may call into the owned objects when they go: the server and the
  // workers that run calls go first; the pools they use go after them.
  grpc_.reset();
  http_.reset();
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
  if (mysql != nullptr) grpc_->AddReadinessCheck("mysql", [mysql] { return mysql->Ping(); });
  if (redis != nullptr) grpc_->AddReadinessCheck("redis", [redis] { return redis->Ping(); });
  for (auto& [name, check] : readiness_) grpc_->AddReadinessCheck(name, check);
  QRCLOUD_RETURN_IF_ERROR(grpc_->Start());
  grpc_->StartReadinessChecks();
  started_ = true;
  if (outbox_) outbox_->Start();
  for (Worker& w : background_) w.start();
  if (config_.metrics_port > 0) {
    QRCLOUD_ASSIGN_OR_RETURN(metrics_,
                             StartMetricsServer(config_.listen_address, config_.metrics_port));
  }
  if (http_handler_) {
    QRCLOUD_RETURN_IF_ERROR(StartHttp());
    spdlog::info("{}: {} HTTP on {}:{}", name_, http_front_.name, config_.listen_address,
                 http_port());
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
  // The HTTP front's requests run on the workers: it stops taking them first.
  if (http_) http_->Shutdown(grace);
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
