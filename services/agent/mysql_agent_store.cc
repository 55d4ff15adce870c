#include "services/agent/mysql_agent_store.h"

#include "absl/strings/str_cat.h"
#include "libs/core/status.h"
#include "libs/store/json_rows.h"
#include "libs/store/mysql.h"

namespace qrcloud::agent {
namespace {

using store::OrNull;

// "(AND state = ?)" and its parameter, when a state is asked for.
template <typename Enum>
std::string StateFilter(Enum state, const std::string& name, store::Params& params) {
  if (state == 0) return "";
  params.emplace_back(name);
  return " AND state = ?";
}

}  // namespace

absl::StatusOr<std::optional<v1::Agent>> MysqlAgentStore::Get(store::Tx& tx, absl::string_view id) {
  return store::FirstBody<v1::Agent>(store::ConnectionOf(tx).Query(
      "SELECT body FROM agents WHERE id = ? FOR UPDATE", {std::string(id)}));
}

absl::Status MysqlAgentStore::Put(store::Tx& tx, const v1::Agent& agent) {
  QRCLOUD_ASSIGN_OR_RETURN(std::string body, store::BodyJson(agent));
  return store::ConnectionOf(tx)
      .Execute(
          "INSERT INTO agents (id, parent_agent_id, state, body) VALUES (?, ?, ?, ?) "
          "ON DUPLICATE KEY UPDATE parent_agent_id = VALUES(parent_agent_id), "
          "state = VALUES(state), body = VALUES(body)",
          {agent.id(), OrNull(agent.parent_agent_id()), v1::Agent::State_Name(agent.state()), body})
      .status();
}

absl::StatusOr<std::vector<v1::Agent>> MysqlAgentStore::Children(store::Tx& tx,
                                                                 absl::string_view parent_id) {
  QRCLOUD_ASSIGN_OR_RETURN(
      std::vector<store::Row> rows,
      store::ConnectionOf(tx).Query("SELECT body FROM agents WHERE parent_agent_id = ? FOR UPDATE",
                                    {std::string(parent_id)}));
  return store::ParseBodies<v1::Agent>(rows);
}

absl::StatusOr<std::vector<v1::Agent>> MysqlAgentStore::List(store::Tx& tx, v1::Agent::State state,
                                                             absl::string_view before, int limit) {
  store::Params params{before.empty() ? std::string("~") : std::string(before)};
  const std::string filter = StateFilter(state, v1::Agent::State_Name(state), params);
  params.emplace_back(static_cast<int64_t>(limit));
  QRCLOUD_ASSIGN_OR_RETURN(
      std::vector<store::Row> rows,
      store::ConnectionOf(tx).Query(
          absl::StrCat("SELECT body FROM agents WHERE id < ?", filter, " ORDER BY id DESC LIMIT ?"),
          params));
  return store::ParseBodies<v1::Agent>(rows);
}

absl::StatusOr<std::optional<v1::AgentMerchant>> MysqlLinkStore::Get(store::Tx& tx,
                                                                     absl::string_view link_id) {
  return store::FirstBody<v1::AgentMerchant>(store::ConnectionOf(tx).Query(
      "SELECT body FROM agent_links WHERE id = ? FOR UPDATE", {std::string(link_id)}));
}

absl::StatusOr<std::optional<v1::AgentMerchant>> MysqlLinkStore::ByCode(store::Tx& tx,
                                                                        absl::string_view code) {
  return store::FirstBody<v1::AgentMerchant>(store::ConnectionOf(tx).Query(
      "SELECT body FROM agent_links WHERE invite_code = ? FOR UPDATE", {std::string(code)}));
}

absl::Status MysqlLinkStore::Insert(store::Tx& tx, const v1::AgentMerchant& link) {
  QRCLOUD_ASSIGN_OR_RETURN(std::string body, store::BodyJson(link));
  return store::ConnectionOf(tx)
      .Execute(
          "INSERT INTO agent_links (id, agent_id, merchant_id, invite_code, state, body) "
          "VALUES (?, ?, ?, ?, ?, ?)",
          {link.link_id(), link.agent_id(), OrNull(link.merchant_id()), OrNull(link.invite_code()),
           v1::AgentMerchant::State_Name(link.state()), body})
      .status();
}

absl::Status MysqlLinkStore::Update(store::Tx& tx, const v1::AgentMerchant& link) {
  QRCLOUD_ASSIGN_OR_RETURN(std::string body, store::BodyJson(link));
  return store::ConnectionOf(tx)
      .Execute("UPDATE agent_links SET merchant_id = ?, state = ?, body = ? WHERE id = ?",
               {OrNull(link.merchant_id()), v1::AgentMerchant::State_Name(link.state()), body,
                link.link_id()})
      .status();
}

absl::StatusOr<std::vector<v1::AgentMerchant>> MysqlLinkStore::OfAgent(
    store::Tx& tx, absl::string_view agent_id, v1::AgentMerchant::State state,
    absl::string_view before, int limit) {
  store::Params params{std::string(agent_id),
                       before.empty() ? std::string("~") : std::string(before)};
  const std::string filter = StateFilter(state, v1::AgentMerchant::State_Name(state), params);
  params.emplace_back(static_cast<int64_t>(limit));
  QRCLOUD_ASSIGN_OR_RETURN(
      std::vector<store::Row> rows,
      store::ConnectionOf(tx).Query(absl::StrCat("SELECT body FROM agent_links WHERE agent_id = ? "
                                                 "AND id < ?",
                                                 filter, " ORDER BY id DESC LIMIT ?"),
                                    params));
  return store::ParseBodies<v1::AgentMerchant>(rows);
}

absl::StatusOr<std::vector<v1::AgentMerchant>> MysqlLinkStore::OfMerchant(
    store::Tx& tx, absl::string_view merchant_id, int limit) {
  QRCLOUD_ASSIGN_OR_RETURN(
      std::vector<store::Row> rows,
      store::ConnectionOf(tx).Query(
          "SELECT body FROM agent_links WHERE merchant_id = ? ORDER BY id DESC LIMIT ?",
          {std::string(merchant_id), static_cast<int64_t>(limit)}));
  return store::ParseBodies<v1::AgentMerchant>(rows);
}

absl::Status MysqlLinkStore::Claim(store::Tx& tx, absl::string_view merchant_id,
                                   absl::string_view link_id) {
  return store::ConnectionOf(tx)
      .Execute("INSERT INTO merchant_agents (merchant_id, link_id) VALUES (?, ?)",
               {std::string(merchant_id), std::string(link_id)})
      .status();
}

absl::StatusOr<std::optional<std::string>> MysqlLinkStore::Current(store::Tx& tx,
                                                                   absl::string_view merchant_id) {
  QRCLOUD_ASSIGN_OR_RETURN(
      std::vector<store::Row> rows,
      store::ConnectionOf(tx).Query(
          "SELECT link_id FROM merchant_agents WHERE merchant_id = ? FOR UPDATE",
          {std::string(merchant_id)}));
  if (rows.empty()) return std::nullopt;
  return rows.front().String("link_id");
}

absl::Status MysqlLinkStore::Release(store::Tx& tx, absl::string_view merchant_id) {
  return store::ConnectionOf(tx)
      .Execute("DELETE FROM merchant_agents WHERE merchant_id = ?", {std::string(merchant_id)})
      .status();
}

}  // namespace qrcloud::agent
