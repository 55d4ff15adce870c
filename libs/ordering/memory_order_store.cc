#include "libs/ordering/memory_order_store.h"

#include "absl/strings/str_cat.h"
#include "libs/core/proto_time.h"

namespace qrcloud::ordering {
namespace {

absl::Status Missing(absl::string_view id) {
  return absl::NotFoundError(absl::StrCat("order ", id, " not found"));
}

bool Matches(const v1::Order& o, const OrderFilter& f) {
  if (!f.account_id.empty() && o.account_id() != f.account_id) return false;
  if (!f.merchant_id.empty() && o.merchant_id() != f.merchant_id) return false;
  if (!f.offer_id.empty() && o.campaign_id() != f.offer_id) return false;
  if (f.state != v1::Order::STATE_UNSPECIFIED && o.state() != f.state) return false;
  if (f.source != v1::Order::SOURCE_UNSPECIFIED && o.source() != f.source) return false;
  const absl::Time created = core::FromProto(o.create_time());
  if (f.from && created < *f.from) return false;
  if (f.to && created >= *f.to) return false;
  return f.before_id.empty() || o.id() < f.before_id;
}

}  // namespace

MemoryOrderStore::MemoryOrderStore(store::MemoryDb& db) : db_(db) {
  db_.Register([this] {
    Tables saved = t_;
    return [this, saved = std::move(saved)] { t_ = saved; };
  });
}

absl::StatusOr<Placed> MemoryOrderStore::Place(store::Tx& tx, const v1::Order& order,
                                               const Offer& offer, absl::string_view request_id) {
  (void)tx;  // the MemoryDb's lock is held for the unit
  Placed placed = Placed::kCreated;
  absl::Status s = [&]() -> absl::Status {
    const auto request = std::make_pair(order.account_id(), std::string(request_id));
    const auto number = std::make_pair(order.merchant_id(), order.receipt().number());
    int64_t& held = t_.bought[{offer.id, order.account_id()}];
    if (t_.by_request.count(request)) {
      placed = Placed::kDuplicateRequest;
    } else if (t_.by_number.count(number)) {
      placed = Placed::kReceiptNumberTaken;
    } else if (offer.per_person_limit > 0 && held + order.quantity() > offer.per_person_limit) {
      placed = Placed::kLimitReached;
    } else if (offer.limited()) {
      auto left = t_.stock_left.try_emplace(offer.id, offer.stock).first;
      if (left->second < order.quantity()) placed = Placed::kSoldOut;
    }
    if (placed != Placed::kCreated) return absl::OkStatus();
    if (offer.limited()) t_.stock_left[offer.id] -= order.quantity();
    held += order.quantity();
    t_.orders[order.id()] = order;
    t_.by_request[request] = order.id();
    t_.by_number[number] = order.id();
    return absl::OkStatus();
  }();
  if (!s.ok()) return s;
  return placed;
}

absl::StatusOr<std::optional<v1::Order>> MemoryOrderStore::FindByRequest(
    absl::string_view account_id, absl::string_view request_id) {
  std::optional<v1::Order> found;
  absl::Status s = db_.Step([&](store::Tx&) {
    auto it = t_.by_request.find({std::string(account_id), std::string(request_id)});
    if (it != t_.by_request.end()) found = t_.orders.at(it->second);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return found;
}

absl::StatusOr<v1::Order> MemoryOrderStore::Get(absl::string_view id) {
  absl::StatusOr<v1::Order> out = Missing(id);
  (void)db_.Step([&](store::Tx& tx) {
    out = Get(tx, id, false);
    return absl::OkStatus();
  });
  return out;
}

absl::StatusOr<v1::Order> MemoryOrderStore::Get(store::Tx&, absl::string_view id, bool) {
  auto it = t_.orders.find(std::string(id));
  if (it == t_.orders.end()) return Missing(id);
  return it->second;
}

absl::StatusOr<v1::Order> MemoryOrderStore::GetByReceiptNumber(store::Tx&,
                                                               absl::string_view merchant_id,
                                                               absl::string_view number, bool) {
  auto it = t_.by_number.find({std::string(merchant_id), std::string(number)});
  if (it == t_.by_number.end()) return Missing(number);
  return t_.orders.at(it->second);
}

absl::StatusOr<std::vector<v1::Order>> MemoryOrderStore::List(const OrderFilter& filter) {
  std::vector<v1::Order> out;
  absl::Status s = db_.Step([&](store::Tx&) {
    for (auto it = t_.orders.rbegin(); it != t_.orders.rend(); ++it) {
      if (static_cast<int>(out.size()) >= filter.limit) break;
      if (Matches(it->second, filter)) out.push_back(it->second);
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<bool> MemoryOrderStore::MarkCancelled(store::Tx&, const v1::Order& order,
                                                     absl::Time now) {
  v1::Order& stored = t_.orders.at(order.id());
  stored.set_state(v1::Order::CANCELLED);
  core::ToProto(now, stored.mutable_cancel_time());
  int64_t& held = t_.bought[{order.campaign_id(), order.account_id()}];
  held = std::max<int64_t>(0, held - order.quantity());
  auto left = t_.stock_left.find(order.campaign_id());
  if (left == t_.stock_left.end()) return false;
  left->second += order.quantity();
  return true;
}

absl::Status MemoryOrderStore::InsertRedemption(store::Tx&, const v1::Redemption& redemption) {
  if (!t_.redemptions.emplace(redemption.order_id(), redemption).second) {
    return absl::AlreadyExistsError("this receipt was already redeemed");
  }
  return absl::OkStatus();
}

absl::Status MemoryOrderStore::MarkRedeemed(store::Tx&, absl::string_view order_id,
                                            absl::Time now) {
  auto it = t_.orders.find(std::string(order_id));
  if (it == t_.orders.end()) return Missing(order_id);
  it->second.set_state(v1::Order::REDEEMED);
  core::ToProto(now, it->second.mutable_redeem_time());
  return absl::OkStatus();
}

absl::StatusOr<std::optional<RefundRecord>> MemoryOrderStore::GetRefund(
    store::Tx&, absl::string_view order_id) {
  auto it = t_.refunds.find(std::string(order_id));
  if (it == t_.refunds.end()) return std::nullopt;
  return it->second;
}

absl::Status MemoryOrderStore::MarkRefunded(store::Tx&, const RefundRecord& refund) {
  auto it = t_.orders.find(refund.order_id);
  if (it == t_.orders.end()) return Missing(refund.order_id);
  if (!t_.by_refund_request
           .emplace(std::make_pair(refund.merchant_id, refund.request_id), refund.order_id)
           .second) {
    return absl::AlreadyExistsError("this request id refunded another order");
  }
  t_.refunds[refund.order_id] = refund;
  it->second.set_state(v1::Order::REFUNDED);
  core::ToProto(refund.time, it->second.mutable_refund_time());
  it->second.set_refund_reason(refund.reason);
  return absl::OkStatus();
}

int64_t MemoryOrderStore::StockLeft(const std::string& offer_id) {
  int64_t left = -1;
  (void)db_.Step([&](store::Tx&) {
    auto it = t_.stock_left.find(offer_id);
    left = it == t_.stock_left.end() ? -1 : it->second;
    return absl::OkStatus();
  });
  return left;
}

int MemoryOrderStore::RedemptionCount(const std::string& order_id) {
  int n = 0;
  (void)db_.Step([&](store::Tx&) {
    n = static_cast<int>(t_.redemptions.count(order_id));
    return absl::OkStatus();
  });
  return n;
}

}  // namespace qrcloud::ordering
