// The center's rules for landing nodes, as pure functions (no storage, no
// transport): what a landing configuration may hold and how an update is
// merged into the stored one, what a sync record must be to be stored, the
// state a landing order has at the center, and the Wi-Fi join code.
// landing_logic.h applies them; landing_rules_test.cc holds them.
#ifndef QRCLOUD_SERVICES_CENTER_LANDING_RULES_H_
#define QRCLOUD_SERVICES_CENTER_LANDING_RULES_H_

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "qrcloud/v1/landing_admin.pb.h"
#include "qrcloud/v1/order.pb.h"

namespace qrcloud::center {

// Bounds of a landing configuration.
inline constexpr int kMaxLandingTables = 200;
inline constexpr int kMaxLandingMenuItems = 500;
inline constexpr size_t kMaxTableNameChars = 32;
inline constexpr int kMaxTableSeats = 100;
inline constexpr size_t kMaxLandingItemNameChars = 64;
inline constexpr size_t kMaxLandingItemDescriptionChars = 200;
inline constexpr int64_t kMaxItemPriceMinor = 100'000'000;  // 1,000,000.00
// Sync.
inline constexpr int kMaxSyncRecords = 1000;
inline constexpr int32_t kMaxLineQuantity = 999;
inline constexpr int kMaxOrderLines = 100;
inline constexpr size_t kMaxRecordUuidBytes = 64;
// Node registration.
inline constexpr size_t kMaxNodeNameChars = 64;

// A table id: 1 to 16 of A-Z, a-z, 0-9 and '-'.
bool IsTableId(absl::string_view id);
absl::Status ValidateTableId(absl::string_view field, absl::string_view id);
// A menu item id: 1 to 32 of A-Z, a-z, 0-9, '-' and '_'.
bool IsMenuItemId(absl::string_view id);

// A name shown on a page or sticker: surrounding white space trimmed,
// 1..max characters, no control characters at all (not even tab or newline:
// names are one line).
absl::StatusOr<std::string> NormalizeName(absl::string_view field, absl::string_view value,
                                          size_t max_chars);

// The configuration an update asks for, validated and normalised (names
// trimmed, prices in minor units, Wi-Fi checked as codes check it). Tables
// keep the token they have in `current` (a request's tokens are ignored:
// tokens are minted at the center); a new table gets `mint_token()`.
// INVALID_ARGUMENT naming the first bad field (menu[3].price.minor,
// tables[0].id, wifi.password, ...) and saying what is accepted.
absl::StatusOr<v1::LandingConfig> MergeConfig(const v1::LandingConfig& current,
                                              const v1::UpdateLandingConfigRequest& req,
                                              const std::function<std::string()>& mint_token);

// ABORTED when `expected` (0: not given) is not the stored version.
absl::Status CheckExpectedVersion(int64_t expected, int64_t current);

// A sync record the center will never store: why, or "" when it may be
// stored. Checks the record's shape (uuid, sequence, one payload) and, for
// an order, its lines against `menu` (ids known, quantity 1..999, prices not
// negative, one currency, total equal to the lines), its id (as the node
// mints them, core::NewId) and table, and that it names no other merchant
// than `merchant_id`. A redemption needs an order id and a receipt token.
std::string RejectionOf(const v1::SyncRecord& record, const std::map<std::string, int>& menu,
                        absl::string_view merchant_id);

// The menu's item ids (for RejectionOf), each with its index.
std::map<std::string, int> MenuIndex(const v1::LandingConfig& config);

// The order as the center keeps it: source LANDING, the node and merchant
// set, and the order state its landing status means (SETTLED is REDEEMED,
// REJECTED is CANCELLED, any other CONFIRMED). No receipt.
v1::Order LandingOrderOf(const v1::Order& sent, absl::string_view merchant_id,
                         absl::string_view node_id);

// The highest sequence of `records` and `previous`: the node's high-water
// mark after a batch (records arrive in sequence order from the node's one
// flusher).
int64_t HighWaterMark(int64_t previous, const std::vector<v1::SyncRecord>& records);

// The Wi-Fi join code (WIFI:T:WPA;S:...;P:...;;, with \ ; , : " escaped), or
// "" when no network is set.
std::string WifiJoinCode(const v1::WifiNetwork& wifi);

// Orders a guest places through the center (center links): 1 to 30 lines,
// 1 to 50 of each item, at most 100 items in all, as the node takes them.
inline constexpr int kMaxTableOrderLines = 30;
inline constexpr int32_t kMaxTableOrderQuantity = 50;
inline constexpr int32_t kMaxTableOrderItems = 100;

// The table `table` of `config` if `token` is its current token: NOT_FOUND
// for a table the shop does not have, PERMISSION_DENIED for a missing,
// forged or rotated token.
absl::StatusOr<v1::LandingTable> TableFor(const v1::LandingConfig& config, absl::string_view table,
                                          absl::string_view token);

// The lines of a table order priced from the menu (a repeated item merged
// into one line): INVALID_ARGUMENT naming items / items[i].menuItemId /
// items[i].quantity; FAILED_PRECONDITION for an item sold out. The order
// has no id, time or node yet; its status is PLACED.
absl::StatusOr<v1::Order> PriceTableOrder(const v1::LandingConfig& config,
                                          const std::vector<v1::TableOrderLine>& lines);

// PERMISSION_DENIED unless the principal's node is `node_id` (a node key
// calls only as itself).
struct NodeCaller {
  bool is_node = false;
  std::string node_id;
};
absl::Status CheckNodeCaller(const NodeCaller& caller, absl::string_view node_id);

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_LANDING_RULES_H_
