#include "services/center/center.h"

#include "libs/core/log.h"
#include "libs/qr/isolated_decoder.h"

namespace qrcloud::center {

absl::StatusOr<std::unique_ptr<Center>> Center::Create(service::Host& host, CenterOptions options) {
  auto signer = core::ReceiptSigner::FromSeed(options.receipt_seed);
  if (!signer.ok()) return signer.status();
  std::unique_ptr<Center> center(new Center(std::move(options)));
  center->MakeStores(host);
  center->MakeLogic(host, *std::move(signer));
  center->MakeServices(host);
  return center;
}

void Center::MakeStores(service::Host& host) {
  store::MysqlPool& mysql = host.mysql();
  cache::RedisPool& redis = host.redis();
  runner_ = std::make_unique<store::MysqlTxRunner>(mysql, host.outbox());
  accounts_ = std::make_unique<MysqlAccountStore>(mysql);
  // The center owns the API keys: keys not yet cached are looked up here.
  host.authenticator().set_resolver(accounts_.get());
  merchants_ = std::make_unique<MysqlMerchantStore>(mysql);
  merchant_stats_ = std::make_unique<MysqlMerchantStats>(mysql, redis);
  codes_ = std::make_unique<MysqlCodeStore>(mysql, options_.public_url);
  slugs_ = std::make_unique<RedisSlugCache>(redis);
  campaigns_ = std::make_unique<MysqlCampaignStore>(mysql);
  search_store_ = std::make_unique<MysqlSearchStore>(mysql);
  media_ = std::make_unique<MysqlMediaStore>(mysql, options_.media_dir);
  geo_ = std::make_unique<RedisGeoIndex>(redis);
  pages_ = std::make_unique<RedisPageCache>(redis);
  orders_ = std::make_unique<MysqlOrderStore>(mysql);
  gate_ = std::make_unique<StockGate>(redis, StockGate::FromMysql(mysql));
  sessions_ = std::make_unique<RedisSessionIssuer>(host.sessions(), host.authenticator());
  throttle_ = std::make_unique<RedisSignInThrottle>(redis);
  rollup_ = std::make_unique<ScanRollup>(mysql);
  landing_ = std::make_unique<MysqlLandingStore>(mysql);
}

void Center::MakeLogic(service::Host& host, core::ReceiptSigner signer) {
  const core::Clock& clock = host.clock();
  const std::string decoder =
      options_.qr_decoder.empty() ? qr::SiblingBinary("qrcloud-qr-decode") : options_.qr_decoder;
  signer_ = std::make_unique<core::ReceiptSigner>(std::move(signer));
  payments_ = std::make_unique<ordering::PayAtShop>();
  order_book_ = std::make_unique<ordering::OrderBook>(
      *runner_, *orders_, *signer_, *payments_, clock,
      ordering::OrderBookOptions{.refund_window = options_.refund_window}, gate_.get());
  auth_logic_ =
      std::make_unique<AuthLogic>(*runner_, *accounts_, *merchants_, *sessions_, *throttle_, clock);
  search_ = std::make_unique<CampaignSearch>(*runner_, *search_store_, *campaigns_, *merchants_,
                                             clock, options_.search);
  merchant_logic_ = std::make_unique<MerchantLogic>(*runner_, *merchants_, *merchant_stats_, clock);
  merchant_logic_->set_follower(search_.get());
  code_logic_ = std::make_unique<CodeLogic>(*runner_, *codes_, *slugs_, *merchants_, *media_, clock,
                                            CodeOptions{options_.public_url, decoder});
  campaign_logic_ = std::make_unique<CampaignLogic>(*runner_, *campaigns_, *merchants_, *codes_,
                                                    *slugs_, *geo_, *media_, *search_, clock,
                                                    CampaignOptions{options_.public_url});
  order_logic_ =
      std::make_unique<OrderLogic>(*order_book_, *orders_, *campaigns_, *signer_,
                                   OrderOptions{.decoder_binary = decoder, .clock = &clock});
  geo_logic_ = std::make_unique<GeoLogic>(*geo_);
  page_logic_ =
      std::make_unique<PageLogic>(*campaigns_, *merchants_, *pages_, clock, options_.public_url);
  landing_logic_ = std::make_unique<LandingLogic>(
      *landing_, *merchants_, *order_book_, *orders_, host.authenticator(), clock,
      LandingOptions{.public_url = options_.public_url,
                     .receipt_public_key = signer_->public_key()});
  StockGate* gate = gate_.get();
  PageLogic* pages = page_logic_.get();
  campaign_logic_->set_listener([gate, pages](const v1::Campaign& campaign) {
    // The gate follows MySQL's stock; the page is rendered again.
    if (campaign.stock() > 0) (void)gate->Reconcile(campaign.id());
    if (absl::Status s = pages->Refresh(campaign); !s.ok()) {
      spdlog::warn("campaign {}: page not refreshed: {}", campaign.id(), s.message());
    }
  });
}

void Center::MakeServices(service::Host& host) {
  const rpc::DispatcherDeps deps = host.dispatcher_deps();
  auth_service_ = std::make_unique<AuthServiceImpl>(*auth_logic_, deps);
  merchant_service_ = std::make_unique<MerchantServiceImpl>(*merchant_logic_, deps);
  code_service_ = std::make_unique<CodeServiceImpl>(*code_logic_, deps);
  campaign_service_ = std::make_unique<CampaignServiceImpl>(*campaign_logic_, deps);
  order_service_ = std::make_unique<OrderServiceImpl>(*order_logic_, deps);
  geo_service_ = std::make_unique<GeoServiceImpl>(*geo_logic_, deps);
  page_service_ = std::make_unique<PageServiceImpl>(*page_logic_, deps);
  landing_service_ = std::make_unique<LandingServiceImpl>(*landing_logic_, deps);
}

}  // namespace qrcloud::center
