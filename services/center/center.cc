#include "services/center/center.h"

#include "libs/core/log.h"
#include "libs/qr/isolated_decoder.h"

namespace qrcloud::center {

absl::StatusOr<std::unique_ptr<Center>> Center::Create(service::Host& host, CenterOptions options) {
  auto signer = core::ReceiptSigner::FromSeed(options.receipt_seed);
  if (!signer.ok()) return signer.status();
  std::unique_ptr<Center> center(new Center(std::move(options)));
  center->Make(host, *std::move(signer));
  return center;
}

void Center::Make(service::Host& host, core::ReceiptSigner signer) {
  store::MysqlPool& mysql = host.mysql();
  cache::RedisPool& redis = host.redis();
  const core::Clock& clock = host.clock();
  const rpc::DispatcherDeps deps = host.dispatcher_deps();
  const std::string decoder =
      options_.qr_decoder.empty() ? qr::SiblingBinary("qrcloud-qr-decode") : options_.qr_decoder;

  accounts_ = std::make_unique<AccountStore>(mysql);
  // The center owns the API keys: keys not yet cached are looked up here.
  host.authenticator().set_resolver(accounts_.get());
  merchants_ = std::make_unique<MerchantStore>(mysql);
  codes_ = std::make_unique<CodeStore>(mysql, redis, options_.public_url);
  campaigns_ = std::make_unique<CampaignStore>(mysql);
  geo_ = std::make_unique<GeoIndex>(redis);
  gate_ = std::make_unique<StockGate>(redis, StockGate::FromMysql(mysql));
  signer_ = std::make_unique<core::ReceiptSigner>(std::move(signer));
  payments_ = std::make_unique<ordering::PayAtShop>();
  orders_ = std::make_unique<MysqlOrderStore>(mysql);
  runner_ = std::make_unique<store::MysqlTxRunner>(mysql, host.outbox());
  order_book_ = std::make_unique<ordering::OrderBook>(
      *runner_, *orders_, *signer_, *payments_, clock, ordering::OrderBookOptions{}, gate_.get());
  rollup_ = std::make_unique<ScanRollup>(mysql);

  auth_logic_ = std::make_unique<AuthLogic>(mysql, redis, *accounts_, host.sessions(),
                                            host.authenticator(), clock);
  merchant_logic_ = std::make_unique<MerchantLogic>(*merchants_, host.outbox(), clock, &redis);
  code_logic_ =
      std::make_unique<CodeLogic>(*codes_, *merchants_, clock, decoder, options_.media_dir);
  campaign_logic_ = std::make_unique<CampaignLogic>(
      *campaigns_, *merchants_, *codes_, *geo_, host.outbox(), clock,
      CampaignOptions{options_.public_url, options_.media_dir});
  order_logic_ = std::make_unique<OrderLogic>(*order_book_, *orders_, *campaigns_, *signer_,
                                              OrderOptions{decoder});
  geo_logic_ = std::make_unique<GeoLogic>(*geo_);
  page_logic_ = std::make_unique<PageLogic>(*campaigns_, *merchants_, redis, options_.public_url);
  StockGate* gate = gate_.get();
  PageLogic* pages = page_logic_.get();
  campaign_logic_->set_listener([gate, pages](const v1::Campaign& campaign) {
    // The gate follows MySQL's stock; the page is rendered again.
    if (campaign.stock() > 0) (void)gate->Reconcile(campaign.id());
    if (absl::Status s = pages->Refresh(campaign); !s.ok()) {
      spdlog::warn("campaign {}: page not refreshed: {}", campaign.id(), s.message());
    }
  });

  auth_service_ = std::make_unique<AuthServiceImpl>(*auth_logic_, deps);
  merchant_service_ = std::make_unique<MerchantServiceImpl>(*merchant_logic_, deps);
  code_service_ = std::make_unique<CodeServiceImpl>(*code_logic_, deps);
  campaign_service_ = std::make_unique<CampaignServiceImpl>(*campaign_logic_, deps);
  order_service_ = std::make_unique<OrderServiceImpl>(*order_logic_, deps);
  geo_service_ = std::make_unique<GeoServiceImpl>(*geo_logic_, deps);
  page_service_ = std::make_unique<PageServiceImpl>(*page_logic_, deps);
}

}  // namespace qrcloud::center
