// OrderService: orders with their signed receipts, and redemption at the
// shop — exactly once (patent claim 7).
#ifndef QRCLOUD_SERVICES_CENTER_ORDER_SERVICE_H_
#define QRCLOUD_SERVICES_CENTER_ORDER_SERVICE_H_

#include <memory>
#include <string>

#include "google/api/httpbody.pb.h"
#include "libs/core/clock.h"
#include "libs/core/receipt_token.h"
#include "libs/rpc/dispatcher.h"
#include "qrcloud/v1/order.grpc.pb.h"
#include "services/center/campaign_store.h"
#include "services/center/payment_provider.h"
#include "services/center/stock_gate.h"

namespace qrcloud::center {

struct OrderOptions {
  // How long a receipt stays valid when its campaign has no end.
  absl::Duration default_receipt_validity = absl::Hours(24 * 30);
  std::string decoder_binary;  // qrcloud-qr-decode, for photos of receipts
};

class OrderLogic {
 public:
  OrderLogic(store::MysqlPool& mysql, CampaignStore& campaigns, StockGate& gate, const core::ReceiptSigner& signer,
             PaymentProvider& payments, const core::Clock& clock, OrderOptions options)
      : mysql_(mysql),
        campaigns_(campaigns),
        gate_(gate),
        signer_(signer),
        payments_(payments),
        clock_(clock),
        options_(std::move(options)) {}

  absl::Status Create(const rpc::CallContext& call, const v1::CreateOrderRequest& req, v1::CreateOrderResponse& resp);
  absl::Status Get(const rpc::CallContext& call, const v1::GetOrderRequest& req, v1::Order& resp);
  absl::Status ListMine(const rpc::CallContext& call, const v1::ListMyOrdersRequest& req, v1::ListOrdersResponse& resp);
  absl::Status ListMerchant(const rpc::CallContext& call, const v1::ListMerchantOrdersRequest& req,
                            v1::ListOrdersResponse& resp);
  absl::Status Cancel(const rpc::CallContext& call, const v1::CancelOrderRequest& req, v1::Order& resp);
  absl::Status Verify(const rpc::CallContext& call, const v1::VerifyReceiptRequest& req, v1::VerifyReceiptResponse& resp);
  absl::Status Redeem(const rpc::CallContext& call, const v1::RedeemReceiptRequest& req, v1::RedeemReceiptResponse& resp);
  absl::Status ReceiptImage(const rpc::CallContext& call, const v1::GetReceiptImageRequest& req,
                            google::api::HttpBody& resp);

 private:
  // The order a token, number or photo points at, for the calling merchant.
  absl::StatusOr<v1::Order> FindForRedemption(const rpc::CallContext& call, const std::string& token,
                                              const std::string& number, const std::string& image,
                                              store::Connection& conn, bool for_update);
  // Why an order cannot be redeemed now, or "" if it can.
  std::string NotRedeemable(const v1::Order& order) const;

  store::MysqlPool& mysql_;
  CampaignStore& campaigns_;
  StockGate& gate_;
  const core::ReceiptSigner& signer_;
  PaymentProvider& payments_;
  const core::Clock& clock_;
  OrderOptions options_;
};

class OrderServiceImpl : public v1::OrderService::CallbackService {
 public:
  OrderServiceImpl(OrderLogic& logic, rpc::DispatcherDeps deps)
      : logic_(logic), dispatcher_("qrcloud.v1.OrderService", deps) {
    // orders.request_id is unique per account: MySQL answers a retry.
    dispatcher_.KeepsOwnIdempotency("CreateOrder");
  }

  grpc::ServerUnaryReactor* CreateOrder(grpc::CallbackServerContext*, const v1::CreateOrderRequest*,
                                        v1::CreateOrderResponse*) override;
  grpc::ServerUnaryReactor* GetOrder(grpc::CallbackServerContext*, const v1::GetOrderRequest*, v1::Order*) override;
  grpc::ServerUnaryReactor* ListMyOrders(grpc::CallbackServerContext*, const v1::ListMyOrdersRequest*,
                                         v1::ListOrdersResponse*) override;
  grpc::ServerUnaryReactor* ListMerchantOrders(grpc::CallbackServerContext*, const v1::ListMerchantOrdersRequest*,
                                               v1::ListOrdersResponse*) override;
  grpc::ServerUnaryReactor* CancelOrder(grpc::CallbackServerContext*, const v1::CancelOrderRequest*,
                                        v1::Order*) override;
  grpc::ServerUnaryReactor* VerifyReceipt(grpc::CallbackServerContext*, const v1::VerifyReceiptRequest*,
                                          v1::VerifyReceiptResponse*) override;
  grpc::ServerUnaryReactor* RedeemReceipt(grpc::CallbackServerContext*, const v1::RedeemReceiptRequest*,
                                          v1::RedeemReceiptResponse*) override;
  grpc::ServerUnaryReactor* GetReceiptImage(grpc::CallbackServerContext*, const v1::GetReceiptImageRequest*,
                                            google::api::HttpBody*) override;

 private:
  OrderLogic& logic_;
  rpc::Dispatcher dispatcher_;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_ORDER_SERVICE_H_
