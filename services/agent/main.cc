// qrcloud-agent: the agent cooperation subsystem (patent claim 1) on the
// service kit: agents apply and are authorized (level, territories, parent,
// commission), sign merchants up by invite or by a link the merchant's owner
// accepts, and list their merchants with the center's view of them (asked
// over gRPC as a service account; it never reads the center's tables). Every
// change an agent's commission depends on goes out on the `agents` stream
// through the outbox, for settlement (docs/agents.md).
#include "absl/flags/flag.h"
#include "libs/core/status.h"
#include "libs/service/center_caller.h"
#include "libs/service/host.h"
#include "services/agent/agent_logic.h"
#include "services/agent/agent_rules.h"
#include "services/agent/agent_service.h"
#include "services/agent/center_merchants.h"
#include "services/agent/mysql_agent_store.h"

ABSL_FLAG(std::string, public_url, "http://localhost:8080",
          "The gateway's public base URL, for the links of agents' invites");
ABSL_FLAG(std::string, level_commission_bps, "1=2000,2=1000,3=500",
          "Each level's share of the platform fee, in basis points, when an administrator "
          "authorizes an agent without giving one (<level>=<bps>, levels 1 to 3, summing to at "
          "most 10000)");
ABSL_FLAG(absl::Duration, invite_ttl, absl::Hours(24 * 30),
          "How long an agent's invite code can be accepted");

namespace qrcloud::agent {

std::vector<store::Migration> Migrations();  // migrations/*.sql, compiled in

absl::Status Build(service::Host& host) {
  QRCLOUD_ASSIGN_OR_RETURN(auto center, service::CenterCaller::ForHost(host));
  auto& center_caller = host.Own(std::move(center));
  auto& merchants = host.Own(std::make_unique<CenterMerchants>(center_caller));
  auto& runner = host.Own(std::make_unique<store::MysqlTxRunner>(host.mysql(), host.outbox()));
  auto& agents = host.Own(std::make_unique<MysqlAgentStore>());
  auto& links = host.Own(std::make_unique<MysqlLinkStore>());
  QRCLOUD_ASSIGN_OR_RETURN(LevelShares shares,
                           ParseLevelShares(absl::GetFlag(FLAGS_level_commission_bps)));
  AgentOptions options;
  options.level_shares = shares;
  options.public_url = absl::GetFlag(FLAGS_public_url);
  options.invite_ttl = absl::GetFlag(FLAGS_invite_ttl);
  auto& logic = host.Own(
      std::make_unique<AgentLogic>(runner, agents, links, merchants, host.clock(), options));
  auto& api = host.Own(std::make_unique<AgentServiceImpl>(logic, host.dispatcher_deps()));
  return host.Serve<v1::AgentService>(api);
}

}  // namespace qrcloud::agent

int main(int argc, char** argv) {
  return qrcloud::service::Main(argc, argv,
                                {.name = "agent",
                                 .usage = "qrcloud-agent [flags]",
                                 .migrations = qrcloud::agent::Migrations(),
                                 .outbox = true,
                                 .build = qrcloud::agent::Build});
}
