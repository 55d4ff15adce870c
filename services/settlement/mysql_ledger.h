// The ledger over MySQL (migrations/0001_settlement.sql): libs/ledger's rules
// decide, this keeps what they decide. A chain of transfers runs in the
// caller's unit of work, each transfer with its accounts locked (FOR UPDATE,
// in id order, so two chains never wait on each other in a circle) and the
// transfer's id unique, so a replay finds it (kExists) and two workers racing
// on one event cannot both post it: the loser's unit fails on the key and,
// retried, finds the winner's transfer.
//
// Accounts are made on first use from their names (settlement_rules.h
// AccountNamed gives their party and flags). The service's other tables
// (merchant plans, payouts) are here too: they are few and change with the
// ledger.
#ifndef QRCLOUD_SERVICES_SETTLEMENT_MYSQL_LEDGER_H_
#define QRCLOUD_SERVICES_SETTLEMENT_MYSQL_LEDGER_H_

#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/ledger/check.h"
#include "libs/ledger/ledger_rules.h"
#include "libs/store/mysql.h"
#include "libs/store/tx.h"
#include "qrcloud/v1/settlement.pb.h"
#include "services/settlement/settlement_rules.h"

namespace qrcloud::settlement {

struct PayoutRow {
  std::string id;
  std::string request_id;
  std::string party;
  std::string statement_id;
  int64_t amount = 0;
  std::string currency;
  std::string reference;
  absl::Time create_time;
};

class MysqlLedger {
 public:
  explicit MysqlLedger(store::MysqlPool& mysql) : mysql_(mysql) {}

  // In `tx`: the transfers of `chain` in order (a single transfer, or a
  // linked chain: every one but the last has flags.linked), each one's
  // result. Unless every result is kOk or kExists, the caller must roll the
  // unit back (a chain is all or nothing); the results after the first
  // refusal are kLinkedEventFailed.
  absl::StatusOr<std::vector<ledger::CreateResult>> Create(
      store::Tx& tx, const std::vector<ledger::Transfer>& chain, absl::Time now);
  // Many chains in one unit (a batch of events): each chain all or nothing
  // on its own, the results in the same order. The rules run in memory over
  // the accounts and transfers the batch names, read and locked with a few
  // statements; what changed is written back with a few more. So a batch
  // costs about the same number of round trips whatever its size.
  absl::StatusOr<std::vector<std::vector<ledger::CreateResult>>> CreateChains(
      store::Tx& tx, const std::vector<std::vector<ledger::Transfer>>& chains, absl::Time now);

  // The transfer stored under `id`.
  absl::StatusOr<std::optional<ledger::Transfer>> FindTransfer(store::Tx& tx, absl::string_view id);
  // Those of `ids` that are stored (any order), locked when `lock`.
  absl::StatusOr<std::vector<ledger::Transfer>> FindTransfers(store::Tx& tx,
                                                              const std::vector<std::string>& ids,
                                                              bool lock = false);

  absl::StatusOr<std::optional<ledger::Account>> FindAccount(absl::string_view id);
  // The entries of `accounts` posted in [from, to): oldest first, or the
  // newest first when `newest_first`; at most `limit`.
  absl::StatusOr<std::vector<v1::LedgerEntry>> Entries(const std::vector<std::string>& accounts,
                                                       absl::Time from, absl::Time to,
                                                       int64_t limit, bool newest_first);
  // The sum of the entries of `accounts` posted before `before`.
  absl::StatusOr<int64_t> SumBefore(const std::vector<std::string>& accounts, absl::Time before);
  // The accounts a party has (of every currency).
  absl::StatusOr<std::vector<ledger::Account>> AccountsOfParty(absl::string_view kind,
                                                               absl::string_view party_id);
  // The months (China Standard Time, "YYYY-MM") in which `accounts` have
  // entries, the newest first.
  absl::StatusOr<std::vector<std::string>> Months(const std::vector<std::string>& accounts);
  // Every account and transfer into `checker`; how many of each.
  absl::Status CheckAll(ledger::Checker& checker, int64_t& accounts, int64_t& transfers);

  // The plans of these merchants: for each, its (from, plan) rows, oldest
  // first. A merchant never set has none.
  absl::StatusOr<std::map<std::string, std::vector<std::pair<absl::Time, std::string>>>> Plans(
      const std::vector<std::string>& merchant_ids);
  absl::Status SetPlan(absl::string_view merchant_id, absl::string_view plan, absl::Time from);

