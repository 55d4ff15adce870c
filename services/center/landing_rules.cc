#include "services/center/landing_rules.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "libs/core/ids.h"
#include "libs/core/status.h"
#include "libs/core/validate.h"
#include "libs/qr/wifi.h"
#include "services/center/wifi_network.h"

namespace qrcloud::center {
namespace {

bool IdOf(absl::string_view id, size_t max, bool underscore) {
  if (id.empty() || id.size() > max) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' &&
        !(underscore && c == '_'))
      return false;
  }
  return true;
}

bool HasControl(absl::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

absl::StatusOr<v1::MenuItem> MenuItemOf(const v1::MenuItem& in, const std::string& f) {
  v1::MenuItem item;
  if (!IsMenuItemId(in.id())) {
    return core::InvalidField(f + ".id", "is 1 to 32 of A-Z, a-z, 0-9, '-' and '_'");
  }
  item.set_id(in.id());
  QRCLOUD_ASSIGN_OR_RETURN(std::string name,
                           NormalizeName(f + ".name", in.name(), kMaxLandingItemNameChars));
  item.set_name(std::move(name));
  const std::string description(absl::StripAsciiWhitespace(in.description()));
  QRCLOUD_RETURN_IF_ERROR(
      core::ValidateText(f + ".description", description, 0, kMaxLandingItemDescriptionChars));
  item.set_description(description);
  const std::string currency = in.price().currency().empty() ? "CNY" : in.price().currency();
  if (currency != "CNY") return core::InvalidField(f + ".price.currency", "accepted: CNY");
  if (in.price().minor() < 0 || in.price().minor() > kMaxItemPriceMinor) {
    return core::InvalidField(
        f + ".price.minor",
        absl::StrCat("is a price in fen (minor units), 0 to ", kMaxItemPriceMinor));
  }
  item.mutable_price()->set_currency(currency);
  item.mutable_price()->set_minor(in.price().minor());
  if (!in.image_url().empty()) {
    QRCLOUD_RETURN_IF_ERROR(core::ValidateWebUrl(f + ".imageUrl", in.image_url()));
    item.set_image_url(in.image_url());
  }
  item.set_sold_out(in.sold_out());
  return item;
}

std::string OrderRejection(const v1::Order& o, const std::map<std::string, int>& menu,
                           absl::string_view merchant_id) {
  if (!core::IsValidId(o.id())) {
    return "order.id must be an id as the node mints them (26 characters, core::NewId)";
  }
  if (!o.merchant_id().empty() && o.merchant_id() != merchant_id) {
    return absl::StrCat("order ", o.id(), " names merchant ", o.merchant_id(),
                        ", not this node's merchant");
  }
  if (!IsTableId(o.table())) {
    return "order.table must be a table id: 1 to 16 of A-Z, a-z, 0-9 and '-'";
  }
  if (o.items_size() == 0 || o.items_size() > kMaxOrderLines) {
    return absl::StrCat("order.items must hold 1 to ", kMaxOrderLines, " lines");
  }
  if (!v1::Order::LandingStatus_IsValid(o.landing_status())) {
    return "order.landingStatus must be PLACED, ACCEPTED, REJECTED, PAID or SETTLED";
  }
  const std::string currency = o.total().currency().empty() ? "CNY" : o.total().currency();
  int64_t sum = 0;
  for (int i = 0; i < o.items_size(); ++i) {
    const v1::OrderItem& line = o.items(i);
    const std::string at = absl::StrCat("order.items[", i, "]");
    if (menu.find(line.menu_item_id()) == menu.end()) {
      return absl::StrCat(at, ": menu item \"", line.menu_item_id().substr(0, 40),
                          "\" is not on the merchant's menu");
    }
    if (line.quantity() < 1 || line.quantity() > kMaxLineQuantity) {
      return absl::StrCat(at, ".quantity must be 1 to ", kMaxLineQuantity, " (got ",
                          line.quantity(), ")");
    }
    const std::string line_currency =
        line.unit_price().currency().empty() ? "CNY" : line.unit_price().currency();
    if (line_currency != currency) {
      return absl::StrCat(at, ".unitPrice is in ", line_currency, ", the total in ", currency);
    }
    if (line.unit_price().minor() < 0 || line.unit_price().minor() > kMaxItemPriceMinor) {
      return absl::StrCat(at, ".unitPrice.minor must be 0 to ", kMaxItemPriceMinor);
    }
    sum += line.unit_price().minor() * line.quantity();
  }
  if (o.total().minor() != sum) {
    return absl::StrCat("order.total is ", o.total().minor(), " but its lines add up to ", sum);
  }
  return "";
}

}  // namespace

