// qrcloud-partner: the third-party subsystem (patent claim 9) on the service
// kit: partner platforms register with terms and an administrator approves
// them; placements put a campaign's or a code's link, carrying the partner's
// platform code, on its channels, drawn by the center (over gRPC as a
// service account; QR rendering stays the center's); the gateway's `scans`
// stream and the center's `orders` stream give valid scans and attributed
// orders, which go out on the `partners` stream through the outbox, for
// settlement (docs/partners.md).
#include "libs/core/scan_event.h"
#include "libs/core/status.h"
#include "libs/ordering/order_book.h"
#include "libs/service/center_caller.h"
#include "libs/service/events.h"
#include "libs/service/host.h"
#include "services/partner/center_codes.h"
#include "services/partner/mysql_partner_store.h"
#include "services/partner/partner_logic.h"
#include "services/partner/partner_service.h"
#include "services/partner/traffic_logic.h"

namespace qrcloud::partner {

std::vector<store::Migration> Migrations();  // migrations/*.sql, compiled in

absl::Status Build(service::Host& host) {
  QRCLOUD_ASSIGN_OR_RETURN(auto center, service::CenterCaller::ForHost(host));
  auto& center_caller = host.Own(std::move(center));
  auto& codes = host.Own(std::make_unique<CenterCodes>(center_caller));
  auto& runner = host.Own(std::make_unique<store::MysqlTxRunner>(host.mysql(), host.outbox()));
  auto& partners = host.Own(std::make_unique<MysqlPartnerStore>());
  auto& placements = host.Own(std::make_unique<MysqlPlacementStore>());
  auto& traffic = host.Own(std::make_unique<MysqlTrafficStore>());
  auto& logic = host.Own(
      std::make_unique<PartnerLogic>(runner, partners, placements, traffic, codes, host.clock()));
  auto& api = host.Own(std::make_unique<PartnerServiceImpl>(logic, host.dispatcher_deps()));
  QRCLOUD_RETURN_IF_ERROR(host.Serve<v1::PartnerService>(api));

  auto& counting = host.Own(std::make_unique<TrafficLogic>(runner, partners, placements, traffic));
  // The gateway's scans: only batches that carry a platform code are
  // unpacked (most carry none).
  // Valid scans are paid by the batch: gathering 100 ms of them costs the
  // scan path (one busy stream, several groups) far fewer reads.
  host.AddConsumer({.stream = core::kScanStream,
                    .group = "partner-scans",
                    .batch = 256,
                    .linger = absl::Milliseconds(100)},
                   [&counting](const std::vector<cache::StreamEntry>& entries, cache::RedisPool&) {
                     cache::Handled handled;
                     for (const cache::StreamEntry& e : entries) {
                       const std::string packed = e.Field(core::kScanEventsField);
                       if (CarriesPlatformCode(packed)) {
                         handled.status = counting.OnScans(core::UnpackScanEvents(packed));
                         if (!handled.status.ok()) break;
                       }
                       ++handled.done;
                     }
                     return handled;
                   });
  host.AddConsumer(
      {.stream = ordering::kOrderStream, .group = "partner-orders"},
      service::EventHandler<v1::Order>(
          ordering::kOrderStream, [&counting](const std::string& type, const v1::Order& order) {
            return counting.OnOrder(type, order);
          }));
  return absl::OkStatus();
}

}  // namespace qrcloud::partner

int main(int argc, char** argv) {
  return qrcloud::service::Main(argc, argv,
                                {.name = "partner",
                                 .usage = "qrcloud-partner [flags]",
                                 .migrations = qrcloud::partner::Migrations(),
                                 .outbox = true,
                                 .build = qrcloud::partner::Build});
}
