#include "services/landing/node_logic.h"

#include <google/protobuf/util/json_util.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "libs/core/ids.h"
#include "libs/core/proto_time.h"
#include "libs/core/receipt_token.h"
#include "libs/core/status.h"

namespace qrcloud::landing {

using v1::Order;

namespace {
constexpr size_t kFeedKept = 1000;
}  // namespace

void OrderFeed::Publish(std::string change, const Order& order) {
  v1::DeskOrderEvent e;
  e.set_change(std::move(change));
  *e.mutable_order() = order;
  e.mutable_order()->mutable_receipt()->clear_token();
  absl::MutexLock lock(&mu_);
  kept_.emplace_back(next_++, std::move(e));
  while (kept_.size() > kFeedKept) kept_.pop_front();
}

std::vector<v1::DeskOrderEvent> OrderFeed::Since(int64_t& cursor, int max) {
  std::vector<v1::DeskOrderEvent> out;
  absl::MutexLock lock(&mu_);
  for (const auto& [seq, e] : kept_) {
    if (seq <= cursor) continue;
    if (static_cast<int>(out.size()) >= max) break;
    out.push_back(e);
    cursor = seq;
  }
  return out;
}

int64_t OrderFeed::head() {
  absl::MutexLock lock(&mu_);
  return next_ - 1;
}

NodeLogic::NodeLogic(NodeStore& node, LandingOrderStore& orders, ordering::OrderBook& book,
                     const core::Clock& clock, NodeOptions options)
    : node_(node), orders_(orders), book_(book), clock_(clock), options_(std::move(options)) {}

absl::Status NodeLogic::Load() {
  QRCLOUD_ASSIGN_OR_RETURN(v1::LandingConfig config, node_.Config());
  absl::MutexLock lock(&mu_);
  config_ = std::move(config);
  return absl::OkStatus();
}

v1::LandingConfig NodeLogic::config() {
  absl::MutexLock lock(&mu_);
  return config_;
}

absl::Status NodeLogic::ApplyConfig(const v1::LandingConfig& config) {
  QRCLOUD_RETURN_IF_ERROR(node_.SaveConfig(config));
  absl::MutexLock lock(&mu_);
  config_ = config;
  return absl::OkStatus();
}

absl::Status NodeLogic::SetLandingEnabled(bool enabled) {
  v1::LandingConfig next = config();
  next.set_landing_enabled(enabled);
  return ApplyConfig(next);
}

absl::StatusOr<v1::Menu> NodeLogic::Menu() {
  QRCLOUD_ASSIGN_OR_RETURN(auto sold_out, node_.SoldOutHere());
  return GuestMenu(config(), sold_out);
}

absl::StatusOr<NodeLogic::TablePage> NodeLogic::OpenTable(const std::string& table,
                                                          const std::string& token) {
  const v1::LandingConfig c = config();
  TablePage page;
  QRCLOUD_ASSIGN_OR_RETURN(page.table, landing::OpenTable(c, table, token));
  QRCLOUD_ASSIGN_OR_RETURN(auto sold_out, node_.SoldOutHere());
  page.menu = GuestMenu(c, sold_out);
  return page;
}

absl::StatusOr<Order> NodeLogic::PlaceTableOrder(const v1::CreateTableOrderRequest& req) {
  QRCLOUD_RETURN_IF_ERROR(CheckTableId("table", req.table()));
  QRCLOUD_RETURN_IF_ERROR(CheckRequestId(req.request_id()));
  const v1::LandingConfig c = config();
  QRCLOUD_RETURN_IF_ERROR(landing::OpenTable(c, req.table(), req.token()).status());
  if (!c.landing_enabled()) {
    return absl::FailedPreconditionError(
        "this shop is not taking table orders through the node right now; order at the counter");
  }
  QRCLOUD_ASSIGN_OR_RETURN(auto sold_out, node_.SoldOutHere());
  QRCLOUD_ASSIGN_OR_RETURN(std::vector<v1::OrderItem> lines,
                           PriceLines(GuestMenu(c, sold_out), req.items()));
  auto same = [&](const Order& o) -> absl::StatusOr<Order> {
    if (!SameRequest(o, req.table(), lines)) {
      return core::InvalidField("requestId",
                                "was already used for another order; make a new one per order");
    }
    return o;
  };
  QRCLOUD_ASSIGN_OR_RETURN(auto retried, book_.Retried(kGuestAccount, req.request_id()));
  if (retried) return same(*retried);

  ordering::Offer offer;
  offer.id = options_.node_id;  // the node's table service: what receipts name
  offer.merchant_id = c.merchant_id();
  offer.price = core::Money::Zero(lines[0].unit_price().currency());
  ordering::PlaceRequest place;
  place.request_id = req.request_id();
  place.items = lines;
  place.table = req.table();
  place.landing_node_id = options_.node_id;
  QRCLOUD_ASSIGN_OR_RETURN(Order order, book_.Place(kGuestAccount, offer, place));
  QRCLOUD_ASSIGN_OR_RETURN(order, same(order));
  feed_.Publish("placed", order);
  return order;
}

absl::StatusOr<Order> NodeLogic::Apply(const std::string& order_id, DeskAction action,
                                       const std::string& reason_in) {
  if (order_id.empty() || order_id.size() > 64) {
    return core::InvalidField("orderId", "is required: the id of one of this node's orders");
  }
  QRCLOUD_ASSIGN_OR_RETURN(std::string reason, CheckReason(reason_in));
  QRCLOUD_ASSIGN_OR_RETURN(Order current, orders_.Get(order_id));
  if (current.source() != Order::LANDING && current.landing_status() == 0) {
    return absl::NotFoundError(absl::StrCat("order ", order_id, " not found"));
  }
  QRCLOUD_ASSIGN_OR_RETURN(bool change, MayApply(current.landing_status(), action));
  if (!change) return current;
  std::string origin;
  QRCLOUD_RETURN_IF_ERROR(node_.db().Read([&](store::SqliteConnection& conn) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(origin, node_.OriginOf(conn, order_id));
    return absl::OkStatus();
  }));
  if (action == DeskAction::kSettle && origin == "node") {
    // Settling redeems the order's receipt, once, through the order rules.
    ordering::Redeemer desk{
        "desk", current.merchant_id(),
        [m = current.merchant_id()](absl::string_view asked) { return asked == m; }};
    auto done = book_.Redeem(desk, {.number = current.receipt().number()});
    if (!done.ok()) {
      // A concurrent settle won: answer the order as it is now.
      if (done.status().code() == absl::StatusCode::kAlreadyExists) return orders_.Get(order_id);
      return done.status();
    }
    feed_.Publish("settled", done->order);
    return done->order;
  }
  Order out;
  QRCLOUD_RETURN_IF_ERROR(node_.db().Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(Order order, orders_.Get(tx, order_id, /*for_update=*/true));
    QRCLOUD_ASSIGN_OR_RETURN(bool again, MayApply(order.landing_status(), action));
    if (!again) {
      out = order;
      return absl::OkStatus();
    }
    const absl::Time now = core::ToMicros(clock_.Now());
    if (action == DeskAction::kReject && order.state() == Order::CONFIRMED) {
      QRCLOUD_RETURN_IF_ERROR(orders_.MarkCancelled(tx, order, now).status());
    }
    QRCLOUD_RETURN_IF_ERROR(node_.SetStatus(tx, order_id, TargetOf(action), reason, now));
    QRCLOUD_ASSIGN_OR_RETURN(out, orders_.Get(tx, order_id, /*for_update=*/false));
    return tx.AppendEvent(ordering::OrderEvent(StatusEventType(action), out)).status();
  }));
  // The change as the contract names it: "accepted", "rejected", "paid", "settled".
  feed_.Publish(absl::AsciiStrToLower(Order::LandingStatus_Name(out.landing_status())), out);
  return out;
}

