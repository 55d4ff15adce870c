// WalletStore in memory, for the unit tests: the same answers as the MySQL
// store, under a MemoryDb's lock (rolled back with the unit).
#ifndef QRCLOUD_SERVICES_PERSONAL_TESTING_MEMORY_WALLET_STORE_H_
#define QRCLOUD_SERVICES_PERSONAL_TESTING_MEMORY_WALLET_STORE_H_

#include <algorithm>
#include <map>
#include <utility>

#include "libs/store/memory_tx.h"
#include "services/personal/wallet_store.h"

namespace qrcloud::personal::testing {

class MemoryWalletStore final : public WalletStore {
 public:
  explicit MemoryWalletStore(store::MemoryDb& db) : db_(db) {
    db.Register([this] {
      Tables saved = t_;
      return [this, saved] { t_ = saved; };
    });
  }

  absl::StatusOr<WalletRow> Insert(store::Tx&, const WalletRow& row, absl::string_view key,
                                   absl::string_view request_id) override {
    const auto k = std::make_pair(row.account_id, std::string(key));
    if (auto it = t_.by_key.find(k); it != t_.by_key.end()) return t_.items.at(it->second);
    const auto r = std::make_pair(row.account_id, std::string(request_id));
    if (!request_id.empty()) {
      if (auto it = t_.by_request.find(r); it != t_.by_request.end()) {
        if (t_.items.count(it->second)) return t_.items.at(it->second);
      }
      t_.by_request[r] = row.item.id();
    }
    t_.items[row.item.id()] = row;
    t_.by_key[k] = row.item.id();
    t_.keys[row.item.id()] = k;
    return row;
  }
  absl::StatusOr<WalletRow> Get(store::Tx&, absl::string_view id, bool) override {
    auto it = t_.items.find(std::string(id));
    if (it == t_.items.end()) return absl::NotFoundError("no such item");
    return it->second;
  }
  absl::Status Update(store::Tx&, const WalletRow& row) override {
    t_.items[row.item.id()] = row;
    return absl::OkStatus();
  }
  absl::Status Remove(store::Tx&, absl::string_view id) override {
    t_.by_key.erase(t_.keys[std::string(id)]);
    t_.items.erase(std::string(id));
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<WalletRow>> List(absl::string_view account, absl::string_view category,
                                              absl::string_view before_id, int limit) override {
    std::vector<WalletRow> out;
    (void)db_.Step([&](store::Tx&) {
      for (auto it = t_.items.rbegin(); it != t_.items.rend(); ++it) {
        const WalletRow& row = it->second;
        if (row.account_id != account) continue;
        if (!category.empty() && row.item.category() != category) continue;
        if (!before_id.empty() && row.item.id() >= before_id) continue;
        if (static_cast<int>(out.size()) == limit) break;
        out.push_back(row);
      }
      return absl::OkStatus();
    });
    return out;
  }
  absl::StatusOr<int64_t> Count(store::Tx&, absl::string_view account) override {
    int64_t n = 0;
    for (const auto& [id, row] : t_.items) n += row.account_id == account;
    return n;
  }
  absl::StatusOr<std::vector<WalletRow>> ForCampaign(store::Tx&, absl::string_view c) override {
    std::vector<WalletRow> out;
    for (const auto& [id, row] : t_.items) {
      if (row.item.campaign_id() == c) out.push_back(row);
    }
    return out;
  }
  absl::StatusOr<std::vector<WalletRow>> ForOrder(store::Tx&, absl::string_view o) override {
    std::vector<WalletRow> out;
    for (const auto& [id, row] : t_.items) {
      if (row.item.order_id() == o) out.push_back(row);
    }
    return out;
  }
  absl::StatusOr<std::vector<std::string>> Due(absl::Time now, int limit) override {
    std::vector<std::pair<absl::Time, std::string>> due;
    (void)db_.Step([&](store::Tx&) {
      for (const auto& [id, row] : t_.items) {
        if (row.next_check && *row.next_check <= now) due.emplace_back(*row.next_check, id);
      }
      return absl::OkStatus();
    });
    std::sort(due.begin(), due.end());
    std::vector<std::string> out;
    for (const auto& d : due) {
      if (static_cast<int>(out.size()) == limit) break;
      out.push_back(d.second);
    }
    return out;
  }
  absl::Status AddReminder(store::Tx&, absl::string_view account, const v1::Reminder& r) override {
    t_.reminders[r.id()] = {std::string(account), r};
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<v1::Reminder>> Reminders(absl::string_view account,
                                                      absl::string_view before_id,
                                                      int limit) override {
    std::vector<v1::Reminder> out;
    (void)db_.Step([&](store::Tx&) {
      for (auto it = t_.reminders.rbegin(); it != t_.reminders.rend(); ++it) {
        if (it->second.first != account) continue;
        if (!before_id.empty() && it->first >= before_id) continue;
        if (static_cast<int>(out.size()) == limit) break;
        out.push_back(it->second.second);
      }
      return absl::OkStatus();
    });
    return out;
  }
  absl::StatusOr<std::vector<v1::Reminder>> RemindersAfter(absl::string_view account,
                                                           absl::string_view after_id,
                                                           int limit) override {
    std::vector<v1::Reminder> out;
    (void)db_.Step([&](store::Tx&) {
      for (const auto& [id, r] : t_.reminders) {
        if (r.first != account || (!after_id.empty() && id <= after_id)) continue;
        if (static_cast<int>(out.size()) == limit) break;
        out.push_back(r.second);
      }
      return absl::OkStatus();
    });
    return out;
  }
  absl::StatusOr<std::optional<CampaignFacts>> GetCampaign(store::Tx&,
                                                           absl::string_view id) override {
    auto it = t_.campaigns.find(std::string(id));
    if (it == t_.campaigns.end()) return std::nullopt;
    return it->second;
  }
  absl::Status PutCampaign(store::Tx&, const CampaignFacts& f) override {
    t_.campaigns[f.id] = f;
    return absl::OkStatus();
  }
  absl::StatusOr<std::optional<OrderFacts>> GetOrder(store::Tx&, absl::string_view id) override {
    auto it = t_.orders.find(std::string(id));
    if (it == t_.orders.end()) return std::nullopt;
    return it->second;
  }
  absl::Status PutOrder(store::Tx&, const OrderFacts& f) override {
    t_.orders[f.id] = f;
    return absl::OkStatus();
  }

 private:
  struct Tables {
    std::map<std::string, WalletRow> items;  // by id (ids sort by time)
    std::map<std::pair<std::string, std::string>, std::string> by_key, by_request;
    std::map<std::string, std::pair<std::string, std::string>> keys;
    std::map<std::string, std::pair<std::string, v1::Reminder>> reminders;
    std::map<std::string, CampaignFacts> campaigns;
    std::map<std::string, OrderFacts> orders;
  };
  store::MemoryDb& db_;
  Tables t_;
};

}  // namespace qrcloud::personal::testing

#endif  // QRCLOUD_SERVICES_PERSONAL_TESTING_MEMORY_WALLET_STORE_H_
