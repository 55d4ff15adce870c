// The wallet (patent claim 6, the storage front module): offers and receipts
// a person saved, each with a live validity that follows the campaign and
// the order, and reminders when it changes — from the center's events, and
// from time (an item's next_check, kept with it, so a restart loses none).
#ifndef QRCLOUD_SERVICES_PERSONAL_WALLET_LOGIC_H_
#define QRCLOUD_SERVICES_PERSONAL_WALLET_LOGIC_H_

#include "libs/core/clock.h"
#include "libs/core/slots.h"
#include "libs/rpc/dispatcher.h"
#include "libs/store/tx.h"
#include "qrcloud/v1/personal.pb.h"
#include "services/personal/wallet_rules.h"
#include "services/personal/wallet_store.h"

namespace qrcloud::personal {

struct WalletOptions {
  // An item is EXPIRING this long before its end.
  absl::Duration expiring_window = absl::Hours(24);
  int max_items = 1000;  // per person
  // Reminder watches at once (each holds a thread while it lasts), and how
  // often each looks for news.
  int max_watches = 16;
  absl::Duration watch_poll = absl::Milliseconds(250);
};

class WalletLogic {
 public:
  WalletLogic(store::TxRunner& runner, WalletStore& store, CampaignSource& center,
              const core::Clock& clock, WalletOptions options = {})
      : runner_(runner),
        store_(store),
        center_(center),
        clock_(clock),
        options_(options),
        watch_slots_(options.max_watches) {}

  absl::Status Save(const rpc::CallContext& call, const v1::SaveToWalletRequest& req,
                    v1::WalletItem& resp);
  absl::Status List(const rpc::CallContext& call, const v1::ListWalletRequest& req,
                    v1::ListWalletResponse& resp);
  absl::Status Remove(const rpc::CallContext& call, const v1::RemoveFromWalletRequest& req,
                      v1::RemoveFromWalletResponse& resp);
  absl::Status ListReminders(const rpc::CallContext& call, const v1::ListRemindersRequest& req,
                             v1::ListRemindersResponse& resp);
  absl::Status WatchReminders(const rpc::CallContext& call, const v1::WatchRemindersRequest& req,
                              rpc::StreamWriter<v1::Reminder>& out);

  // News from the center's streams. Each may come late or twice: applying
  // it again changes nothing.
  absl::Status OnCampaign(const v1::Campaign& campaign);
  absl::Status OnOrder(const v1::Order& order);

  // Items whose validity time alone has changed: reassessed, with their
  // reminders. Returns how many were looked at.
  absl::StatusOr<int> CheckDue(int limit = 500);

 private:
  // Reassesses `row` against what is known now; a changed validity is kept
  // and told in a reminder.
  absl::Status Reassess(store::Tx& tx, WalletRow& row, absl::Time now);
  absl::StatusOr<CampaignFacts> KnownCampaign(absl::string_view id);
  v1::WalletItem Shown(const WalletRow& row, const std::optional<CampaignFacts>& campaign,
                       const std::optional<OrderFacts>& order);

  store::TxRunner& runner_;
  WalletStore& store_;
  CampaignSource& center_;
  const core::Clock& clock_;
  const WalletOptions options_;
  core::Slots watch_slots_;
};

// Only people keep wallets and profiles: PERMISSION_DENIED for any other
// kind of account.
absl::Status RequirePerson(const rpc::CallContext& call);

}  // namespace qrcloud::personal

#endif  // QRCLOUD_SERVICES_PERSONAL_WALLET_LOGIC_H_
