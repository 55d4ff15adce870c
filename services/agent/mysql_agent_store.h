// Agents and links in MySQL (tables agents, agent_links, merchant_agents;
// migrations/0001_agents.sql). Only this file touches them.
#ifndef QRCLOUD_SERVICES_AGENT_MYSQL_AGENT_STORE_H_
#define QRCLOUD_SERVICES_AGENT_MYSQL_AGENT_STORE_H_

#include "services/agent/agent_store.h"

namespace qrcloud::agent {

class MysqlAgentStore final : public AgentStore {
 public:
  absl::StatusOr<std::optional<v1::Agent>> Get(store::Tx& tx, absl::string_view id) override;
  absl::Status Put(store::Tx& tx, const v1::Agent& agent) override;
  absl::StatusOr<std::vector<v1::Agent>> Children(store::Tx& tx,
                                                  absl::string_view parent_id) override;
  absl::StatusOr<std::vector<v1::Agent>> List(store::Tx& tx, v1::Agent::State state,
                                              absl::string_view before, int limit) override;
};

class MysqlLinkStore final : public LinkStore {
 public:
  absl::StatusOr<std::optional<v1::AgentMerchant>> Get(store::Tx& tx,
                                                       absl::string_view link_id) override;
  absl::StatusOr<std::optional<v1::AgentMerchant>> ByCode(store::Tx& tx,
                                                          absl::string_view code) override;
  absl::Status Insert(store::Tx& tx, const v1::AgentMerchant& link) override;
  absl::Status Update(store::Tx& tx, const v1::AgentMerchant& link) override;
  absl::StatusOr<std::vector<v1::AgentMerchant>> OfAgent(store::Tx& tx, absl::string_view agent_id,
                                                         v1::AgentMerchant::State state,
                                                         absl::string_view before,
                                                         int limit) override;
  absl::StatusOr<std::vector<v1::AgentMerchant>> OfMerchant(store::Tx& tx,
                                                            absl::string_view merchant_id,
                                                            int limit) override;
  absl::Status Claim(store::Tx& tx, absl::string_view merchant_id,
                     absl::string_view link_id) override;
  absl::StatusOr<std::optional<std::string>> Current(store::Tx& tx,
                                                     absl::string_view merchant_id) override;
  absl::Status Release(store::Tx& tx, absl::string_view merchant_id) override;
};

}  // namespace qrcloud::agent

#endif  // QRCLOUD_SERVICES_AGENT_MYSQL_AGENT_STORE_H_
