// The center's side of orders and receipts: who may do what (tenancy and
// roles), the campaign's terms as an offer, listing, and the receipt's image
// and photo. The rules themselves are the order book's (libs/ordering), the
// same ones a landing node runs.
#ifndef QRCLOUD_SERVICES_CENTER_ORDER_LOGIC_H_
#define QRCLOUD_SERVICES_CENTER_ORDER_LOGIC_H_

#include <string>

#include "absl/status/statusor.h"
#include "google/api/httpbody.pb.h"
#include "libs/core/clock.h"
#include "libs/core/receipt_token.h"
#include "libs/core/slots.h"
#include "libs/ordering/order_book.h"
#include "libs/ordering/order_store.h"
#include "libs/rpc/dispatcher.h"
#include "qrcloud/v1/campaign.pb.h"
#include "qrcloud/v1/order.pb.h"

namespace qrcloud::center {

// What an order at the center is checked against, read in one query at
// MySQL: the campaign's terms, the buyer's earlier order with the same request
// id (any campaign; "" if none), and the merchant's cloud business switch.
struct OrderTerms {
  v1::Campaign campaign;  // id, merchant, state, mode, price, stock, limit, window, fence
  std::string existing_order_id;
  bool cloud_business_enabled = false;
};

class OrderTermsSource {
 public:
  virtual ~OrderTermsSource() = default;
  // NOT_FOUND naming the campaign when there is none.
  virtual absl::StatusOr<OrderTerms> GetOrderTerms(absl::string_view campaign_id,
                                                   absl::string_view account_id,
                                                   absl::string_view request_id) = 0;
};

// OK if the campaign takes orders now: published, in ORDER mode. A draft or
// one under audit is NOT_FOUND (it does not exist for buyers yet); a paused
// or ended one FAILED_PRECONDITION saying so.
absl::Status CheckTakesOrders(const v1::Campaign& campaign);

// The campaign's terms as the order book sees them.
absl::StatusOr<ordering::Offer> OfferOf(const v1::Campaign& campaign);

struct OrderOptions {
  std::string decoder_binary;  // qrcloud-qr-decode, for photos of receipts
  const core::Clock* clock = &core::Clock::Real();
  // Order watches at once: each holds a thread while it lasts (polling the
  // merchant's newest orders every `watch_poll`).
  int max_order_watches = 8;
  absl::Duration watch_poll = absl::Milliseconds(250);
};

class OrderLogic {
 public:
  OrderLogic(ordering::OrderBook& book, ordering::OrderStore& orders, OrderTermsSource& terms,
             const core::ReceiptSigner& signer, OrderOptions options)
      : book_(book),
        orders_(orders),
        terms_(terms),
        signer_(signer),
        options_(std::move(options)) {}

  absl::Status Create(const rpc::CallContext& call, const v1::CreateOrderRequest& req,
                      v1::CreateOrderResponse& resp);
  absl::Status Get(const rpc::CallContext& call, const v1::GetOrderRequest& req, v1::Order& resp);
  absl::Status ListMine(const rpc::CallContext& call, const v1::ListMyOrdersRequest& req,
                        v1::ListOrdersResponse& resp);
  absl::Status ListMerchant(const rpc::CallContext& call, const v1::ListMerchantOrdersRequest& req,
                            v1::ListOrdersResponse& resp);
  // Sends the merchant's orders as they are placed until the client leaves.
  absl::Status WatchMerchant(const rpc::CallContext& call,
                             const v1::WatchMerchantOrdersRequest& req,
                             rpc::StreamWriter<v1::Order>& out);
  absl::Status Cancel(const rpc::CallContext& call, const v1::CancelOrderRequest& req,
                      v1::Order& resp);
  absl::Status Verify(const rpc::CallContext& call, const v1::VerifyReceiptRequest& req,
                      v1::VerifyReceiptResponse& resp);
  absl::Status Redeem(const rpc::CallContext& call, const v1::RedeemReceiptRequest& req,
                      v1::RedeemReceiptResponse& resp);
  absl::Status ReceiptImage(const rpc::CallContext& call, const v1::GetReceiptImageRequest& req,
                            google::api::HttpBody& resp);
  // The order's merchant refunds it (ordering::OrderBook::Refund). Only a
  // merchant's accounts (owner, staff) refund: anyone else is
  // PERMISSION_DENIED, another merchant NOT_FOUND.
  absl::Status Refund(const rpc::CallContext& call, const v1::RefundOrderRequest& req,
                      v1::Order& resp);

 private:
  // The order of an earlier request with the same id.
  static absl::Status RequireBuyer(const auth::Principal& p);
  absl::Status Retried(const rpc::CallContext& call, const v1::CreateOrderRequest& req,
                       v1::CreateOrderResponse& resp);
  // A token, a number or a photo of the receipt, as the order book takes it.
  absl::StatusOr<ordering::ReceiptRef> ReceiptOf(const std::string& token,
                                                 const std::string& number,
                                                 const std::string& image);
  absl::StatusOr<ordering::Redeemer> RedeemerOf(const rpc::CallContext& call);
  absl::Status List(ordering::OrderFilter filter, const v1::PageRequest& page,
                    v1::ListOrdersResponse& resp);

  ordering::OrderBook& book_;
  ordering::OrderStore& orders_;
  OrderTermsSource& terms_;
  const core::ReceiptSigner& signer_;
  const OrderOptions options_;
  core::Slots watch_slots_{options_.max_order_watches};
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_ORDER_LOGIC_H_
