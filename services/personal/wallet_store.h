// Where the wallet keeps its items, reminders and what it knows of
// campaigns and orders, as the logic sees it: MySQL in the service
// (mysql_wallet_store.h), memory in the unit tests (testing/).
#ifndef QRCLOUD_SERVICES_PERSONAL_WALLET_STORE_H_
#define QRCLOUD_SERVICES_PERSONAL_WALLET_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/store/tx.h"
#include "qrcloud/v1/personal.pb.h"
#include "services/personal/wallet_rules.h"

namespace qrcloud::personal {

// A wallet item as kept: the item's own fields (id, kind, campaign_id,
// order_id, category, validity, validity_time, save_time), its owner, and
// when time alone may next change its validity.
struct WalletRow {
  v1::WalletItem item;
  std::string account_id;
  std::optional<absl::Time> next_check;
};

class WalletStore {
 public:
  virtual ~WalletStore() = default;

  // Adds `row` unless its owner already saved the same thing (`key`) or
  // sent `request_id` before: then returns that item, and adds nothing.
  virtual absl::StatusOr<WalletRow> Insert(store::Tx& tx, const WalletRow& row,
                                           absl::string_view key, absl::string_view request_id) = 0;
  // NOT_FOUND when there is no such item.
  virtual absl::StatusOr<WalletRow> Get(store::Tx& tx, absl::string_view id, bool for_update) = 0;
  virtual absl::Status Update(store::Tx& tx, const WalletRow& row) = 0;
  virtual absl::Status Remove(store::Tx& tx, absl::string_view id) = 0;
  // The owner's items, newest first, below `before_id` if given; of one
  // category if given.
  virtual absl::StatusOr<std::vector<WalletRow>> List(absl::string_view account_id,
                                                      absl::string_view category,
                                                      absl::string_view before_id, int limit) = 0;
  virtual absl::StatusOr<int64_t> Count(store::Tx& tx, absl::string_view account_id) = 0;
  // Items of every owner following a campaign (its offers) or an order.
  virtual absl::StatusOr<std::vector<WalletRow>> ForCampaign(store::Tx& tx,
                                                             absl::string_view campaign_id) = 0;
  virtual absl::StatusOr<std::vector<WalletRow>> ForOrder(store::Tx& tx,
                                                          absl::string_view order_id) = 0;
  // Ids of items whose next_check has come, soonest first.
  virtual absl::StatusOr<std::vector<std::string>> Due(absl::Time now, int limit) = 0;

  virtual absl::Status AddReminder(store::Tx& tx, absl::string_view account_id,
                                   const v1::Reminder& reminder) = 0;
  // The owner's reminders newest first, below `before_id` if given.
  virtual absl::StatusOr<std::vector<v1::Reminder>> Reminders(absl::string_view account_id,
                                                              absl::string_view before_id,
                                                              int limit) = 0;
  // The owner's reminders after `after_id` (all when empty), oldest first.
  virtual absl::StatusOr<std::vector<v1::Reminder>> RemindersAfter(absl::string_view account_id,
                                                                   absl::string_view after_id,
                                                                   int limit) = 0;

  virtual absl::StatusOr<std::optional<CampaignFacts>> GetCampaign(store::Tx& tx,
                                                                   absl::string_view id) = 0;
  virtual absl::Status PutCampaign(store::Tx& tx, const CampaignFacts& facts) = 0;
  virtual absl::StatusOr<std::optional<OrderFacts>> GetOrder(store::Tx& tx,
                                                             absl::string_view id) = 0;
  virtual absl::Status PutOrder(store::Tx& tx, const OrderFacts& facts) = 0;
};

// Where a campaign not yet known is asked for: the center.
class CampaignSource {
 public:
  virtual ~CampaignSource() = default;
  // The campaign as any visitor sees it; NOT_FOUND when it is not public.
  virtual absl::StatusOr<v1::Campaign> Fetch(absl::string_view id) = 0;
};

}  // namespace qrcloud::personal

#endif  // QRCLOUD_SERVICES_PERSONAL_WALLET_STORE_H_