absl::StatusOr<std::vector<Order>> NodeLogic::ListOrders(const v1::ListDeskOrdersRequest& req) {
  if (!req.table().empty()) QRCLOUD_RETURN_IF_ERROR(CheckTableId("table", req.table()));
  if (req.limit() < 0 || req.limit() > 500) return core::InvalidField("limit", "0 to 500");
  const int limit = req.limit() == 0 ? 50 : req.limit();
  QRCLOUD_ASSIGN_OR_RETURN(auto ids,
                           node_.LandingOrderIds(req.status(), req.table(), limit, false));
  std::vector<Order> out;
  for (const std::string& id : ids) {
    QRCLOUD_ASSIGN_OR_RETURN(Order o, orders_.Get(id));
    o.mutable_receipt()->clear_token();
    out.push_back(std::move(o));
  }
  return out;
}

absl::StatusOr<v1::ListDeskTablesResponse> NodeLogic::Tables() {
  v1::ListDeskTablesResponse out;
  const v1::LandingConfig c = config();
  for (const v1::LandingTable& t : c.tables()) {
    v1::DeskTable* d = out.add_tables();
    d->set_id(t.id());
    d->set_name(t.name());
    d->set_seats(t.seats());
    d->set_link(absl::StrCat("/t/", t.id(), "?k=", t.token()));
    QRCLOUD_ASSIGN_OR_RETURN(auto ids, node_.LandingOrderIds(Order::LANDING_STATUS_UNSPECIFIED,
                                                             t.id(), 200, /*open_only=*/true));
    for (auto it = ids.rbegin(); it != ids.rend(); ++it) {
      QRCLOUD_ASSIGN_OR_RETURN(Order o, orders_.Get(*it));
      o.mutable_receipt()->clear_token();
      *d->add_open_orders() = std::move(o);
    }
  }
  return out;
}

