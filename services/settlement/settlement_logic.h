// The settlement service (docs/settlement.md): follows the center's `orders`
// stream into the ledger, shows each party its accounts and statements, and
// lets an administrator set merchants' plans, record payouts and check the
// whole ledger. What is posted is settlement_rules.h; how the ledger decides
// is libs/ledger; where it is kept is mysql_ledger.h.
//
// Who sees what: a merchant's owner and staff its own accounts and
// statements, an agent or a partner its own, an administrator (and an
// auditor, reading) everything. Anything else is NOT_FOUND, exactly as if
// it did not exist.
#ifndef QRCLOUD_SERVICES_SETTLEMENT_SETTLEMENT_LOGIC_H_
#define QRCLOUD_SERVICES_SETTLEMENT_SETTLEMENT_LOGIC_H_

#include "google/api/httpbody.pb.h"
#include "libs/core/clock.h"
#include "libs/rpc/dispatcher.h"
#include "libs/store/tx.h"
#include "qrcloud/v1/agent.pb.h"
#include "qrcloud/v1/order.pb.h"
#include "qrcloud/v1/partner.pb.h"
#include "qrcloud/v1/settlement.pb.h"
#include "services/settlement/mysql_ledger.h"
#include "services/settlement/settlement_rules.h"

namespace qrcloud::settlement {

struct SettlementOptions {
  // How long agents' and partners' earnings are held before they may be
  // paid out (refunds in that time take them back from what is held).
  absl::Duration holding_period = absl::Hours(24 * 7);
};

class SettlementLogic {
 public:
  SettlementLogic(store::TxRunner& runner, MysqlLedger& ledger, FeeSchedule fees,
                  const core::Clock& clock, SettlementOptions options = {})
      : runner_(runner),
        ledger_(ledger),
        fees_(std::move(fees)),
        clock_(clock),
        options_(options) {}

  // Events of the `orders` stream, a consumer's batch in one unit of work
  // (cut before a refund of an order redeemed in the same batch), each
  // posted once however often it comes. An event the ledger refuses is
  // parked, not retried; an error of the database leaves the whole batch to
  // come again.
  struct OrderEvent {
    std::string type;
    v1::Order order;
  };
  absl::Status OnOrders(const std::vector<OrderEvent>& events);
  absl::Status OnOrder(const std::string& type, const v1::Order& order) {
    return OnOrders({{type, order}});
  }

  // An event of the `agents` stream (libs/core/agent_events.h): the agent
  // (agent.updated) or the link (agent.merchant_linked / _unlinked).
  absl::Status OnAgentEvent(const std::string& type, const v1::Agent* agent,
                            const v1::AgentMerchant* link);

  // Events of the `partners` stream (libs/core/partner_events.h), a batch in
  // one unit: a partner's terms (partner.updated), a valid scan's price
  // (partner.scan_valid), an attributed order's share
  // (partner.order_attributed) and its reversal (partner.order_unattributed),
  // each posted once; earnings held for the partner's holding period.
  struct PartnerEvent {
    std::string type;
    v1::Partner partner;
    v1::PartnerScanValid scan;
    v1::PartnerOrderAttribution attribution;
  };
  absl::Status OnPartnerEvents(const std::vector<PartnerEvent>& events);

  // Makes available the earnings whose holding period is over, at most
  // `limit` in one unit; how many.
  absl::StatusOr<int> ReleaseDue(int limit);

  absl::Status GetLedgerAccount(const rpc::CallContext& call,
                                const v1::GetLedgerAccountRequest& req, v1::LedgerAccount& resp);
  absl::Status ListStatements(const rpc::CallContext& call, const v1::ListStatementsRequest& req,
                              v1::ListStatementsResponse& resp);
  absl::Status GetStatement(const rpc::CallContext& call, const v1::GetStatementRequest& req,
                            v1::Statement& resp);
  absl::Status ExportStatement(const rpc::CallContext& call, const v1::GetStatementRequest& req,
                               google::api::HttpBody& resp);
  absl::Status CreatePayout(const rpc::CallContext& call, const v1::CreatePayoutRequest& req,
                            v1::Payout& resp);
  absl::Status CheckLedger(const rpc::CallContext& call, const v1::CheckLedgerRequest& req,
                           v1::CheckLedgerResponse& resp);
  absl::Status ListParkedEvents(const rpc::CallContext& call,
                                const v1::ListParkedEventsRequest& req,
                                v1::ListParkedEventsResponse& resp);
  absl::Status SetMerchantPlan(const rpc::CallContext& call, const v1::SetMerchantPlanRequest& req,
                               v1::MerchantPlan& resp);

 private:
  // One cut of OnOrders: no refund in it refers to a redemption in it.
  // A merchant's link to an agent, heard: kept, and the commissions of its
  // orders redeemed since and settled before it was heard posted.
  absl::Status OnLink(const std::string& merchant_id, const std::string& agent_id,
                      absl::Time link_time);
  absl::Status PostOrders(const std::vector<const OrderEvent*>& events);
  // One cut of OnPartnerEvents: no reversal in it of an order attributed in it.
  // One unit of work for `events`. Not `careful`, it takes the scans for
  // new (see the .cc) and sets `run_again_carefully` when one was not.
  absl::Status PostPartnerEvents(const std::vector<const PartnerEvent*>& events, bool careful,
                                 bool& run_again_carefully);
  // Keeps events no retry can post, for an administrator.
  absl::Status ParkAll(const std::vector<std::tuple<std::string, std::string, std::string>>& parked,
                       absl::Time now);

  // The caller's own party, or NOT_FOUND naming what it may see.
  absl::StatusOr<Party> OwnParty(const rpc::CallContext& call) const;
  // NOT_FOUND unless the caller may see `party`'s books.
  absl::Status MaySee(const rpc::CallContext& call, const Party& party) const;
  // The party's statement for `period` in its one currency (CNY when it has
  // no account yet).
  // The party's statement of `period` in `currency`.
  absl::StatusOr<v1::Statement> Statement(const Party& party, const Period& period,
                                          const std::string& currency);
  // The currencies the party has accounts in, CNY first (always listed).
  absl::StatusOr<std::vector<std::string>> CurrenciesOf(const Party& party);

  store::TxRunner& runner_;
  MysqlLedger& ledger_;
  const FeeSchedule fees_;
  const core::Clock& clock_;
  const SettlementOptions options_;
};

}  // namespace qrcloud::settlement

#endif  // QRCLOUD_SERVICES_SETTLEMENT_SETTLEMENT_LOGIC_H_
