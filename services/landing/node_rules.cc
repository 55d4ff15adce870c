#include "services/landing/node_rules.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "libs/auth/local_token.h"
#include "libs/core/status.h"
#include "libs/core/validate.h"
#include "libs/ordering/order_rules.h"

namespace qrcloud::landing {

using v1::Order;

absl::Status CheckTableId(absl::string_view field, absl::string_view table) {
  bool ok = !table.empty() && table.size() <= kMaxTableIdChars;
  for (char c : table) ok = ok && (absl::ascii_isalnum(c) || c == '-');
  if (!ok) return core::InvalidField(field, "a table id is 1 to 16 of A-Z a-z 0-9 -");
  return absl::OkStatus();
}

absl::StatusOr<v1::LandingTable> OpenTable(const v1::LandingConfig& config, absl::string_view table,
                                           absl::string_view token) {
  QRCLOUD_RETURN_IF_ERROR(CheckTableId("table", table));
  if (config.version() == 0) {
    return absl::FailedPreconditionError(
        "this node has no configuration from the center yet; ask the staff");
  }
  for (const v1::LandingTable& t : config.tables()) {
    if (t.id() != table) continue;
    if (token.empty()) {
      return absl::PermissionDeniedError(
          "this link has no table token (k=...): scan the code on the table");
    }
    if (!auth::ConstantTimeEquals(token, t.token())) {
      return absl::PermissionDeniedError(
          "this table link is not valid any more (its code was replaced): scan the code on the "
          "table");
    }
    return t;
  }
  return absl::NotFoundError(absl::StrCat("table ", table, " is not a table of this shop"));
}

v1::Menu GuestMenu(const v1::LandingConfig& config, const std::set<std::string>& sold_out_here) {
  v1::Menu menu;
  menu.set_merchant_name(config.merchant_name());
  menu.set_config_version(config.version());
  for (const v1::MenuItem& item : config.menu()) {
    v1::MenuItem* shown = menu.add_items();
    *shown = item;
    if (sold_out_here.count(item.id()) > 0) shown->set_sold_out(true);
  }
  return menu;
}

absl::StatusOr<std::vector<v1::OrderItem>> PriceLines(
    const v1::Menu& menu, const google::protobuf::RepeatedPtrField<v1::TableOrderItem>& asked) {
  if (asked.empty() || asked.size() > ordering::kMaxLines) {
    return core::InvalidField("items",
                              absl::StrCat("must hold 1 to ", ordering::kMaxLines, " lines"));
  }
  std::vector<v1::OrderItem> lines;
  std::map<std::string, size_t> index;
  for (int i = 0; i < asked.size(); ++i) {
    const v1::TableOrderItem& a = asked[i];
    const std::string field = absl::StrCat("items[", i, "]");
    if (a.quantity() < 1 || a.quantity() > ordering::kMaxLineQuantity) {
      return core::InvalidField(
          absl::StrCat(field, ".quantity"),
          absl::StrCat("must be 1 to ", ordering::kMaxLineQuantity, ", not ", a.quantity()));
    }
    const v1::MenuItem* item = nullptr;
    for (const v1::MenuItem& m : menu.items()) {
      if (m.id() == a.menu_item_id()) item = &m;
    }
    if (item == nullptr) {
      return core::InvalidField(absl::StrCat(field, ".menuItemId"),
                                "is not on this shop's menu (GET /v1/menu lists it)");
    }
    if (item->sold_out()) {
      return absl::FailedPreconditionError(
          absl::StrCat(item->name(), " is sold out; order something else"));
    }
    auto [at, fresh] = index.emplace(item->id(), lines.size());
    if (!fresh) {
      lines[at->second].set_quantity(lines[at->second].quantity() + a.quantity());
      continue;
    }
    v1::OrderItem& line = lines.emplace_back();
    line.set_menu_item_id(item->id());
    line.set_name(item->name());
    line.set_quantity(a.quantity());
    *line.mutable_unit_price() = item->price();
  }
  // Merged lines, the order's bound and the prices, as the order book checks them.
  QRCLOUD_RETURN_IF_ERROR(ordering::CheckLines(lines).status());
  return lines;
}

absl::Status CheckRequestId(absl::string_view request_id) {
  bool ok = !request_id.empty() && request_id.size() <= ordering::kMaxRequestIdBytes;
  for (char c : request_id) {
    ok = ok && (absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.' || c == ':');
  }
  if (!ok) {
    return core::InvalidField("requestId",
                              "is required: 1 to 128 of A-Z a-z 0-9 - _ . : (a UUID made once "
                              "per order and sent again on retry)");
  }
  return absl::OkStatus();
}

bool SameRequest(const v1::Order& existing, absl::string_view table,
                 const std::vector<v1::OrderItem>& lines) {
  if (existing.table() != table || existing.items_size() != static_cast<int>(lines.size())) {
    return false;
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    const v1::OrderItem& a = existing.items(static_cast<int>(i));
    if (a.menu_item_id() != lines[i].menu_item_id() || a.quantity() != lines[i].quantity()) {
      return false;
    }
  }
  return true;
}

absl::string_view ActionName(DeskAction action) {
  switch (action) {
    case DeskAction::kAccept:
      return "accept";
    case DeskAction::kReject:
      return "reject";
    case DeskAction::kPay:
      return "mark paid";
    case DeskAction::kSettle:
      return "settle";
  }
  return "?";
}

v1::Order::LandingStatus TargetOf(DeskAction action) {
  switch (action) {
    case DeskAction::kAccept:
      return Order::ACCEPTED;
    case DeskAction::kReject:
      return Order::REJECTED;
    case DeskAction::kPay:
      return Order::PAID;
    case DeskAction::kSettle:
      return Order::SETTLED;
  }
  return Order::LANDING_STATUS_UNSPECIFIED;
}

absl::StatusOr<bool> MayApply(v1::Order::LandingStatus from, DeskAction action) {
  const Order::LandingStatus to = TargetOf(action);
  if (from == to) return false;
  bool ok = false;
  absl::string_view needs;
  switch (action) {
    case DeskAction::kAccept:
      ok = from == Order::PLACED;
      needs = "a PLACED order";
      break;
    case DeskAction::kReject:
      ok = from == Order::PLACED || from == Order::ACCEPTED;
      needs = "a PLACED or ACCEPTED order (not yet paid)";
      break;
    case DeskAction::kPay:
      ok = from == Order::ACCEPTED;
      needs = "an ACCEPTED order (accept it first)";
      break;
    case DeskAction::kSettle:
      ok = from == Order::PAID;
      needs = "a PAID order (mark it paid first)";
      break;
  }
  if (ok) return true;
  return absl::FailedPreconditionError(absl::StrCat("cannot ", ActionName(action), " a ",
                                                    Order::LandingStatus_Name(from),
                                                    " order: only ", needs));
}

absl::StatusOr<std::string> CheckReason(absl::string_view reason) {
  std::string trimmed(absl::StripAsciiWhitespace(reason));
  if (trimmed.empty()) return trimmed;
  QRCLOUD_RETURN_IF_ERROR(core::ValidateText("reason", trimmed, 0, kMaxReasonChars));
  return trimmed;
}

absl::Status CheckShiftClose(int64_t unsynced, bool force) {
  if (unsynced <= 0 || force) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      unsynced, " record", unsynced == 1 ? " is" : "s are",
      " not yet synced to the center; wait for the sync (GET /v1/sync/status), or close with "
      "force (they still sync later)"));
}

