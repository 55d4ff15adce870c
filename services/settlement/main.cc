// qrcloud-settlement: the revenue settlement module (patent claim 1) on the
// service kit: the double-entry ledger (libs/ledger over MySQL), fed by the
// center's `orders` stream, with statements, payouts and the ledger check
// (docs/settlement.md). It never reads another service's tables.
#include "absl/flags/flag.h"
#include "libs/core/agent_events.h"
#include "libs/core/partner_events.h"
#include "libs/core/status.h"
#include "libs/ordering/order_book.h"
#include "libs/service/events.h"
#include "libs/service/host.h"
#include "services/settlement/mysql_ledger.h"
#include "services/settlement/settlement_logic.h"
#include "services/settlement/settlement_service.h"

ABSL_FLAG(std::string, plan_fees, "standard=500,pro=300",
          "The platform fee of each merchant plan, in basis points of a redeemed order's total "
          "(<plan>=<bps>,...); the first is every merchant's plan until an administrator sets "
          "another");

ABSL_FLAG(absl::Duration, holding_period, absl::Hours(24 * 7),
          "How long agents' and partners' earnings are held before they may be paid out");
ABSL_FLAG(int, batch, 5000,
          "Events settled in one unit of work, at most (1-20000): larger batches commit "
          "less often and accrue more scans a transfer");
ABSL_FLAG(absl::Duration, release_interval, absl::Seconds(10),
          "How often earnings whose holding period is over are made available");

namespace qrcloud::settlement {

std::vector<store::Migration> Migrations();  // migrations/*.sql, compiled in

absl::Status Build(service::Host& host) {
  QRCLOUD_ASSIGN_OR_RETURN(FeeSchedule fees, ParseFeeSchedule(absl::GetFlag(FLAGS_plan_fees)));
  auto& runner = host.Own(std::make_unique<store::MysqlTxRunner>(host.mysql(), host.outbox()));
  auto& ledger = host.Own(std::make_unique<MysqlLedger>(host.mysql()));
  SettlementOptions options;
  options.holding_period = absl::GetFlag(FLAGS_holding_period);
  if (options.holding_period < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--holding_period must not be negative");
  }
  auto& logic = host.Own(
      std::make_unique<SettlementLogic>(runner, ledger, std::move(fees), host.clock(), options));
  auto& api = host.Own(std::make_unique<SettlementServiceImpl>(logic, host.dispatcher_deps()));
  QRCLOUD_RETURN_IF_ERROR(host.Serve<v1::SettlementService>(api));
  const int batch = absl::GetFlag(FLAGS_batch);
  if (batch < 1 || batch > 20000) {
    return absl::InvalidArgumentError("--batch must be from 1 to 20000");
  }
  // A batch of events a unit of work: up to --batch at once, waiting a
  // moment for more when they trickle in.
  host.AddConsumer(
      {.stream = ordering::kOrderStream,
       .group = "settlement",
       .batch = batch,
       .linger = absl::Milliseconds(20)},
      service::BatchEventHandler<v1::Order>(
          ordering::kOrderStream, [&logic](const std::vector<service::Event<v1::Order>>& events) {
            std::vector<SettlementLogic::OrderEvent> orders;
            orders.reserve(events.size());
            for (const auto& e : events) orders.push_back({e.type, e.data});
            return logic.OnOrders(orders);
          }));
  // The agents and which merchant is whose: two messages on one stream.
  host.AddConsumer({.stream = core::kAgentStream, .group = "settlement"},
                   [&logic](const std::vector<cache::StreamEntry>& entries, cache::RedisPool&) {
                     cache::Handled handled;
                     for (const cache::StreamEntry& e : entries) {
                       const std::string type = e.Field("type");
                       absl::Status s;
                       if (type == core::kAgentUpdated) {
                         v1::Agent agent;
                         if (service::ParseEvent(core::kAgentStream, e, agent)) {
                           s = logic.OnAgentEvent(type, &agent, nullptr);
                         }
                       } else {
                         v1::AgentMerchant link;
                         if (service::ParseEvent(core::kAgentStream, e, link)) {
                           s = logic.OnAgentEvent(type, nullptr, &link);
                         }
                       }
                       if (!s.ok()) {
                         handled.status = s;
                         break;
                       }
                       ++handled.done;
                     }
                     return handled;
                   });
  // Partners' valid scans and attributed orders: a batch a unit of work.
  host.AddConsumer({.stream = core::kPartnerStream,
                    .group = "settlement",
                    .batch = batch,
                    .linger = absl::Milliseconds(20)},
                   [&logic](const std::vector<cache::StreamEntry>& entries, cache::RedisPool&) {
                     std::vector<SettlementLogic::PartnerEvent> events;
                     events.reserve(entries.size());
                     for (const cache::StreamEntry& e : entries) {
                       SettlementLogic::PartnerEvent event{.type = e.Field("type")};
                       bool parsed = false;
                       if (event.type == core::kPartnerUpdated) {
                         parsed = service::ParseEvent(core::kPartnerStream, e, event.partner);
                       } else if (event.type == core::kPartnerScanValid) {
                         parsed = service::ParseEvent(core::kPartnerStream, e, event.scan);
                       } else {
                         parsed = service::ParseEvent(core::kPartnerStream, e, event.attribution);
                       }
                       if (parsed) events.push_back(std::move(event));
                     }
                     cache::Handled handled;
                     handled.status = logic.OnPartnerEvents(events);
                     if (handled.status.ok()) handled.done = entries.size();
                     return handled;
                   });
  core::LoopOptions release;
  release.name = "release of held earnings";
  release.interval = absl::GetFlag(FLAGS_release_interval);
  host.AddLoop(release, [&logic]() -> absl::StatusOr<bool> {
    constexpr int kBatch = 1000;
    QRCLOUD_ASSIGN_OR_RETURN(const int released, logic.ReleaseDue(kBatch));
    return released == kBatch;  // more may be due: at once
  });
  return absl::OkStatus();
}

}  // namespace qrcloud::settlement

int main(int argc, char** argv) {
  return qrcloud::service::Main(argc, argv,
                                {.name = "settlement",
                                 .usage = "qrcloud-settlement [flags]",
                                 .migrations = qrcloud::settlement::Migrations(),
                                 .build = qrcloud::settlement::Build});
}
