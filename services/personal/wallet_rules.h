// The wallet's rules, apart from storage and transport: what an offer or a
// receipt is worth now (its validity), when that can next change without
// news, and how a change is told. Unit-tested in wallet_rules_test.cc.
#ifndef QRCLOUD_SERVICES_PERSONAL_WALLET_RULES_H_
#define QRCLOUD_SERVICES_PERSONAL_WALLET_RULES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "qrcloud/v1/campaign.pb.h"
#include "qrcloud/v1/order.pb.h"
#include "qrcloud/v1/personal.pb.h"

namespace qrcloud::personal {

using Validity = v1::WalletItem::Validity;

// What the wallet knows of a campaign: from the center's `campaigns` stream,
// or asked of the center when a campaign is first saved.
struct CampaignFacts {
  std::string id;
  std::string merchant_id;
  std::string title;
  v1::Campaign::State state = v1::Campaign::STATE_UNSPECIFIED;
  std::optional<absl::Time> end;
  int64_t stock = 0;  // 0: unlimited
  int64_t stock_left = 0;
  std::vector<std::string> tags;
  std::string page_url;
  absl::Time update_time = absl::InfinitePast();  // the campaign's, to keep the newest

  static CampaignFacts Of(const v1::Campaign& c);
};

// What the wallet knows of an order: from the `orders` stream.
struct OrderFacts {
  std::string id;
  std::string campaign_id;
  std::string account_id;
  v1::Order::State state = v1::Order::STATE_UNSPECIFIED;
  std::optional<absl::Time> expire;  // the receipt's

  static OrderFacts Of(const v1::Order& o);
};

// A validity and the next moment it can change by time alone.
struct Verdict {
  Validity validity = v1::WalletItem::VALID;
  std::optional<absl::Time> next_check;
};

// An offer: EXPIRED once ended (by the merchant or its end time), PAUSED
// while paused, SOLD_OUT with no stock left, EXPIRING within `window` of
// its end, else VALID.
Verdict OfferValidity(const CampaignFacts& campaign, absl::Time now, absl::Duration window);

// A receipt: REDEEMED, CANCELLED or EXPIRED as its order is (or once its
// receipt's expiry passes), EXPIRING within `window` of that, else VALID.
Verdict ReceiptValidity(const OrderFacts& order, absl::Time now, absl::Duration window);

// An order's state only moves forward (CONFIRMED, then one of REDEEMED,
// CANCELLED, EXPIRED): whether `next` may replace `known`, so that an event
// delivered late or twice never undoes a later one.
bool OrderMovesTo(v1::Order::State known, v1::Order::State next);

// How a change to `validity` is told: bilingual, naming the title, and the
// time when it is about time ("ends 2026-12-06 18:00", Beijing time).
std::string ReminderMessage(Validity validity, absl::string_view title,
                            std::optional<absl::Time> when);

// A wallet category: the person's own, or the campaign's first tag, or
// "other". Trimmed, lower-cased (ASCII), at most 32 characters.
// INVALID_ARGUMENT when the person's own is too long.
absl::StatusOr<std::string> Category(absl::string_view own, const std::vector<std::string>& tags);

}  // namespace qrcloud::personal

#endif  // QRCLOUD_SERVICES_PERSONAL_WALLET_RULES_H_