absl::Duration Backoff(int failures, double random01) {
  constexpr double kBaseMs = 500;
  constexpr double kMaxMs = 60000;
  const int n = std::clamp(failures, 1, 30);
  const double full = std::min(kMaxMs, kBaseMs * std::pow(2.0, n - 1));
  const double r = std::clamp(random01, 0.0, 1.0);
  return absl::Milliseconds(full / 2 + full / 2 * r);
}

SyncVerdict JudgeSync(const std::vector<SentRecord>& sent, const v1::SyncOrdersResponse& answer) {
  std::map<int64_t, std::string> rejected;
  for (const v1::RejectedRecord& r : answer.rejected()) {
    rejected[r.sequence()] = r.reason().empty() ? "rejected by the center" : r.reason();
  }
  SyncVerdict v;
  for (const SentRecord& r : sent) {
    if (auto it = rejected.find(r.sequence); it != rejected.end()) {
      v.parked.emplace_back(r.sequence, it->second);
    } else if (r.sequence <= answer.high_water_mark()) {
      v.synced.push_back(r.sequence);
    } else {
      v.retry.push_back(r.sequence);
    }
  }
  return v;
}

std::string StatusEventType(DeskAction action) {
  switch (action) {
    case DeskAction::kAccept:
      return "landing.accepted";
    case DeskAction::kReject:
      return "landing.rejected";
    case DeskAction::kPay:
      return "landing.paid";
    case DeskAction::kSettle:
      return "order.redeemed";
  }
  return "landing.changed";
}

}  // namespace qrcloud::landing
