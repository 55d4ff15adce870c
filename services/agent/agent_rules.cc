#include "services/agent/agent_rules.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/core/status.h"

namespace qrcloud::agent {
namespace {

constexpr absl::string_view kInviteAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

bool IsProvince(int p) {
  return (p >= 11 && p <= 15) || (p >= 21 && p <= 23) || (p >= 31 && p <= 37) ||
         (p >= 41 && p <= 46) || (p >= 50 && p <= 54) || (p >= 61 && p <= 65) || p == 71 ||
         p == 81 || p == 82;
}

int TwoDigits(absl::string_view s, size_t at) { return (s[at] - '0') * 10 + (s[at + 1] - '0'); }

int ShareAbove(const std::vector<v1::Agent>& ancestors) {
  int sum = 0;
  for (const v1::Agent& a : ancestors) sum += a.commission_bps();
  return sum;
}

}  // namespace

bool IsRegionCode(absl::string_view code) {
  if (code.size() != 6 || !std::all_of(code.begin(), code.end(), absl::ascii_isdigit)) return false;
  if (!IsProvince(TwoDigits(code, 0))) return false;
  return !(TwoDigits(code, 2) == 0 && TwoDigits(code, 4) != 0);
}

absl::Status ValidateTerritories(absl::string_view field, const std::vector<std::string>& codes) {
  if (codes.empty() || static_cast<int>(codes.size()) > kMaxTerritories) {
    return core::InvalidField(field, absl::StrCat("give 1 to ", kMaxTerritories,
                                                  " GB/T 2260 region codes, e.g. \"350100\""));
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < codes.size(); ++i) {
    const std::string name = absl::StrCat(field, "[", i, "]");
    if (!IsRegionCode(codes[i])) {
      return core::InvalidField(
          name, absl::StrCat("\"", codes[i].substr(0, 16),
                             "\" is not a GB/T 2260 region code: six digits, a province (11-82) "
                             "then city and county, 00 for all of it, e.g. \"350000\", \"350100\", "
                             "\"350102\""));
    }
    if (!seen.insert(codes[i]).second) {
      return core::InvalidField(name, absl::StrCat("\"", codes[i], "\" is given twice"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateLevel(int level) {
  if (level >= kMinLevel && level <= kMaxLevel) return absl::OkStatus();
  return core::InvalidField("level",
                            absl::StrCat(level, " is not a level: 1 (top) to ", kMaxLevel));
}

absl::StatusOr<LevelShares> ParseLevelShares(absl::string_view text) {
  LevelShares shares{};
  std::set<int> given;
  int sum = 0;
  for (absl::string_view item : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    const std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(absl::StripAsciiWhitespace(item), '=');
    int level = 0, bps = -1;
    if (!absl::SimpleAtoi(kv.first, &level) || !absl::SimpleAtoi(kv.second, &bps) ||
        level < kMinLevel || level > kMaxLevel || bps < 0 || bps > kMaxShareBps ||
        !given.insert(level).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("level commission: \"", item,
                       "\" is not <level 1..3>=<basis points 0..10000>, each level once"));
    }
    shares[level] = bps;
    sum += bps;
  }
  if (static_cast<int>(given.size()) != kMaxLevel || sum > kMaxShareBps) {
    return absl::InvalidArgumentError(
        absl::StrCat("level commission: give levels 1, 2 and 3 once each, summing to at most ",
                     kMaxShareBps, " basis points, e.g. 1=2000,2=1000,3=500"));
  }
  return shares;
}

absl::Status ValidateCommission(int bps) {
  if (bps >= 0 && bps <= kMaxShareBps) return absl::OkStatus();
  return core::InvalidField("commissionBps",
                            absl::StrCat(bps, " is a share over 100% or below 0: give 0 to ",
                                         kMaxShareBps, " basis points of the platform fee"));
}

absl::Status CheckParent(const v1::Agent& agent, const v1::Agent& parent) {
  if (parent.id() == agent.id()) {
    return core::InvalidField("parentAgentId", "an agent cannot be its own parent");
  }
  if (parent.state() != v1::Agent::AUTHORIZED) {
    return core::InvalidField("parentAgentId", absl::StrCat("agent ", parent.id(), " is ",
                                                            v1::Agent::State_Name(parent.state()),
                                                            "; a parent must be AUTHORIZED"));
  }
  if (parent.level() >= agent.level()) {
    return core::InvalidField(
        "parentAgentId",
        absl::StrCat("agent ", parent.id(), " is level ", parent.level(),
                     "; a parent must be of a higher level (a smaller number) than this agent's ",
                     agent.level()));
  }
  return absl::OkStatus();
}

bool WouldCycle(absl::string_view agent_id, const std::vector<v1::Agent>& ancestors) {
  return std::any_of(ancestors.begin(), ancestors.end(),
                     [&](const v1::Agent& a) { return a.id() == agent_id; });
}

int MaxShareBelow(absl::string_view root_id, const std::vector<v1::Agent>& below) {
  std::multimap<std::string, const v1::Agent*> children;
  for (const v1::Agent& a : below) children.emplace(a.parent_agent_id(), &a);
  std::set<std::string> on_path{std::string(root_id)};
  // Depth first; a path is at most as long as there are agents.
  std::function<int(const std::string&)> down = [&](const std::string& id) {
    int best = 0;
    auto [first, last] = children.equal_range(id);
    for (auto it = first; it != last; ++it) {
      const v1::Agent& child = *it->second;
      if (!on_path.insert(child.id()).second) continue;  // a loop: cut here
      best = std::max(best, child.commission_bps() + down(child.id()));
      on_path.erase(child.id());
    }
    return best;
  };
  return down(std::string(root_id));
}

absl::Status CheckTerms(const v1::Agent& agent, const std::vector<v1::Agent>& ancestors,
                        const std::vector<v1::Agent>& below) {
  QRCLOUD_RETURN_IF_ERROR(ValidateLevel(agent.level()));
  QRCLOUD_RETURN_IF_ERROR(ValidateCommission(agent.commission_bps()));
  QRCLOUD_RETURN_IF_ERROR(
      ValidateTerritories("territories", {agent.territories().begin(), agent.territories().end()}));
  if (agent.parent_agent_id().empty() != ancestors.empty()) {
    return absl::InternalError("the ancestors read do not match the parent named");
  }
  if (!ancestors.empty()) {
    if (WouldCycle(agent.id(), ancestors)) {
      return core::InvalidField("parentAgentId",
                                absl::StrCat("agent ", agent.parent_agent_id(),
                                             " is below this agent; a parent cannot be below it"));
    }
    QRCLOUD_RETURN_IF_ERROR(CheckParent(agent, ancestors.front()));
  }
  for (const v1::Agent& child : below) {
    if (child.parent_agent_id() == agent.id() && child.level() <= agent.level()) {
      return core::InvalidField(
          "level", absl::StrCat("agent ", child.id(), " below this one is level ", child.level(),
                                "; this agent's level must be smaller than its children's"));
    }
  }
  const int above = ShareAbove(ancestors);
  const int under = MaxShareBelow(agent.id(), below);
  const int total = above + agent.commission_bps() + under;
  if (total > kMaxShareBps) {
    return core::InvalidField(
        "commissionBps",
        absl::StrCat("a share over 100%: ", agent.commission_bps(), " basis points with ", above,
                     " above this agent and up to ", under, " below it come to ", total,
                     " of the platform fee; along a chain the shares may come to at most ",
                     kMaxShareBps, ", so give at most ",
                     std::max(0, kMaxShareBps - above - under)));
  }
  return absl::OkStatus();
}

absl::Status CheckMaySignUp(const v1::Agent& agent) {
  if (agent.state() == v1::Agent::AUTHORIZED) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("agent ", agent.id(), " is ", v1::Agent::State_Name(agent.state()),
                   "; only an AUTHORIZED agent signs merchants up"));
}

absl::Status CheckLinkTransition(v1::AgentMerchant::State from, v1::AgentMerchant::State to) {
  using S = v1::AgentMerchant;
  const bool ok = (to == S::LINKED && (from == S::INVITED || from == S::REQUESTED)) ||
                  (to == S::DECLINED && from == S::REQUESTED) ||
                  (to == S::UNLINKED && from == S::LINKED);
  if (ok) return absl::OkStatus();
  switch (from) {
    case S::LINKED:
      return absl::FailedPreconditionError("the merchant is linked to the agent already");
    case S::DECLINED:
      return absl::FailedPreconditionError(
          "this request was declined; the agent may ask again with a new one");
    case S::UNLINKED:
      return absl::FailedPreconditionError(
          "this link has ended; the agent may ask again with a new request or invite");
    default:
      return absl::FailedPreconditionError(
          absl::StrCat("a link ", S::State_Name(from), " cannot become ", S::State_Name(to)));
  }
}

absl::StatusOr<std::string> NormalizeInviteCode(absl::string_view code) {
  std::string out = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(code));
  const bool shaped =
      out.size() == kInviteCodeLength &&
      out.find_first_not_of(kInviteAlphabet.data(), 0, kInviteAlphabet.size()) == std::string::npos;
  if (shaped) return out;
  return core::InvalidField("code", absl::StrCat("is not an invite code: ", kInviteCodeLength,
                                                 " letters and digits, as the agent gave it"));
}

std::string ResolveAgentId(const auth::Principal& p, absl::string_view id) {
  if (id == "me" && !p.agent_id.empty()) return p.agent_id;
  return std::string(id);
}

absl::Status AgentNotFound(absl::string_view agent_id) {
  return absl::NotFoundError(absl::StrCat("agent ", agent_id.substr(0, 40), " not found"));
}

absl::Status CheckAgentAccess(const auth::Principal& p, absl::string_view agent_id,
                              auth::Access access) {
  if (p.Has(auth::Role::kAdmin)) return absl::OkStatus();
  if (access == auth::Access::kRead && p.Has(auth::Role::kAuditor)) return absl::OkStatus();
  if (p.Has(auth::Role::kAgent) && !p.agent_id.empty() && p.agent_id == agent_id) {
    return absl::OkStatus();
  }
  return AgentNotFound(agent_id);
}

}  // namespace qrcloud::agent
