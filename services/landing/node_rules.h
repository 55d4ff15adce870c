// The landing node's rules, apart from its storage and its transports: which
// table a link opens, what a table order may hold and what it costs, how an
// order moves through the desk, when a shift may close, how the flusher
// waits and what a sync answer means for each record. Pure functions;
// node_rules_test.cc holds them to it without a database.
#ifndef QRCLOUD_SERVICES_LANDING_NODE_RULES_H_
#define QRCLOUD_SERVICES_LANDING_NODE_RULES_H_

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "qrcloud/v1/landing.pb.h"
#include "qrcloud/v1/landing_admin.pb.h"
#include "qrcloud/v1/order.pb.h"

namespace qrcloud::landing {

// A table id: [A-Za-z0-9-], 1 to 16 characters (as the center keeps them).
inline constexpr size_t kMaxTableIdChars = 16;
// The LAN front's largest request body: an order of 30 lines fits in 4 KiB.
inline constexpr size_t kMaxBodyBytes = 16 * 1024;
// Records per SyncOrders call.
inline constexpr int kSyncBatch = 500;
// A rejection's reason, in characters.
inline constexpr size_t kMaxReasonChars = 200;

// INVALID_ARGUMENT naming `field` unless `table` is a well-formed table id.
absl::Status CheckTableId(absl::string_view field, absl::string_view table);

// The table a link opens: NOT_FOUND for a table the shop does not have,
// PERMISSION_DENIED for a missing, forged or rotated token (compared in
// constant time; the message never echoes it). FAILED_PRECONDITION before
// the node has its configuration.
absl::StatusOr<v1::LandingTable> OpenTable(const v1::LandingConfig& config, absl::string_view table,
                                           absl::string_view token);

// The menu guests see: the center's, with what the desk set sold out here.
v1::Menu GuestMenu(const v1::LandingConfig& config, const std::set<std::string>& sold_out_here);

// The lines of a table order, priced from the menu: lines of one item are
// merged; an item not on the menu is INVALID_ARGUMENT naming
// items[i].menuItemId, a sold-out one FAILED_PRECONDITION naming it; then
// ordering::CheckLines' bounds (1 to 30 lines, 1 to 50 each, 100 in all).
absl::StatusOr<std::vector<v1::OrderItem>> PriceLines(
    const v1::Menu& menu, const google::protobuf::RepeatedPtrField<v1::TableOrderItem>& asked);

// A request id: 1 to 128 bytes of [A-Za-z0-9._:-] (a UUID, say).
absl::Status CheckRequestId(absl::string_view request_id);

// Whether a retried request asks for what `existing` holds: the same table
// and the same lines (item and quantity).
bool SameRequest(const v1::Order& existing, absl::string_view table,
                 const std::vector<v1::OrderItem>& lines);

// What the desk does to an order.
enum class DeskAction { kAccept, kReject, kPay, kSettle };
absl::string_view ActionName(DeskAction action);
// The status `action` leads to.
v1::Order::LandingStatus TargetOf(DeskAction action);

// Whether `action` applies to an order at `from`:
//   PLACED -> ACCEPTED | REJECTED; ACCEPTED -> PAID | REJECTED; PAID -> SETTLED.
// OK(true) to change it, OK(false) when it is already there (a retry: answer
// the order as it is), FAILED_PRECONDITION saying what it is and what the
// action needs otherwise.
absl::StatusOr<bool> MayApply(v1::Order::LandingStatus from, DeskAction action);

// A rejection's reason: trimmed, 0 to 200 characters of text.
absl::StatusOr<std::string> CheckReason(absl::string_view reason);

// A shift closes while records wait for the center only when forced:
// FAILED_PRECONDITION saying how many and what to do otherwise.
absl::Status CheckShiftClose(int64_t unsynced, bool force);

// How long the flusher waits after `failures` failed attempts in a row
// (1, 2, ...): exponential from 500 ms, at most 60 s, with "equal jitter"
// (half fixed, half random by `random01` in [0, 1)), so nodes that lost the
// center together do not come back together.
absl::Duration Backoff(int failures, double random01);

// One record as sent.
struct SentRecord {
  int64_t sequence = 0;
  std::string uuid;
};

// What a SyncOrders answer means for a batch: records at or below the high
// water mark are done (synced), unless rejected (parked with the reason);
// records above it are sent again later.
struct SyncVerdict {
  std::vector<int64_t> synced;
  std::vector<std::pair<int64_t, std::string>> parked;
  std::vector<int64_t> retry;
};
SyncVerdict JudgeSync(const std::vector<SentRecord>& sent, const v1::SyncOrdersResponse& answer);

// The event types of the node's outbox (stream "orders": the order as JSON;
// stream "landing": a cloud receipt redeemed here).
inline constexpr char kRedemptionStream[] = "landing";
inline constexpr char kRedemptionType[] = "landing.redemption";
// "landing.accepted", "landing.rejected", "landing.paid".
std::string StatusEventType(DeskAction action);

}  // namespace qrcloud::landing

#endif  // QRCLOUD_SERVICES_LANDING_NODE_RULES_H_
