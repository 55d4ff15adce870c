#include "services/audit/audit.h"

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "libs/core/log.h"
#include "libs/core/status.h"
#include "libs/rpc/metrics_server.h"
#include "libs/store/migrations.h"

namespace qrcloud::audit {

std::vector<store::Migration> Migrations();  // generated from migrations/*.sql

absl::Status MigrateAudit(store::MysqlPool& mysql) {
  return store::Migrate(mysql, "audit", Migrations());
}

absl::StatusOr<std::unique_ptr<Audit>> Audit::Start(const rpc::ServiceConfig& config,
                                                    AuditOptions options) {
  std::unique_ptr<Audit> a(new Audit);
  // The key first: without it no decision could ever be delivered.
  QRCLOUD_ASSIGN_OR_RETURN(
      a->center_, CenterClient::Create(options.center_address, options.center_api_key_file));
  QRCLOUD_ASSIGN_OR_RETURN(a->mysql_, rpc::ConnectMysql(config));
  QRCLOUD_ASSIGN_OR_RETURN(a->redis_, rpc::ConnectRedis(config));
  QRCLOUD_RETURN_IF_ERROR(MigrateAudit(*a->mysql_));

  const core::Clock& clock = core::Clock::Real();
  a->store_ = std::make_unique<AuditStore>(*a->mysql_);
  a->rules_ = std::make_unique<Rules>(std::move(options.rules));
  a->intake_ =
      std::make_unique<SubmissionIntake>(*a->store_, *a->rules_, clock, options.auto_approve);
  a->applier_ = std::make_unique<DecisionApplier>(*a->store_, *a->center_, clock, options.applier);
  // Sessions are the center's, in the shared Redis; API keys are accepted
  // only once the center has cached them.
  a->sessions_ = std::make_unique<auth::SessionStore>(*a->redis_, clock, absl::Hours(24));
  a->authenticator_ = std::make_unique<auth::Authenticator>(*a->sessions_, *a->redis_, nullptr);
  a->workers_ = std::make_unique<rpc::WorkerPool>(config.workers, config.max_queue);
  rpc::DispatcherDeps deps{a->workers_.get(), a->authenticator_.get(), a->redis_.get(), &clock};
  a->logic_ = std::make_unique<AuditLogic>(*a->store_, a->applier_.get(), clock);
  a->service_ = std::make_unique<AuditServiceImpl>(*a->logic_, deps);

  a->grpc_ = std::make_unique<rpc::GrpcServer>(
      rpc::GrpcServerOptions{config.listen_address, config.grpc_port});
  a->grpc_->Register(a->service_.get(), "qrcloud.v1.AuditService");
  store::MysqlPool* mysql = a->mysql_.get();
  cache::RedisPool* redis = a->redis_.get();
  a->grpc_->AddReadinessCheck("mysql", [mysql] { return mysql->Ping(); });
  a->grpc_->AddReadinessCheck("redis", [redis] { return redis->Ping(); });
  QRCLOUD_RETURN_IF_ERROR(a->grpc_->Start());
  a->grpc_->StartReadinessChecks();
  a->applier_->Start();
  if (options.worker) {
    char host[256] = {};
    gethostname(host, sizeof(host) - 1);
    DecisionApplier* applier = a->applier_.get();
    a->consumer_ = std::make_unique<SubmissionConsumer>(*a->intake_, config.redis,
                                                        absl::StrCat(host, "-", getpid()),
                                                        [applier] { applier->Nudge(); });
    a->consumer_->Start();
  }

  if (config.metrics_port > 0) {
    QRCLOUD_ASSIGN_OR_RETURN(a->metrics_,
                             rpc::StartMetricsServer(config.listen_address, config.metrics_port));
  }
  spdlog::info("audit: gRPC on {}:{}, metrics on {}, center at {}, automatic approval {}",
               config.listen_address, a->grpc_port(), a->metrics_port(), options.center_address,
               options.auto_approve ? "on" : "off");
  return a;
}

Audit::~Audit() { Shutdown(); }

void Audit::Wait() { grpc_->Wait(); }

void Audit::Shutdown() {
  if (grpc_) grpc_->Shutdown(absl::Seconds(5));
  if (consumer_) consumer_->Stop();
  if (applier_) applier_->Stop();
  if (metrics_) metrics_->Shutdown(absl::Seconds(1));
}

}  // namespace qrcloud::audit
