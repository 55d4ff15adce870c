// An order as a row of the `orders` table, the same on every SQL store (the
// center's MySQL, a landing node's SQLite): its columns and how a row reads
// back as a v1::Order.
#ifndef QRCLOUD_LIBS_ORDERING_ORDER_ROW_H_
#define QRCLOUD_LIBS_ORDERING_ORDER_ROW_H_

#include "libs/store/mysql.h"
#include "qrcloud/v1/order.pb.h"

namespace qrcloud::ordering {

// The columns OrderFromRow reads, in the order the stores write them.
inline constexpr char kOrderColumns[] =
    "id, campaign_id, merchant_id, account_id, quantity, currency, total_minor, state, "
    "receipt_number, receipt_token, expire_at, source, platform_code, created_at, redeemed_at, "
    "cancelled_at, refunded_at, refund_reason";

v1::Order OrderFromRow(const store::Row& row);

// A redemption's row, the same on every SQL store: the statement and its
// values. The unique key on order_id is the last word: a second redemption
// of the same receipt fails on it.
inline constexpr char kInsertRedemption[] =
    "INSERT INTO redemptions (id, order_id, merchant_id, redeemed_by, currency, amount_minor, "
    "payment_provider, redeemed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
store::Params RedemptionValues(const v1::Redemption& r);
// What a store answers when kInsertRedemption meets the unique key.
absl::Status RedemptionInserted(const absl::Status& inserted);

}  // namespace qrcloud::ordering

#endif  // QRCLOUD_LIBS_ORDERING_ORDER_ROW_H_
