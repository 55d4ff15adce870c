// OrderService: the gRPC adapter of OrderLogic.
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
    // orders.request_id is unique per account: the order store answers a retry.
    dispatcher_.KeepsOwnIdempotency("CreateOrder");
    // orders.refund_request_id is unique per merchant: the order book
    // answers a retry with the order it refunded.
    dispatcher_.KeepsOwnIdempotency("RefundOrder");
  }

  grpc::ServerUnaryReactor* CreateOrder(grpc::CallbackServerContext* ctx,
                                        const v1::CreateOrderRequest* req,
                                        v1::CreateOrderResponse* resp) override {
    return dispatcher_.Unary(ctx, "CreateOrder", req, resp, logic_, &OrderLogic::Create);
  }
  grpc::ServerUnaryReactor* GetOrder(grpc::CallbackServerContext* ctx,
                                     const v1::GetOrderRequest* req, v1::Order* resp) override {
    return dispatcher_.Unary(ctx, "GetOrder", req, resp, logic_, &OrderLogic::Get);
  }
  grpc::ServerUnaryReactor* ListMyOrders(grpc::CallbackServerContext* ctx,
                                         const v1::ListMyOrdersRequest* req,
                                         v1::ListOrdersResponse* resp) override {
    return dispatcher_.Unary(ctx, "ListMyOrders", req, resp, logic_, &OrderLogic::ListMine);
  }
  grpc::ServerUnaryReactor* ListMerchantOrders(grpc::CallbackServerContext* ctx,
                                               const v1::ListMerchantOrdersRequest* req,
                                               v1::ListOrdersResponse* resp) override {
    return dispatcher_.Unary(ctx, "ListMerchantOrders", req, resp, logic_,
                             &OrderLogic::ListMerchant);
  }
  grpc::ServerWriteReactor<v1::Order>* WatchMerchantOrders(
      grpc::CallbackServerContext* ctx, const v1::WatchMerchantOrdersRequest* req) override {
    return dispatcher_.ServerStream(ctx, "WatchMerchantOrders", req, logic_,
                                    &OrderLogic::WatchMerchant);
  }
  grpc::ServerUnaryReactor* CancelOrder(grpc::CallbackServerContext* ctx,
                                        const v1::CancelOrderRequest* req,
                                        v1::Order* resp) override {
    return dispatcher_.Unary(ctx, "CancelOrder", req, resp, logic_, &OrderLogic::Cancel);
  }
  grpc::ServerUnaryReactor* RefundOrder(grpc::CallbackServerContext* ctx,
                                        const v1::RefundOrderRequest* req,
                                        v1::Order* resp) override {
    return dispatcher_.Unary(ctx, "RefundOrder", req, resp, logic_, &OrderLogic::Refund);
  }
  grpc::ServerUnaryReactor* VerifyReceipt(grpc::CallbackServerContext* ctx,
                                          const v1::VerifyReceiptRequest* req,
                                          v1::VerifyReceiptResponse* resp) override {
    return dispatcher_.Unary(ctx, "VerifyReceipt", req, resp, logic_, &OrderLogic::Verify);
  }
  grpc::ServerUnaryReactor* RedeemReceipt(grpc::CallbackServerContext* ctx,
                                          const v1::RedeemReceiptRequest* req,
                                          v1::RedeemReceiptResponse* resp) override {
    return dispatcher_.Unary(ctx, "RedeemReceipt", req, resp, logic_, &OrderLogic::Redeem);
  }
  grpc::ServerUnaryReactor* GetReceiptImage(grpc::CallbackServerContext* ctx,
                                            const v1::GetReceiptImageRequest* req,
                                            google::api::HttpBody* resp) override {
    return dispatcher_.Unary(ctx, "GetReceiptImage", req, resp, logic_, &OrderLogic::ReceiptImage);
  }

 private:
  OrderLogic& logic_;
  rpc::Dispatcher dispatcher_;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_ORDER_SERVICE_H_
