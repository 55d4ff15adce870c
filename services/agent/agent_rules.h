// The agent subsystem's rules, apart from storage and transport: protos in,
// statuses out, tested without a database (agent_rules_test.cc).
//
// Invariants the rules keep, checked whenever an agent's terms change:
//  - a level is 1 (top) .. 3; a parent is AUTHORIZED and of a smaller level
//    than the agent, so a chain has at most three agents and no cycles;
//  - along every chain (an agent and its ancestors) the commission shares
//    sum to at most kMaxShareBps: the commissions of one order never come to
//    more than the platform fee it was charged;
//  - a link moves only INVITED|REQUESTED → LINKED, REQUESTED → DECLINED,
//    LINKED → UNLINKED.
#ifndef QRCLOUD_SERVICES_AGENT_AGENT_RULES_H_
#define QRCLOUD_SERVICES_AGENT_AGENT_RULES_H_

#include <array>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/auth/access.h"
#include "libs/auth/principal.h"
#include "qrcloud/v1/agent.pb.h"

namespace qrcloud::agent {

inline constexpr int kMinLevel = 1;
inline constexpr int kMaxLevel = 3;
inline constexpr int kMaxShareBps = 10000;  // 100% of the platform fee
inline constexpr int kMaxTerritories = 20;
inline constexpr int kInviteCodeLength = 10;

// Territories: 1 to kMaxTerritories GB/T 2260 codes, no repeats. A code is
// six digits: a province (the first two: 11-15, 21-23, 31-37, 41-46, 50-54,
// 61-65, 71, 81, 82), then a city and a county, each 00 for "all of it"
// (a county under no city, 00xx, is not a code). Errors name `field`.
absl::Status ValidateTerritories(absl::string_view field, const std::vector<std::string>& codes);
bool IsRegionCode(absl::string_view code);

absl::Status ValidateLevel(int level);

// The default share of each level, from "1=2000,2=1000,3=500" (every level
// once, 0..10000 each, summing to at most kMaxShareBps so that a chain of
// defaults is always allowed). [0] is unused.
using LevelShares = std::array<int, kMaxLevel + 1>;
absl::StatusOr<LevelShares> ParseLevelShares(absl::string_view text);
absl::Status ValidateCommission(int bps);

// Whether `agent` may take `parent` as its parent (both as they would be):
// not itself, AUTHORIZED, a smaller level. Errors name parentAgentId.
absl::Status CheckParent(const v1::Agent& agent, const v1::Agent& parent);

// Whether the ancestors of a would-be parent (`ancestors`, nearest first,
// starting with the parent itself) contain `agent_id`: the change would make
// a cycle.
bool WouldCycle(absl::string_view agent_id, const std::vector<v1::Agent>& ancestors);

// The largest sum of commission shares along any path down from `root_id`
// through `below` (every agent under it, in any order), `root_id` itself not
// counted. Paths that loop are cut where they repeat.
int MaxShareBelow(absl::string_view root_id, const std::vector<v1::Agent>& below);

// All the rules for `agent` with new terms (level, parent_agent_id,
// commission_bps, territories set): `ancestors` nearest first (empty for no
// parent), `below` every agent under it. The first broken rule, naming its
// field: level, commissionBps, territories, parentAgentId; a share over 100%
// is commissionBps.
absl::Status CheckTerms(const v1::Agent& agent, const std::vector<v1::Agent>& ancestors,
                        const std::vector<v1::Agent>& below);

// Only AUTHORIZED agents sign merchants up.
absl::Status CheckMaySignUp(const v1::Agent& agent);

// FAILED_PRECONDITION, saying why, unless the link may go `from` → `to`.
absl::Status CheckLinkTransition(v1::AgentMerchant::State from, v1::AgentMerchant::State to);

// An invite code as kept (upper case, Crockford base32), or INVALID_ARGUMENT
// naming `code`.
absl::StatusOr<std::string> NormalizeInviteCode(absl::string_view code);

// The agent id `id` stands for: "me" is the calling agent's own (and stays
// "me", which is no agent, for a caller that is not an agent).
std::string ResolveAgentId(const auth::Principal& p, absl::string_view id);

// Agent data: the agent itself reads and writes; auditors read;
// administrators do both. Everyone else: NOT_FOUND, worded as for an agent
// that does not exist.
absl::Status CheckAgentAccess(const auth::Principal& p, absl::string_view agent_id,
                              auth::Access access);
absl::Status AgentNotFound(absl::string_view agent_id);

}  // namespace qrcloud::agent

#endif  // QRCLOUD_SERVICES_AGENT_AGENT_RULES_H_
