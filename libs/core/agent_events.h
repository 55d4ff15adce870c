// The `agents` stream: what the agent service publishes (through its outbox,
// in the transaction of the change) for settlement to pay commission on.
// The type names here are the stream's schema; docs/agents.md describes the
// payloads.
#ifndef QRCLOUD_LIBS_CORE_AGENT_EVENTS_H_
#define QRCLOUD_LIBS_CORE_AGENT_EVENTS_H_

namespace qrcloud::core {

inline constexpr char kAgentStream[] = "agents";

// data: the v1.Agent as it is after the change (state, level,
// parent_agent_id, commission_bps, ...), on every change: applied,
// authorized, terms changed, suspended, reinstated.
inline constexpr char kAgentUpdated[] = "agent.updated";

// data: a v1.AgentMerchant in state LINKED (merchant_id, agent_id, link_id,
// link_time): from link_time on, the merchant's fees earn the agent's chain.
inline constexpr char kAgentMerchantLinked[] = "agent.merchant_linked";
// data: the same v1.AgentMerchant in state UNLINKED, with unlink_time: from
// then on they earn it nothing.
inline constexpr char kAgentMerchantUnlinked[] = "agent.merchant_unlinked";

}  // namespace qrcloud::core

#endif  // QRCLOUD_LIBS_CORE_AGENT_EVENTS_H_
