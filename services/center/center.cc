#include "services/center/center.h"

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "libs/core/log.h"
#include "libs/core/metrics.h"
#include "libs/core/status.h"
#include "libs/qr/isolated_decoder.h"
#include "libs/rpc/metrics_server.h"
#include "libs/store/migrations.h"

namespace qrcloud::center {

std::vector<store::Migration> Migrations();  // generated from migrations/*.sql

absl::Status MigrateCenter(store::MysqlPool& mysql) {
  return store::Migrate(mysql, "center", Migrations());
}

absl::StatusOr<std::unique_ptr<Center>> Center::Start(const rpc::ServiceConfig& config,
                                                      const CenterOptions& options) {
  std::unique_ptr<Center> c(new Center);
  QRCLOUD_ASSIGN_OR_RETURN(c->mysql_, rpc::ConnectMysql(config));
  QRCLOUD_ASSIGN_OR_RETURN(c->redis_, rpc::ConnectRedis(config));
  QRCLOUD_RETURN_IF_ERROR(MigrateCenter(*c->mysql_));

  const core::Clock& clock = core::Clock::Real();
  c->relay_ = std::make_unique<store::OutboxRelay>(*c->mysql_, *c->redis_);
  c->accounts_ = std::make_unique<AccountStore>(*c->mysql_);
  c->merchants_ = std::make_unique<MerchantStore>(*c->mysql_);
  c->sessions_ = std::make_unique<auth::SessionStore>(*c->redis_, clock, options.session_ttl);
  c->authenticator_ = std::make_unique<auth::Authenticator>(*c->sessions_, *c->redis_, c->accounts_.get());
  c->workers_ = std::make_unique<rpc::WorkerPool>(config.workers, config.max_queue);

  rpc::DispatcherDeps deps{c->workers_.get(), c->authenticator_.get(), c->redis_.get(), &clock};
  c->auth_logic_ = std::make_unique<AuthLogic>(*c->mysql_, *c->redis_, *c->accounts_, *c->sessions_,
                                               *c->authenticator_, clock);
  c->merchant_logic_ = std::make_unique<MerchantLogic>(*c->merchants_, c->relay_.get(), clock, c->redis_.get());
  c->auth_service_ = std::make_unique<AuthServiceImpl>(*c->auth_logic_, deps);
  c->merchant_service_ = std::make_unique<MerchantServiceImpl>(*c->merchant_logic_, deps);
  c->codes_ = std::make_unique<CodeStore>(*c->mysql_, *c->redis_, options.public_url);
  c->code_logic_ = std::make_unique<CodeLogic>(
      *c->codes_, *c->merchants_, clock,
      options.qr_decoder.empty() ? qr::SiblingBinary("qrcloud-qr-decode") : options.qr_decoder, options.media_dir);
  c->code_service_ = std::make_unique<CodeServiceImpl>(*c->code_logic_, deps);

  const std::string decoder = options.qr_decoder.empty() ? qr::SiblingBinary("qrcloud-qr-decode") : options.qr_decoder;
  QRCLOUD_ASSIGN_OR_RETURN(core::ReceiptSigner signer, core::ReceiptSigner::FromSeed(options.receipt_seed));
  c->signer_ = std::make_unique<core::ReceiptSigner>(std::move(signer));
  c->campaigns_ = std::make_unique<CampaignStore>(*c->mysql_);
  c->geo_ = std::make_unique<GeoIndex>(*c->redis_);
  c->gate_ = std::make_unique<StockGate>(*c->redis_, StockGate::FromMysql(*c->mysql_));
  c->payments_ = std::make_unique<PayAtShop>();
  c->campaign_logic_ = std::make_unique<CampaignLogic>(*c->campaigns_, *c->merchants_, *c->codes_, *c->geo_,
                                                       c->relay_.get(), clock,
                                                       CampaignOptions{options.public_url, options.media_dir});
  c->order_logic_ = std::make_unique<OrderLogic>(*c->mysql_, *c->campaigns_, *c->gate_, *c->signer_, *c->payments_,
                                                 clock, OrderOptions{absl::Hours(24 * 30), decoder});
  c->geo_logic_ = std::make_unique<GeoLogic>(*c->geo_);
  c->campaign_service_ = std::make_unique<CampaignServiceImpl>(*c->campaign_logic_, deps);
  c->order_service_ = std::make_unique<OrderServiceImpl>(*c->order_logic_, deps);
  c->geo_service_ = std::make_unique<GeoServiceImpl>(*c->geo_logic_, deps);
  c->page_logic_ = std::make_unique<PageLogic>(*c->campaigns_, *c->merchants_, *c->redis_, options.public_url);
  c->page_service_ = std::make_unique<PageServiceImpl>(*c->page_logic_, deps);
  StockGate* gate = c->gate_.get();
  PageLogic* pages = c->page_logic_.get();
  c->campaign_logic_->set_listener([gate, pages](const v1::Campaign& campaign) {
    // The gate follows MySQL's stock; the page is rendered again.
    if (campaign.stock() > 0) (void)gate->Reconcile(campaign.id());
    if (absl::Status s = pages->Refresh(campaign); !s.ok()) {
      spdlog::warn("campaign {}: page not refreshed: {}", campaign.id(), s.message());
    }
  });

  c->grpc_ = std::make_unique<rpc::GrpcServer>(
      rpc::GrpcServerOptions{config.listen_address, config.grpc_port});
  c->grpc_->Register(c->auth_service_.get(), "qrcloud.v1.AuthService");
  c->grpc_->Register(c->merchant_service_.get(), "qrcloud.v1.MerchantService");
  c->grpc_->Register(c->code_service_.get(), "qrcloud.v1.CodeService");
  c->grpc_->Register(c->campaign_service_.get(), "qrcloud.v1.CampaignService");
  c->grpc_->Register(c->order_service_.get(), "qrcloud.v1.OrderService");
  c->grpc_->Register(c->geo_service_.get(), "qrcloud.v1.GeoService");
  c->grpc_->Register(c->page_service_.get(), "qrcloud.v1.PageService");
  store::MysqlPool* mysql = c->mysql_.get();
  cache::RedisPool* redis = c->redis_.get();
  c->grpc_->AddReadinessCheck("mysql", [mysql] { return mysql->Ping(); });
  c->grpc_->AddReadinessCheck("redis", [redis] { return redis->Ping(); });
  QRCLOUD_RETURN_IF_ERROR(c->grpc_->Start());
  c->grpc_->StartReadinessChecks();
  c->relay_->Start();
  c->gate_->StartReconciler(options.gate_reconcile_interval);
  if (options.scan_rollup) {
    char host[256] = {};
    gethostname(host, sizeof(host) - 1);
    c->rollup_ = std::make_unique<ScanRollup>(*c->mysql_, config.redis, absl::StrCat(host, "-", getpid()));
    c->rollup_->Start();
  }

  if (config.metrics_port > 0) {
    QRCLOUD_ASSIGN_OR_RETURN(c->metrics_, rpc::StartMetricsServer(config.listen_address, config.metrics_port));
  }
  spdlog::info("center: gRPC on {}:{}, metrics on {}", config.listen_address, c->grpc_port(),
               c->metrics_port());
  return c;
}

Center::~Center() { Shutdown(); }

void Center::Wait() { grpc_->Wait(); }

void Center::Shutdown() {
  if (grpc_) grpc_->Shutdown(absl::Seconds(5));
  if (relay_) relay_->Stop();
  if (rollup_) rollup_->Stop();
  if (gate_) gate_->StopReconciler();
  if (metrics_) metrics_->Shutdown(absl::Seconds(1));
}

}  // namespace qrcloud::center
