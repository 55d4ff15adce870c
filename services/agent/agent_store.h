// Where the agent service keeps agents and their links to merchants, as its
// logic sees it: MySQL in the service (mysql_agent_store.h), memory in the
// unit test. Messages are kept whole; the stores index what lookups need.
#ifndef QRCLOUD_SERVICES_AGENT_AGENT_STORE_H_
#define QRCLOUD_SERVICES_AGENT_AGENT_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/store/tx.h"
#include "qrcloud/v1/agent.pb.h"
#include "qrcloud/v1/merchant.pb.h"

namespace qrcloud::agent {

class AgentStore {
 public:
  virtual ~AgentStore() = default;
  // The agent, locked for the rest of the unit.
  virtual absl::StatusOr<std::optional<v1::Agent>> Get(store::Tx& tx, absl::string_view id) = 0;
  // Inserts or replaces the agent.
  virtual absl::Status Put(store::Tx& tx, const v1::Agent& agent) = 0;
  // The agents whose parent is `parent_id`.
  virtual absl::StatusOr<std::vector<v1::Agent>> Children(store::Tx& tx,
                                                          absl::string_view parent_id) = 0;
  // Newest first, ids below `before` ("" from the newest), at most `limit`;
  // STATE_UNSPECIFIED: any state.
  virtual absl::StatusOr<std::vector<v1::Agent>> List(store::Tx& tx, v1::Agent::State state,
                                                      absl::string_view before, int limit) = 0;
};

class LinkStore {
 public:
  virtual ~LinkStore() = default;
  // By link id, or by invite code; locked for the rest of the unit.
  virtual absl::StatusOr<std::optional<v1::AgentMerchant>> Get(store::Tx& tx,
                                                               absl::string_view link_id) = 0;
  virtual absl::StatusOr<std::optional<v1::AgentMerchant>> ByCode(store::Tx& tx,
                                                                  absl::string_view code) = 0;
  // ALREADY_EXISTS when the invite code is taken.
  virtual absl::Status Insert(store::Tx& tx, const v1::AgentMerchant& link) = 0;
  virtual absl::Status Update(store::Tx& tx, const v1::AgentMerchant& link) = 0;
  // An agent's links, newest first, ids below `before` ("": from the
  // newest); STATE_UNSPECIFIED: any state.
  virtual absl::StatusOr<std::vector<v1::AgentMerchant>> OfAgent(store::Tx& tx,
                                                                 absl::string_view agent_id,
                                                                 v1::AgentMerchant::State state,
                                                                 absl::string_view before,
                                                                 int limit) = 0;
  // A merchant's links, newest first.
  virtual absl::StatusOr<std::vector<v1::AgentMerchant>> OfMerchant(store::Tx& tx,
                                                                    absl::string_view merchant_id,
                                                                    int limit) = 0;
  // Makes `link_id` the merchant's one agent link: ALREADY_EXISTS when the
  // merchant has one (the store enforces one per merchant, whatever races).
  virtual absl::Status Claim(store::Tx& tx, absl::string_view merchant_id,
                             absl::string_view link_id) = 0;
  // The merchant's current link id, if it has one; locked.
  virtual absl::StatusOr<std::optional<std::string>> Current(store::Tx& tx,
                                                             absl::string_view merchant_id) = 0;
  virtual absl::Status Release(store::Tx& tx, absl::string_view merchant_id) = 0;
};

// What the agent service asks the center about merchants (over gRPC as its
// service account, center_merchants.h; a fake in the unit test).
class MerchantDirectory {
 public:
  virtual ~MerchantDirectory() = default;
  // NOT_FOUND if there is no such merchant.
  virtual absl::StatusOr<v1::Merchant> Get(absl::string_view merchant_id) = 0;
  // The merchant's figures per campaign and day, last 30 days.
  virtual absl::StatusOr<v1::GetMerchantStatsResponse> Stats(absl::string_view merchant_id) = 0;
};

}  // namespace qrcloud::agent

#endif  // QRCLOUD_SERVICES_AGENT_AGENT_STORE_H_
