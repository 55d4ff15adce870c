// The center process: its stores, logic and gRPC services wired together.
// main() and the integration tests start it the same way.
#ifndef QRCLOUD_SERVICES_CENTER_CENTER_H_
#define QRCLOUD_SERVICES_CENTER_CENTER_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/auth/authenticator.h"
#include "libs/auth/session_store.h"
#include "libs/cache/redis.h"
#include "libs/http/server.h"
#include "libs/rpc/server.h"
#include "libs/rpc/service_config.h"
#include "libs/rpc/worker_pool.h"
#include "libs/store/mysql.h"
#include "libs/store/outbox.h"
#include "services/center/account_store.h"
#include "services/center/auth_service.h"
#include "services/center/campaign_service.h"
#include "services/center/campaign_store.h"
#include "services/center/geo_index.h"
#include "services/center/geo_service.h"
#include "services/center/order_service.h"
#include "services/center/page_service.h"
#include "services/center/stock_gate.h"
#include "services/center/code_service.h"
#include "services/center/code_store.h"
#include "services/center/scan_rollup.h"
#include "services/center/merchant_service.h"
#include "services/center/merchant_store.h"

namespace qrcloud::center {

inline constexpr rpc::ServiceDefaults kCenterDefaults = {"center", 50051, 9051, "qrcloud_center"};

struct CenterOptions {
  absl::Duration session_ttl = absl::Hours(24);
  // The public base URL of the gateway, for short links (/s/{slug}).
  std::string public_url = "http://localhost:8080";
  // Roll the scans stream up into code statistics in this process.
  bool scan_rollup = true;
  // The qrcloud-qr-decode binary; default: beside this executable.
  std::string qr_decoder;
  // Where uploaded media files are kept.
  std::string media_dir = "media";
  // The Ed25519 seed receipts are signed with (32 bytes).
  std::string receipt_seed;
  // How often stock gates are re-set from MySQL.
  absl::Duration gate_reconcile_interval = absl::Seconds(5);
};

class Center {
 public:
  // Connects to MySQL and Redis (waiting up to the start-up timeout), applies
  // migrations, and starts serving.
  static absl::StatusOr<std::unique_ptr<Center>> Start(const rpc::ServiceConfig& config,
                                                       const CenterOptions& options);
  ~Center();

  int grpc_port() const { return grpc_->port(); }
  int metrics_port() const { return metrics_ ? metrics_->port() : 0; }
  AuthLogic& auth_logic() { return *auth_logic_; }

  // Blocks until Shutdown().
  void Wait();
  void Shutdown();

 private:
  Center() = default;

  std::unique_ptr<store::MysqlPool> mysql_;
  std::unique_ptr<cache::RedisPool> redis_;
  std::unique_ptr<store::OutboxRelay> relay_;
  std::unique_ptr<AccountStore> accounts_;
  std::unique_ptr<MerchantStore> merchants_;
  std::unique_ptr<auth::SessionStore> sessions_;
  std::unique_ptr<auth::Authenticator> authenticator_;
  std::unique_ptr<rpc::WorkerPool> workers_;
  std::unique_ptr<AuthLogic> auth_logic_;
  std::unique_ptr<MerchantLogic> merchant_logic_;
  std::unique_ptr<AuthServiceImpl> auth_service_;
  std::unique_ptr<MerchantServiceImpl> merchant_service_;
  std::unique_ptr<CodeStore> codes_;
  std::unique_ptr<CodeLogic> code_logic_;
  std::unique_ptr<CodeServiceImpl> code_service_;
  std::unique_ptr<ScanRollup> rollup_;
  std::unique_ptr<CampaignStore> campaigns_;
  std::unique_ptr<GeoIndex> geo_;
  std::unique_ptr<StockGate> gate_;
  std::unique_ptr<core::ReceiptSigner> signer_;
  std::unique_ptr<PayAtShop> payments_;
  std::unique_ptr<CampaignLogic> campaign_logic_;
  std::unique_ptr<OrderLogic> order_logic_;
  std::unique_ptr<GeoLogic> geo_logic_;
  std::unique_ptr<CampaignServiceImpl> campaign_service_;
  std::unique_ptr<OrderServiceImpl> order_service_;
  std::unique_ptr<GeoServiceImpl> geo_service_;
  std::unique_ptr<PageLogic> page_logic_;
  std::unique_ptr<PageServiceImpl> page_service_;
  std::unique_ptr<rpc::GrpcServer> grpc_;
  std::unique_ptr<http::Server> metrics_;
};

// Runs the migrations of the center's database.
absl::Status MigrateCenter(store::MysqlPool& mysql);

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_CENTER_H_