bool IsTableId(absl::string_view id) { return IdOf(id, 16, false); }

absl::Status ValidateTableId(absl::string_view field, absl::string_view id) {
  if (IsTableId(id)) return absl::OkStatus();
  return core::InvalidField(field, "a table id is 1 to 16 of A-Z, a-z, 0-9 and '-'");
}

bool IsMenuItemId(absl::string_view id) { return IdOf(id, 32, true); }

absl::StatusOr<std::string> NormalizeName(absl::string_view field, absl::string_view value,
                                          size_t max_chars) {
  const std::string name(absl::StripAsciiWhitespace(value));
  if (HasControl(name)) {
    return core::InvalidField(field,
                              "holds a control character: a name is one line of text, without "
                              "tabs, newlines or other control characters");
  }
  QRCLOUD_RETURN_IF_ERROR(core::ValidateText(field, name, 1, max_chars));
  return name;
}

absl::StatusOr<v1::LandingConfig> MergeConfig(const v1::LandingConfig& current,
                                              const v1::UpdateLandingConfigRequest& req,
                                              const std::function<std::string()>& mint_token) {
  v1::LandingConfig next = current;
  next.clear_menu();
  next.clear_tables();
  next.clear_wifi();
  if (req.menu_size() > kMaxLandingMenuItems) {
    return core::InvalidField("menu", absl::StrCat("at most ", kMaxLandingMenuItems, " items (got ",
                                                   req.menu_size(), ")"));
  }
  std::set<std::string> item_ids;
  for (int i = 0; i < req.menu_size(); ++i) {
    const std::string f = absl::StrCat("menu[", i, "]");
    QRCLOUD_ASSIGN_OR_RETURN(v1::MenuItem item, MenuItemOf(req.menu(i), f));
    if (!item_ids.insert(item.id()).second) {
      return core::InvalidField(
          f + ".id", absl::StrCat("\"", item.id(), "\" is used twice: item ids are unique"));
    }
    *next.add_menu() = std::move(item);
  }
  if (req.tables_size() > kMaxLandingTables) {
    return core::InvalidField("tables", absl::StrCat("at most ", kMaxLandingTables, " tables (got ",
                                                     req.tables_size(), ")"));
  }
  std::map<std::string, std::string> tokens;
  for (const v1::LandingTable& t : current.tables()) tokens[t.id()] = t.token();
  std::set<std::string> table_ids;
  for (int i = 0; i < req.tables_size(); ++i) {
    const std::string f = absl::StrCat("tables[", i, "]");
    const v1::LandingTable& in = req.tables(i);
    QRCLOUD_RETURN_IF_ERROR(ValidateTableId(f + ".id", in.id()));
    if (!table_ids.insert(in.id()).second) {
      return core::InvalidField(
          f + ".id", absl::StrCat("\"", in.id(), "\" is used twice: table ids are unique"));
    }
    v1::LandingTable& t = *next.add_tables();
    t.set_id(in.id());
    QRCLOUD_ASSIGN_OR_RETURN(std::string name,
                             NormalizeName(f + ".name", in.name(), kMaxTableNameChars));
    t.set_name(std::move(name));
    if (in.seats() < 0 || in.seats() > kMaxTableSeats) {
      return core::InvalidField(f + ".seats", absl::StrCat("is 0 (not said) to ", kMaxTableSeats));
    }
    t.set_seats(in.seats());
    auto known = tokens.find(in.id());
    t.set_token(known != tokens.end() ? known->second : mint_token());
  }
  if (req.has_wifi()) {
    v1::WifiNetwork wifi = req.wifi();
    if (HasControl(wifi.ssid()) || HasControl(wifi.password())) {
      return core::InvalidField("wifi", "the network name and password hold no control characters");
    }
    if (!core::IsValidUtf8(wifi.ssid())) {
      return core::InvalidField("wifi.ssid", "is not valid UTF-8 text");
    }
    if (wifi.security() == v1::WifiNetwork::SECURITY_UNSPECIFIED) {
      wifi.set_security(v1::WifiNetwork::WPA);
    }
    QRCLOUD_RETURN_IF_ERROR(ValidateWifi(wifi, "wifi"));
    *next.mutable_wifi() = std::move(wifi);
  }
  next.set_version(current.version() + 1);
  return next;
}

