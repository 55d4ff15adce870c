#include "services/center/order_service.h"

namespace qrcloud::center {

// gRPC adapters -------------------------------------------------------------

using rpc::CallContext;

#define QRCLOUD_ORDER_METHOD(Method, Req, Resp, Call)                                   \
  grpc::ServerUnaryReactor* OrderServiceImpl::Method(grpc::CallbackServerContext* ctx,  \
                                                     const Req* req, Resp* resp) {      \
    return dispatcher_.Unary(ctx, #Method, req, resp, [=, this](const CallContext& c) { \
      return logic_.Call(c, *req, *resp);                                               \
    });                                                                                 \
  }

QRCLOUD_ORDER_METHOD(CreateOrder, v1::CreateOrderRequest, v1::CreateOrderResponse, Create)
QRCLOUD_ORDER_METHOD(GetOrder, v1::GetOrderRequest, v1::Order, Get)
QRCLOUD_ORDER_METHOD(ListMyOrders, v1::ListMyOrdersRequest, v1::ListOrdersResponse, ListMine)
QRCLOUD_ORDER_METHOD(ListMerchantOrders, v1::ListMerchantOrdersRequest, v1::ListOrdersResponse,
                     ListMerchant)
QRCLOUD_ORDER_METHOD(CancelOrder, v1::CancelOrderRequest, v1::Order, Cancel)
QRCLOUD_ORDER_METHOD(VerifyReceipt, v1::VerifyReceiptRequest, v1::VerifyReceiptResponse, Verify)
QRCLOUD_ORDER_METHOD(RedeemReceipt, v1::RedeemReceiptRequest, v1::RedeemReceiptResponse, Redeem)
QRCLOUD_ORDER_METHOD(GetReceiptImage, v1::GetReceiptImageRequest, google::api::HttpBody,
                     ReceiptImage)

#undef QRCLOUD_ORDER_METHOD

}  // namespace qrcloud::center