absl::StatusOr<v1::Menu> NodeLogic::SetSoldOut(const v1::SetSoldOutRequest& req) {
  bool known = false;
  const v1::LandingConfig c = config();
  for (const v1::MenuItem& m : c.menu()) known = known || m.id() == req.menu_item_id();
  if (!known) {
    return core::InvalidField("menuItemId", "is not on this shop's menu (GET /v1/menu lists it)");
  }
  QRCLOUD_RETURN_IF_ERROR(node_.SetSoldOut(req.menu_item_id(), req.sold_out()));
  return Menu();
}

absl::StatusOr<v1::Shift> NodeLogic::ShiftOf(const NodeStore::ShiftRow& row) {
  v1::Shift s;
  s.set_id(row.id);
  core::ToProto(row.opened, s.mutable_open_time());
  if (row.closed) core::ToProto(*row.closed, s.mutable_close_time());
  s.set_unsynced_at_close(row.unsynced_at_close);
  const absl::Time to = row.closed ? *row.closed : absl::InfiniteFuture();
  QRCLOUD_RETURN_IF_ERROR(node_.db().Read([&](store::SqliteConnection& conn) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(
        auto totals, node_.ShiftTotals(
                         conn, row.opened,
                         to == absl::InfiniteFuture() ? clock_.Now() + absl::Hours(24 * 365) : to));
    s.set_orders(totals.first);
    *s.mutable_total() = totals.second;
    return absl::OkStatus();
  }));
  return s;
}

absl::StatusOr<v1::Shift> NodeLogic::OpenShift() {
  std::optional<NodeStore::ShiftRow> row;
  QRCLOUD_RETURN_IF_ERROR(node_.db().Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(row, node_.OpenShift(store::SqliteConnectionOf(tx)));
    if (row) return absl::OkStatus();  // already open: the same shift
    row = NodeStore::ShiftRow{core::NewId(), core::ToMicros(clock_.Now())};
    return node_.InsertShift(tx, *row);
  }));
  return ShiftOf(*row);
}