absl::Status CheckExpectedVersion(int64_t expected, int64_t current) {
  if (expected == 0 || expected == current) return absl::OkStatus();
  return absl::AbortedError(absl::StrCat("the landing configuration is at version ", current,
                                         ", not ", expected,
                                         ": someone changed it; read it again and re-apply"));
}

std::map<std::string, int> MenuIndex(const v1::LandingConfig& config) {
  std::map<std::string, int> out;
  for (int i = 0; i < config.menu_size(); ++i) out[config.menu(i).id()] = i;
  return out;
}

std::string RejectionOf(const v1::SyncRecord& record, const std::map<std::string, int>& menu,
                        absl::string_view merchant_id) {
  if (record.uuid().empty() || record.uuid().size() > kMaxRecordUuidBytes ||
      HasControl(record.uuid()) || !core::IsValidUtf8(record.uuid())) {
    return absl::StrCat("uuid must be 1 to ", kMaxRecordUuidBytes, " bytes of text");
  }
  if (record.sequence() <= 0) return "sequence must be 1 or more";
  switch (record.payload_case()) {
    case v1::SyncRecord::kOrder:
      return OrderRejection(record.order(), menu, merchant_id);
    case v1::SyncRecord::kRedemption:
      if (!core::IsValidId(record.redemption().order_id())) {
        return "redemption.orderId must be an order id";
      }
      if (record.redemption().receipt_token().empty() ||
          record.redemption().receipt_token().size() > 255) {
        return "redemption.receiptToken must be the receipt's token as scanned";
      }
      return "";
    default:
      return "the record holds neither an order nor a redemption";
  }
}

v1::Order LandingOrderOf(const v1::Order& sent, absl::string_view merchant_id,
                         absl::string_view node_id) {
  v1::Order o = sent;
  o.set_merchant_id(std::string(merchant_id));
  o.set_landing_node_id(std::string(node_id));
  o.set_source(v1::Order::LANDING);
  o.clear_receipt();
  o.clear_campaign_id();
  o.clear_account_id();
  o.clear_platform_code();
  o.clear_refund_time();
  o.clear_refund_reason();
  if (o.total().currency().empty()) o.mutable_total()->set_currency("CNY");
  for (auto& line : *o.mutable_items()) {
    if (line.unit_price().currency().empty()) line.mutable_unit_price()->set_currency("CNY");
  }
  int32_t quantity = 0;
  for (const auto& line : o.items()) quantity += line.quantity();
  o.set_quantity(quantity);
  // A placed order's first record may not name its desk status yet.
  if (o.landing_status() == v1::Order::LANDING_STATUS_UNSPECIFIED) {
    o.set_landing_status(v1::Order::PLACED);
  }
  switch (o.landing_status()) {
    case v1::Order::SETTLED:
      o.set_state(v1::Order::REDEEMED);
      break;
    case v1::Order::REJECTED:
      o.set_state(v1::Order::CANCELLED);
      break;
    default:
      o.set_state(v1::Order::CONFIRMED);
  }
  return o;
}

