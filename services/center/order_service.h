// OrderService: orders with their signed receipts, and redemption at the
// shop, exactly once (patent claim 7). The gRPC adapter of OrderLogic.
#ifndef QRCLOUD_SERVICES_CENTER_ORDER_SERVICE_H_
#define QRCLOUD_SERVICES_CENTER_ORDER_SERVICE_H_

#include "google/api/httpbody.pb.h"
#include "libs/rpc/dispatcher.h"
#include "qrcloud/v1/order.grpc.pb.h"
#include "services/center/order_logic.h"

namespace qrcloud::center {

class OrderServiceImpl : public v1::OrderService::CallbackService {
 public:
  OrderServiceImpl(OrderLogic& logic, rpc::DispatcherDeps deps)
      : logic_(logic), dispatcher_("qrcloud.v1.OrderService", deps) {
    // orders.request_id is unique per account: MySQL answers a retry.
    dispatcher_.KeepsOwnIdempotency("CreateOrder");
  }

  grpc::ServerUnaryReactor* CreateOrder(grpc::CallbackServerContext*, const v1::CreateOrderRequest*,
                                        v1::CreateOrderResponse*) override;
  grpc::ServerUnaryReactor* GetOrder(grpc::CallbackServerContext*, const v1::GetOrderRequest*,
                                     v1::Order*) override;
  grpc::ServerUnaryReactor* ListMyOrders(grpc::CallbackServerContext*,
                                         const v1::ListMyOrdersRequest*,
                                         v1::ListOrdersResponse*) override;
  grpc::ServerUnaryReactor* ListMerchantOrders(grpc::CallbackServerContext*,
                                               const v1::ListMerchantOrdersRequest*,
                                               v1::ListOrdersResponse*) override;
  grpc::ServerUnaryReactor* CancelOrder(grpc::CallbackServerContext*, const v1::CancelOrderRequest*,
                                        v1::Order*) override;
  grpc::ServerUnaryReactor* VerifyReceipt(grpc::CallbackServerContext*,
                                          const v1::VerifyReceiptRequest*,
                                          v1::VerifyReceiptResponse*) override;
  grpc::ServerUnaryReactor* RedeemReceipt(grpc::CallbackServerContext*,
                                          const v1::RedeemReceiptRequest*,
                                          v1::RedeemReceiptResponse*) override;
  grpc::ServerUnaryReactor* GetReceiptImage(grpc::CallbackServerContext*,
                                            const v1::GetReceiptImageRequest*,
                                            google::api::HttpBody*) override;

 private:
  OrderLogic& logic_;
  rpc::Dispatcher dispatcher_;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_ORDER_SERVICE_H_