absl::StatusOr<v1::Shift> NodeLogic::CloseShift(bool force) {
  QRCLOUD_ASSIGN_OR_RETURN(SyncCounts counts, node_.Counts());
  QRCLOUD_RETURN_IF_ERROR(CheckShiftClose(counts.pending, force));
  std::optional<NodeStore::ShiftRow> row;
  QRCLOUD_RETURN_IF_ERROR(node_.db().Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(row, node_.OpenShift(store::SqliteConnectionOf(tx)));
    if (!row) return absl::FailedPreconditionError("no shift is open; open one first");
    row->closed = core::ToMicros(clock_.Now());
    row->unsynced_at_close = counts.pending;
    return node_.CloseShift(tx, row->id, *row->closed, counts.pending);
  }));
  return ShiftOf(*row);
}

absl::StatusOr<v1::Shift> NodeLogic::CurrentShift() {
  std::optional<NodeStore::ShiftRow> row;
  QRCLOUD_RETURN_IF_ERROR(node_.db().Read([&](store::SqliteConnection& conn) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(row, node_.LastShift(conn));
    return absl::OkStatus();
  }));
  if (!row) return absl::NotFoundError("no shift yet; open one (OpenShift)");
  return ShiftOf(*row);
}

absl::StatusOr<v1::RedeemCloudReceiptResponse> NodeLogic::RedeemCloudReceipt(
    const std::string& token_in) {
  const std::string token(absl::StripAsciiWhitespace(token_in));
  if (token.empty() || token.size() > 512) {
    return core::InvalidField("token",
                              "is required: the receipt QR's text (at most 512 characters)");
  }
  const v1::LandingConfig c = config();
  // The key given by flag, else the one the center sent with the config
  // (kept with it, so it is there offline).
  const std::string& key = options_.platform_public_key.empty() ? c.platform_receipt_key()
                                                                : options_.platform_public_key;
  if (key.size() != 32) {
    return absl::FailedPreconditionError(
        "this node has no platform public key yet (it comes with the configuration from the "
        "center, or --platform_public_key_file): it cannot check cloud receipts");
  }
  QRCLOUD_ASSIGN_OR_RETURN(core::ReceiptClaims claims, core::VerifyReceipt(token, key));
  if (c.merchant_id().empty() || claims.merchant_id != c.merchant_id()) {
    return absl::NotFoundError("receipt not found");  // another shop's reads as missing
  }
  const absl::Time now = core::ToMicros(clock_.Now());
  if (now >= claims.expire_time) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot redeem: the receipt expired at ",
        absl::FormatTime("%Y-%m-%d %H:%M UTC", claims.expire_time, absl::UTCTimeZone())));
  }
  v1::RedeemCloudReceiptResponse out;
  out.set_order_id(claims.order_id);
  out.set_campaign_id(claims.campaign_id);
  core::ToProto(claims.expire_time, out.mutable_expire_time());
  core::ToProto(now, out.mutable_redeem_time());
  v1::NodeRedemption record;
  record.set_order_id(claims.order_id);
  record.set_receipt_token(token);
  core::ToProto(now, record.mutable_redeem_time());
  std::string data;
  (void)google::protobuf::util::MessageToJsonString(record, &data);
  QRCLOUD_RETURN_IF_ERROR(node_.db().Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_RETURN_IF_ERROR(
        node_.InsertCloudRedemption(tx, claims.order_id, claims.merchant_id, now));
    return tx.AppendEvent({kRedemptionStream, kRedemptionType, data}).status();
  }));
  return out;
}

absl::StatusOr<bool> NodeLogic::ImportPulled(const Order& pulled) {
  if (pulled.id().empty()) return absl::InvalidArgumentError("a pulled order has no id");
  Order order = pulled;
  order.set_landing_node_id(options_.node_id);
  const absl::Status s =
      node_.db().Run([&](store::Tx& tx) -> absl::Status { return orders_.Import(tx, order); });
  if (s.code() == absl::StatusCode::kAlreadyExists) return false;
  QRCLOUD_RETURN_IF_ERROR(s);
  QRCLOUD_ASSIGN_OR_RETURN(Order kept, orders_.Get(order.id()));
  feed_.Publish("pulled", kept);
  return true;
}

}  // namespace qrcloud::landing