int64_t HighWaterMark(int64_t previous, const std::vector<v1::SyncRecord>& records) {
  int64_t mark = previous;
  for (const auto& r : records) mark = std::max(mark, r.sequence());
  return mark;
}

std::string WifiJoinCode(const v1::WifiNetwork& wifi) {
  if (wifi.ssid().empty()) return "";
  return qr::WifiPayload(wifi.ssid(), wifi.password(), SecurityName(wifi.security()),
                         wifi.hidden());
}

absl::StatusOr<v1::LandingTable> TableFor(const v1::LandingConfig& config, absl::string_view table,
                                          absl::string_view token) {
  for (const v1::LandingTable& t : config.tables()) {
    if (t.id() != table) continue;
    if (token.empty() || token != t.token()) {
      return absl::PermissionDeniedError(
          "this table code is not valid any more (the shop replaced it): ask the staff for the "
          "table's current code");
    }
    return t;
  }
  return absl::NotFoundError(absl::StrCat("table ", table, " not found"));
}

absl::StatusOr<v1::Order> PriceTableOrder(const v1::LandingConfig& config,
                                          const std::vector<v1::TableOrderLine>& lines) {
  if (lines.empty() || lines.size() > static_cast<size_t>(kMaxTableOrderLines)) {
    return core::InvalidField("items", absl::StrCat("an order holds 1 to ", kMaxTableOrderLines,
                                                    " lines (got ", lines.size(), ")"));
  }
  const std::map<std::string, int> menu = MenuIndex(config);
  v1::Order order;
  std::map<std::string, int> line_of;  // item id -> index in order.items
  int64_t count = 0, total = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string f = absl::StrCat("items[", i, "]");
    auto at = menu.find(lines[i].menu_item_id());
    if (at == menu.end()) {
      return core::InvalidField(f + ".menuItemId", "is not on the menu (GET the table page again)");
    }
    const int32_t q = lines[i].quantity();
    if (q < 1 || q > kMaxTableOrderQuantity) {
      return core::InvalidField(f + ".quantity",
                                absl::StrCat("is 1 to ", kMaxTableOrderQuantity, " (got ", q, ")"));
    }
    const v1::MenuItem& item = config.menu(at->second);
    if (item.sold_out()) {
      return absl::FailedPreconditionError(absl::StrCat(item.name(), " is sold out"));
    }
    auto [merged, fresh] = line_of.emplace(item.id(), order.items_size());
    v1::OrderItem& line = fresh ? *order.add_items() : *order.mutable_items(merged->second);
    if (fresh) {
      line.set_menu_item_id(item.id());
      line.set_name(item.name());
      *line.mutable_unit_price() = item.price();
    }
    if (line.quantity() + q > kMaxTableOrderQuantity) {
      return core::InvalidField(f + ".quantity", absl::StrCat("at most ", kMaxTableOrderQuantity,
                                                              " of one item in an order"));
    }
    line.set_quantity(line.quantity() + q);
    count += q;
    total += item.price().minor() * q;
  }
  if (count > kMaxTableOrderItems) {
    return core::InvalidField("items", absl::StrCat("at most ", kMaxTableOrderItems,
                                                    " items in one order (got ", count, ")"));
  }
  order.set_quantity(static_cast<int32_t>(count));
  order.mutable_total()->set_currency("CNY");
  order.mutable_total()->set_minor(total);
  order.set_source(v1::Order::LANDING);
  order.set_state(v1::Order::CONFIRMED);
  order.set_landing_status(v1::Order::PLACED);
  return order;
}

absl::Status CheckNodeCaller(const NodeCaller& caller, absl::string_view node_id) {
  if (!caller.is_node) {
    return absl::PermissionDeniedError(
        "this call is made by a landing node with its own API key (POST /v1/landing/nodes "
        "issues it)");
  }
  if (caller.node_id != node_id) {
    return absl::PermissionDeniedError(absl::StrCat("this API key belongs to node ", caller.node_id,
                                                    "; a node calls only as itself"));
  }
  return absl::OkStatus();
}

}  // namespace qrcloud::center