  // Agents and their merchants, from the `agents` stream. An agent's older
  // update than the one kept changes nothing; a link or an unlink heard
  // twice changes nothing the second time.
  absl::Status UpsertAgent(const AgentTerms& agent, absl::Time update_time);
  absl::Status UnlinkMerchant(absl::string_view merchant_id, absl::string_view agent_id,
                              absl::Time unlink_time);
  // Every agent known, and the links of these merchants: (merchant, link
  // time) → (agent, unlink time or InfiniteFuture).
  struct AgentBook {
    std::map<std::string, AgentTerms> agents;
    std::map<std::string, std::vector<std::tuple<absl::Time, std::string, absl::Time>>> links;
    // The agent `merchant_id` was linked to at `at`, or "".
    std::string AgentAt(const std::string& merchant_id, absl::Time at) const;
  };
  absl::StatusOr<AgentBook> Agents(const std::vector<std::string>& merchant_ids);
  // The same in `tx`, the links read with a shared lock: a link heard
  // meanwhile (LinkMerchant in a unit) waits for this unit, or this unit
  // reads it; so a redemption and a link never miss each other.
  absl::StatusOr<AgentBook> Agents(store::Tx& tx, const std::vector<std::string>& merchant_ids);
  // The link, in a unit.
  absl::Status LinkMerchant(store::Tx& tx, absl::string_view merchant_id,
                            absl::string_view agent_id, absl::Time link_time);

  // Redeemed orders whose fee was posted (order id, merchant, redemption).
  struct SettledOrder {
    std::string order_id;
    std::string merchant_id;
    absl::Time redeem_time;
  };
  absl::Status AddSettledOrders(store::Tx& tx, const std::vector<SettledOrder>& orders);
  // Those of `merchant_id` redeemed at or after `since`, locked.
  absl::StatusOr<std::vector<SettledOrder>> SettledOrdersSince(store::Tx& tx,
                                                               absl::string_view merchant_id,
                                                               absl::Time since);

  // Partners, from the `partners` stream (an older update changes nothing).
  struct PartnerTerms {
    std::string id;
    bool approved = false;
    int32_t holding_days = 0;
    int64_t min_payout = 0;
    std::string currency = "CNY";
  };
  absl::Status UpsertPartner(const PartnerTerms& partner, absl::Time update_time);
  absl::StatusOr<std::map<std::string, PartnerTerms>> Partners();

  // Earnings held until `release_time`.
  absl::Status AddHolds(store::Tx& tx,
                        const std::vector<std::pair<std::string, absl::Time>>& holds);
  // Holds due at `now` not yet released or taken back, locked (others
  // running the release skip them), at most `limit`; their transfers.
  absl::StatusOr<std::vector<ledger::Transfer>> DueHolds(store::Tx& tx, absl::Time now, int limit);
  // Of these transfers, those held, locked: id → released already.
  absl::StatusOr<std::map<std::string, bool>> LockHolds(store::Tx& tx,
                                                        const std::vector<std::string>& ids);
  absl::Status SetHoldOutcome(store::Tx& tx, const std::vector<std::string>& ids,
                              absl::string_view outcome, absl::Time at);
  // The commissions an order earned ("order:<id>:commission:*").
  absl::StatusOr<std::vector<ledger::Transfer>> CommissionsOf(store::Tx& tx,
                                                              absl::string_view order_id);

  // Of these scan event ids, those settled before: id → terms digest.
  absl::StatusOr<absl::flat_hash_map<std::string, uint64_t>> SettledScans(
      store::Tx& tx, const std::vector<std::string>& scan_ids);
  // Keeps each scan of `accrual` as paid by it.
  absl::Status AddSettledScans(store::Tx& tx, const std::vector<const ScanAccrual*>& accruals);

  // Parked events, the newest first, parked before `before` (InfiniteFuture:
  // from the newest), at most `limit`.
  absl::StatusOr<std::vector<v1::ParkedEvent>> Parked(absl::Time before, int limit);
  // Keeps an event the ledger refused (once; a second time changes nothing).
  absl::Status Park(absl::string_view event, absl::string_view reason, absl::string_view data,
                    absl::Time at);

  // The payout made for `request_id`, if any.
  absl::StatusOr<std::optional<PayoutRow>> FindPayout(store::Tx& tx, absl::string_view request_id);
  absl::Status AddPayout(store::Tx& tx, const PayoutRow& payout);

 private:
  static absl::StatusOr<AgentBook> ReadAgents(store::Connection& conn,
                                              const std::vector<std::string>& merchant_ids,
                                              absl::string_view lock);

  store::MysqlPool& mysql_;
};

}  // namespace qrcloud::settlement

#endif  // QRCLOUD_SERVICES_SETTLEMENT_MYSQL_LEDGER_H_
