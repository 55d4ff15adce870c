// The center's parts (patent claim 1's cloud computing center): per subject
// its stores, its logic and its gRPC adapter, made on the service kit's host.
// main() names which of them it serves and which workers it runs.
#ifndef QRCLOUD_SERVICES_CENTER_CENTER_H_
#define QRCLOUD_SERVICES_CENTER_CENTER_H_

#include <memory>
#include <string>
#include <vector>

#include "libs/core/receipt_token.h"
#include "libs/ordering/order_book.h"
#include "libs/ordering/payment.h"
#include "libs/service/host.h"
#include "libs/store/tx.h"
#include "services/center/auth_service.h"
#include "services/center/campaign_service.h"
#include "services/center/code_service.h"
#include "services/center/geo_service.h"
#include "services/center/landing_service.h"
#include "services/center/merchant_service.h"
#include "services/center/mysql_account_store.h"
#include "services/center/mysql_campaign_store.h"
#include "services/center/mysql_code_store.h"
#include "services/center/mysql_landing_store.h"
#include "services/center/mysql_media_store.h"
#include "services/center/mysql_merchant_stats.h"
#include "services/center/mysql_merchant_store.h"
#include "services/center/mysql_order_store.h"
#include "services/center/mysql_search_store.h"
#include "services/center/order_service.h"
#include "services/center/page_service.h"
#include "services/center/redis_geo_index.h"
#include "services/center/redis_page_cache.h"
#include "services/center/redis_sessions.h"
#include "services/center/redis_slug_cache.h"
#include "services/center/scan_rollup.h"
#include "services/center/stock_gate.h"

namespace qrcloud::center {

// The center's migrations (migrations/*.sql).
std::vector<store::Migration> Migrations();

struct CenterOptions {
  // The public base URL of the gateway, for short links (/s/{slug}).
  std::string public_url = "http://localhost:8080";
  // The qrcloud-qr-decode binary; default: beside this executable.
  std::string qr_decoder;
  // Where uploaded media files are kept.
  std::string media_dir = "media";
  // The Ed25519 seed receipts are signed with (32 bytes).
  std::string receipt_seed;
  // How long after its redemption a merchant may refund an order.
  absl::Duration refund_window = ordering::kDefaultRefundWindow;
  SearchOptions search;
};

class Center {
 public:
  // Makes every store, logic and adapter on the host's pools. The host must
  // outlive the center (it owns it: Host::Own). INVALID_ARGUMENT for a
  // receipt seed that is not 32 bytes.
  static absl::StatusOr<std::unique_ptr<Center>> Create(service::Host& host, CenterOptions options);

  AuthLogic& auth_logic() { return *auth_logic_; }
  StockGate& gate() { return *gate_; }
  ScanRollup& rollup() { return *rollup_; }
  CampaignSearch& search() { return *search_; }

  AuthServiceImpl& auth_service() { return *auth_service_; }
  MerchantServiceImpl& merchant_service() { return *merchant_service_; }
  CodeServiceImpl& code_service() { return *code_service_; }
  CampaignServiceImpl& campaign_service() { return *campaign_service_; }
  OrderServiceImpl& order_service() { return *order_service_; }
  GeoServiceImpl& geo_service() { return *geo_service_; }
  PageServiceImpl& page_service() { return *page_service_; }
  LandingServiceImpl& landing_service() { return *landing_service_; }

 private:
  explicit Center(CenterOptions options) : options_(std::move(options)) {}
  void MakeStores(service::Host& host);
  void MakeLogic(service::Host& host, core::ReceiptSigner signer);
  void MakeServices(service::Host& host);

  const CenterOptions options_;
  // Stores, in MySQL and Redis.
  std::unique_ptr<store::MysqlTxRunner> runner_;
  std::unique_ptr<MysqlAccountStore> accounts_;
  std::unique_ptr<MysqlMerchantStore> merchants_;
  std::unique_ptr<MysqlMerchantStats> merchant_stats_;
  std::unique_ptr<MysqlCodeStore> codes_;
  std::unique_ptr<RedisSlugCache> slugs_;
  std::unique_ptr<MysqlCampaignStore> campaigns_;
  std::unique_ptr<MysqlSearchStore> search_store_;
  std::unique_ptr<MysqlMediaStore> media_;
  std::unique_ptr<RedisGeoIndex> geo_;
  std::unique_ptr<RedisPageCache> pages_;
  std::unique_ptr<MysqlOrderStore> orders_;
  std::unique_ptr<StockGate> gate_;
  std::unique_ptr<RedisSessionIssuer> sessions_;
  std::unique_ptr<RedisSignInThrottle> throttle_;
  std::unique_ptr<ScanRollup> rollup_;
  std::unique_ptr<MysqlLandingStore> landing_;
  // Logic.
  std::unique_ptr<core::ReceiptSigner> signer_;
  std::unique_ptr<ordering::PayAtShop> payments_;
  std::unique_ptr<ordering::OrderBook> order_book_;
  std::unique_ptr<AuthLogic> auth_logic_;
  std::unique_ptr<CampaignSearch> search_;
  std::unique_ptr<MerchantLogic> merchant_logic_;
  std::unique_ptr<CodeLogic> code_logic_;
  std::unique_ptr<CampaignLogic> campaign_logic_;
  std::unique_ptr<OrderLogic> order_logic_;
  std::unique_ptr<GeoLogic> geo_logic_;
  std::unique_ptr<PageLogic> page_logic_;
  std::unique_ptr<LandingLogic> landing_logic_;
  // gRPC adapters.
  std::unique_ptr<AuthServiceImpl> auth_service_;
  std::unique_ptr<MerchantServiceImpl> merchant_service_;
  std::unique_ptr<CodeServiceImpl> code_service_;
  std::unique_ptr<CampaignServiceImpl> campaign_service_;
  std::unique_ptr<OrderServiceImpl> order_service_;
  std::unique_ptr<GeoServiceImpl> geo_service_;
  std::unique_ptr<PageServiceImpl> page_service_;
  std::unique_ptr<LandingServiceImpl> landing_service_;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_CENTER_H_
