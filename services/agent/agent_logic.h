// The agent service's logic: applications, authorization, invites, links
// with a merchant's consent, and what agents and merchants see of them. It
// takes its stores, the center's merchant directory and a clock; every
// change and its event on the `agents` stream (libs/core/agent_events.h)
// commit in one unit. The rules themselves are agent_rules.h.
#ifndef QRCLOUD_SERVICES_AGENT_AGENT_LOGIC_H_
#define QRCLOUD_SERVICES_AGENT_AGENT_LOGIC_H_

#include <string>

#include "absl/time/time.h"
#include "libs/core/clock.h"
#include "libs/rpc/dispatcher.h"
#include "libs/store/tx.h"
#include "qrcloud/v1/agent.pb.h"
#include "services/agent/agent_rules.h"
#include "services/agent/agent_store.h"

namespace qrcloud::agent {

struct AgentOptions {
  // The gateway's public base URL, for invite links.
  std::string public_url = "http://localhost:8080";
  // How long an invite code can be accepted.
  absl::Duration invite_ttl = absl::Hours(24 * 30);
  // A level's share when an authorization gives none (ParseLevelShares).
  LevelShares level_shares = {0, 2000, 1000, 500};
};

class AgentLogic {
 public:
  AgentLogic(store::TxRunner& runner, AgentStore& agents, LinkStore& links,
             MerchantDirectory& merchants, const core::Clock& clock, AgentOptions options = {})
      : runner_(runner),
        agents_(agents),
        links_(links),
        merchants_(merchants),
        clock_(clock),
        options_(std::move(options)) {}

  // The agent's own profile.
  absl::Status Apply(const rpc::CallContext& call, const v1::ApplyRequest& req, v1::Agent& resp);
  // Administrators.
  absl::Status Authorize(const rpc::CallContext& call, const v1::AuthorizeRequest& req,
                         v1::Agent& resp);
  absl::Status Suspend(const rpc::CallContext& call, const v1::SuspendAgentRequest& req,
                       v1::Agent& resp);
  absl::Status Reinstate(const rpc::CallContext& call, const v1::ReinstateAgentRequest& req,
                         v1::Agent& resp);
  absl::Status Get(const rpc::CallContext& call, const v1::GetAgentRequest& req, v1::Agent& resp);
  absl::Status List(const rpc::CallContext& call, const v1::ListAgentsRequest& req,
                    v1::ListAgentsResponse& resp);

  // The agent's side of links.
  absl::Status LinkMerchant(const rpc::CallContext& call, const v1::LinkMerchantRequest& req,
                            v1::AgentMerchant& resp);
  absl::Status ListMerchants(const rpc::CallContext& call, const v1::ListAgentMerchantsRequest& req,
                             v1::ListAgentMerchantsResponse& resp);
  absl::Status ListStatements(const rpc::CallContext& call,
                              const v1::ListAgentStatementsRequest& req,
                              v1::ListAgentStatementsResponse& resp);

  // The merchant's side.
  absl::Status AcceptInvite(const rpc::CallContext& call, const v1::AcceptAgentInviteRequest& req,
                            v1::AgentMerchant& resp);
  absl::Status AcceptLink(const rpc::CallContext& call, const v1::MerchantAgentLinkRequest& req,
                          v1::AgentMerchant& resp);
  absl::Status DeclineLink(const rpc::CallContext& call, const v1::MerchantAgentLinkRequest& req,
                           v1::AgentMerchant& resp);
  absl::Status Unlink(const rpc::CallContext& call, const v1::MerchantAgentLinkRequest& req,
                      v1::AgentMerchant& resp);
  absl::Status ListMerchantLinks(const rpc::CallContext& call,
                                 const v1::ListMerchantAgentLinksRequest& req,
                                 v1::ListMerchantAgentLinksResponse& resp);

 private:
  // The agent `id` names, read for a change in `tx`, or NOT_FOUND.
  absl::StatusOr<v1::Agent> Load(store::Tx& tx, absl::string_view id);
  // Writes `agent` and its agent.updated event.
  absl::Status Save(store::Tx& tx, v1::Agent& agent);
  // `parent_id`'s chain upwards, the parent first, read as far as a repeat.
  absl::StatusOr<std::vector<v1::Agent>> Ancestors(store::Tx& tx, absl::string_view parent_id);
  // Every agent under `id`.
  absl::StatusOr<std::vector<v1::Agent>> Below(store::Tx& tx, absl::string_view id);
  // The REQUESTED link of `agent_id` to `merchant_id`, checked for the
  // merchant's owner (or an administrator) to answer.
  absl::StatusOr<v1::AgentMerchant> PendingRequest(store::Tx& tx, const auth::Principal& caller,
                                                   absl::string_view merchant_id,
                                                   absl::string_view agent_id);
  // Links `link` to its merchant: LINKED, the claim, the event.
  absl::Status Link(store::Tx& tx, v1::AgentMerchant& link);
  // The center's view of a linked merchant, added to `link`.
  absl::Status AddMerchantView(v1::AgentMerchant& link);

  store::TxRunner& runner_;
  AgentStore& agents_;
  LinkStore& links_;
  MerchantDirectory& merchants_;
  const core::Clock& clock_;
  const AgentOptions options_;
};

}  // namespace qrcloud::agent

#endif  // QRCLOUD_SERVICES_AGENT_AGENT_LOGIC_H_
