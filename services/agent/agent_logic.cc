#include "services/agent/agent_logic.h"

#include <google/protobuf/util/json_util.h>
#include <sodium.h>

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "libs/auth/access.h"
#include "libs/core/agent_events.h"
#include "libs/core/ids.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"
#include "libs/core/validate.h"
#include "services/agent/agent_rules.h"

namespace qrcloud::agent {
namespace {

using auth::Access;
using auth::Role;

constexpr int kDefaultPageSize = 20;
constexpr int kMaxPageSize = 100;
constexpr int kMaxMerchantLinks = 50;
// A chain is at most kMaxLevel long; reading further only finds a loop.
constexpr int kMaxChainRead = kMaxLevel + 2;

absl::StatusOr<int> PageSize(const v1::PageRequest& page) {
  if (page.page_size() < 0 || page.page_size() > kMaxPageSize) {
    return core::InvalidField("page.pageSize", absl::StrCat("give 1 to ", kMaxPageSize));
  }
  if (!page.page_token().empty() && !core::IsValidId(page.page_token())) {
    return core::InvalidField("page.pageToken", "is not the nextPageToken of an earlier page");
  }
  return page.page_size() == 0 ? kDefaultPageSize : page.page_size();
}

absl::Status MerchantNotFound(absl::string_view id) {
  return absl::NotFoundError(absl::StrCat("merchant ", id.substr(0, 40), " not found"));
}

// The merchant's owner (or an administrator) answers an agent; its staff
// and anyone else may not.
absl::Status CheckMerchantOwner(const auth::Principal& p, absl::string_view merchant_id) {
  QRCLOUD_RETURN_IF_ERROR(auth::CheckMerchantAccess(p, merchant_id, Access::kWrite));
  if (p.Has(Role::kAdmin) || p.Has(Role::kMerchant)) return absl::OkStatus();
  return absl::PermissionDeniedError("only the merchant's owner answers an agent");
}

std::string NewInviteCode() {
  if (sodium_init() < 0) std::abort();
  static constexpr absl::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  std::string code(kInviteCodeLength, '0');
  for (char& c : code) c = kAlphabet[randombytes_uniform(static_cast<uint32_t>(kAlphabet.size()))];
  return code;
}

absl::Status Publish(store::Tx& tx, const char* type, const google::protobuf::Message& data) {
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(data, &json).ok()) {
    return absl::InternalError(absl::StrCat("cannot write ", type, " as JSON"));
  }
  return tx.AppendEvent({core::kAgentStream, type, std::move(json)}).status();
}

// What settlement is told of a link: no invite code.
v1::AgentMerchant Published(v1::AgentMerchant link) {
  link.clear_invite_code();
  link.clear_invite_url();
  return link;
}

void HideCode(const auth::Principal& p, v1::AgentMerchant& link) {
  if (p.Has(Role::kAdmin) || (p.Has(Role::kAgent) && p.agent_id == link.agent_id())) return;
  link.clear_invite_code();
  link.clear_invite_url();
}

bool IsPeriod(absl::string_view s) {
  if (s.size() != 7 && s.size() != 10) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 4 || i == 7;
    if (dash ? s[i] != '-' : !absl::ascii_isdigit(s[i])) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<v1::Agent> AgentLogic::Load(store::Tx& tx, absl::string_view id) {
  if (!core::IsValidId(id)) return AgentNotFound(id);
  QRCLOUD_ASSIGN_OR_RETURN(std::optional<v1::Agent> agent, agents_.Get(tx, id));
  if (!agent) return AgentNotFound(id);
  return *agent;
}

absl::Status AgentLogic::Save(store::Tx& tx, v1::Agent& agent) {
  core::ToProto(core::ToMicros(clock_.Now()), agent.mutable_update_time());
  QRCLOUD_RETURN_IF_ERROR(agents_.Put(tx, agent));
  return Publish(tx, core::kAgentUpdated, agent);
}

absl::StatusOr<std::vector<v1::Agent>> AgentLogic::Ancestors(store::Tx& tx,
                                                             absl::string_view parent_id) {
  std::vector<v1::Agent> chain;
  std::set<std::string> seen;
  std::string next(parent_id);
  while (!next.empty() && static_cast<int>(chain.size()) < kMaxChainRead) {
    QRCLOUD_ASSIGN_OR_RETURN(std::optional<v1::Agent> a, agents_.Get(tx, next));
    if (!a) break;
    const bool repeat = !seen.insert(a->id()).second;
    chain.push_back(*a);
    if (repeat) break;
    next = a->parent_agent_id();
  }
  return chain;
}

absl::StatusOr<std::vector<v1::Agent>> AgentLogic::Below(store::Tx& tx, absl::string_view id) {
  std::vector<v1::Agent> below;
  std::set<std::string> seen{std::string(id)};
  std::vector<std::string> frontier{std::string(id)};
  for (int depth = 0; depth < kMaxChainRead && !frontier.empty(); ++depth) {
    std::vector<std::string> next;
    for (const std::string& parent : frontier) {
      QRCLOUD_ASSIGN_OR_RETURN(std::vector<v1::Agent> children, agents_.Children(tx, parent));
      for (v1::Agent& c : children) {
        if (seen.insert(c.id()).second) next.push_back(c.id());
        below.push_back(std::move(c));
      }
    }
    frontier = std::move(next);
  }
  return below;
}

absl::Status AgentLogic::Apply(const rpc::CallContext& call, const v1::ApplyRequest& req,
                               v1::Agent& resp) {
  const auth::Principal& p = call.caller();
  const std::string id = ResolveAgentId(p, req.id());
  if (!p.Has(Role::kAgent) || p.agent_id.empty() || p.agent_id != id) {
    if (p.Has(Role::kAdmin)) {
      return absl::PermissionDeniedError("an agent applies for itself, signed in as its account");
    }
    return AgentNotFound(id);
  }
  QRCLOUD_RETURN_IF_ERROR(core::ValidateText("displayName", req.display_name(), 1, 64));
  QRCLOUD_RETURN_IF_ERROR(
      ValidateTerritories("territories", {req.territories().begin(), req.territories().end()}));
  if (req.parent_agent_id() == id) {
    return core::InvalidField("parentAgentId", "an agent cannot be its own parent");
  }
  return runner_.Run([&](store::Tx& tx) -> absl::Status {
    if (!req.parent_agent_id().empty()) {
      absl::StatusOr<v1::Agent> parent = Load(tx, req.parent_agent_id());
      if (!parent.ok()) {
        return core::InvalidField("parentAgentId",
                                  absl::StrCat("no agent ", req.parent_agent_id().substr(0, 40)));
      }
    }
    QRCLOUD_ASSIGN_OR_RETURN(std::optional<v1::Agent> existing, agents_.Get(tx, id));
    v1::Agent agent;
    if (existing) {
      if (existing->state() != v1::Agent::APPLIED) {
        return absl::FailedPreconditionError(
            absl::StrCat("agent ", id, " is ", v1::Agent::State_Name(existing->state()),
                         " already; an administrator changes its terms"));
      }
      agent = *existing;
    } else {
      agent.set_id(id);
      agent.set_account_id(p.account_id);
      agent.set_state(v1::Agent::APPLIED);
      core::ToProto(core::ToMicros(clock_.Now()), agent.mutable_create_time());
    }
    agent.set_display_name(req.display_name());
    *agent.mutable_territories() = req.territories();
    agent.set_requested_parent_agent_id(req.parent_agent_id());
    QRCLOUD_RETURN_IF_ERROR(Save(tx, agent));
    resp = agent;
    return absl::OkStatus();
  });
}

absl::Status AgentLogic::Authorize(const rpc::CallContext& call, const v1::AuthorizeRequest& req,
                                   v1::Agent& resp) {
  QRCLOUD_RETURN_IF_ERROR(auth::RequireRole(call.caller(), Role::kAdmin));
  QRCLOUD_RETURN_IF_ERROR(ValidateLevel(req.level()));
  const int share =
      req.has_commission_bps() ? req.commission_bps() : options_.level_shares[req.level()];
  QRCLOUD_RETURN_IF_ERROR(ValidateCommission(share));
  if (!req.parent_agent_id().empty() && !core::IsValidId(req.parent_agent_id())) {
    return core::InvalidField("parentAgentId",
                              absl::StrCat("no agent ", req.parent_agent_id().substr(0, 40)));
  }
  if (req.territories_size() > 0) {
    QRCLOUD_RETURN_IF_ERROR(
        ValidateTerritories("territories", {req.territories().begin(), req.territories().end()}));
  }
  return runner_.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(v1::Agent agent, Load(tx, req.id()));
    agent.set_level(req.level());
    agent.set_commission_bps(share);
    agent.set_parent_agent_id(req.parent_agent_id());
    if (req.territories_size() > 0) *agent.mutable_territories() = req.territories();
    std::vector<v1::Agent> ancestors;
    if (!req.parent_agent_id().empty()) {
      QRCLOUD_ASSIGN_OR_RETURN(ancestors, Ancestors(tx, req.parent_agent_id()));
      if (ancestors.empty()) {
        return core::InvalidField("parentAgentId",
                                  absl::StrCat("no agent ", req.parent_agent_id().substr(0, 40)));
      }
    }
    QRCLOUD_ASSIGN_OR_RETURN(std::vector<v1::Agent> below, Below(tx, agent.id()));
    QRCLOUD_RETURN_IF_ERROR(CheckTerms(agent, ancestors, below));
    agent.set_state(v1::Agent::AUTHORIZED);
    agent.clear_suspend_reason();
    core::ToProto(core::ToMicros(clock_.Now()), agent.mutable_authorize_time());
    QRCLOUD_RETURN_IF_ERROR(Save(tx, agent));
    resp = agent;
    return absl::OkStatus();
  });
}

absl::Status AgentLogic::Suspend(const rpc::CallContext& call, const v1::SuspendAgentRequest& req,
                                 v1::Agent& resp) {
  QRCLOUD_RETURN_IF_ERROR(auth::RequireRole(call.caller(), Role::kAdmin));
  QRCLOUD_RETURN_IF_ERROR(core::ValidateText("reason", req.reason(), 1, 256));
  return runner_.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(v1::Agent agent, Load(tx, req.id()));
    if (agent.state() == v1::Agent::APPLIED) {
      return absl::FailedPreconditionError(
          absl::StrCat("agent ", agent.id(), " was never authorized; there is nothing to suspend"));
    }
    agent.set_state(v1::Agent::SUSPENDED);
    agent.set_suspend_reason(req.reason());
    QRCLOUD_RETURN_IF_ERROR(Save(tx, agent));
    resp = agent;
    return absl::OkStatus();
  });
}

absl::Status AgentLogic::Reinstate(const rpc::CallContext& call,
                                   const v1::ReinstateAgentRequest& req, v1::Agent& resp) {
  QRCLOUD_RETURN_IF_ERROR(auth::RequireRole(call.caller(), Role::kAdmin));
  return runner_.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(v1::Agent agent, Load(tx, req.id()));
    if (agent.state() != v1::Agent::SUSPENDED) {
      return absl::FailedPreconditionError(absl::StrCat(
          "agent ", agent.id(), " is ", v1::Agent::State_Name(agent.state()), ", not SUSPENDED"));
    }
    if (!agent.parent_agent_id().empty()) {
      QRCLOUD_ASSIGN_OR_RETURN(v1::Agent parent, Load(tx, agent.parent_agent_id()));
      QRCLOUD_RETURN_IF_ERROR(CheckParent(agent, parent));
    }
    agent.set_state(v1::Agent::AUTHORIZED);
    agent.clear_suspend_reason();
    core::ToProto(core::ToMicros(clock_.Now()), agent.mutable_authorize_time());
    QRCLOUD_RETURN_IF_ERROR(Save(tx, agent));
    resp = agent;
    return absl::OkStatus();
  });
}

absl::Status AgentLogic::Get(const rpc::CallContext& call, const v1::GetAgentRequest& req,
                             v1::Agent& resp) {
  const std::string id = ResolveAgentId(call.caller(), req.id());
  QRCLOUD_RETURN_IF_ERROR(CheckAgentAccess(call.caller(), id, Access::kRead));
  return runner_.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(resp, Load(tx, id));
    return absl::OkStatus();
  });
}

absl::Status AgentLogic::List(const rpc::CallContext& call, const v1::ListAgentsRequest& req,
                              v1::ListAgentsResponse& resp) {
  QRCLOUD_RETURN_IF_ERROR(auth::RequireAnyRole(call.caller(), {Role::kAdmin, Role::kAuditor}));
  QRCLOUD_ASSIGN_OR_RETURN(const int size, PageSize(req.page()));
  return runner_.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(std::vector<v1::Agent> agents,
                             agents_.List(tx, req.state(), req.page().page_token(), size + 1));
    resp.Clear();
    for (int i = 0; i < std::min<int>(size, agents.size()); ++i) *resp.add_agents() = agents[i];
    if (static_cast<int>(agents.size()) > size) {
      resp.mutable_page()->set_next_page_token(agents[size - 1].id());
    }
    return absl::OkStatus();
  });
}

absl::Status AgentLogic::LinkMerchant(const rpc::CallContext& call,
                                      const v1::LinkMerchantRequest& req, v1::AgentMerchant& resp) {
  const std::string id = ResolveAgentId(call.caller(), req.id());
  QRCLOUD_RETURN_IF_ERROR(CheckAgentAccess(call.caller(), id, Access::kWrite));
  v1::Merchant merchant;
  if (!req.merchant_id().empty()) {
    if (!core::IsValidId(req.merchant_id())) return MerchantNotFound(req.merchant_id());
    QRCLOUD_ASSIGN_OR_RETURN(merchant, merchants_.Get(req.merchant_id()));
  }
  const absl::Time now = core::ToMicros(clock_.Now());
  return runner_.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(v1::Agent agent, Load(tx, id));
    QRCLOUD_RETURN_IF_ERROR(CheckMaySignUp(agent));
    v1::AgentMerchant link;
    link.set_link_id(core::NewIdAt(now));
    link.set_agent_id(id);
    core::ToProto(now, link.mutable_create_time());
    if (req.merchant_id().empty()) {
      link.set_state(v1::AgentMerchant::INVITED);
      core::ToProto(now + options_.invite_ttl, link.mutable_expire_time());
      for (int attempt = 0;; ++attempt) {
        link.set_invite_code(NewInviteCode());
        link.set_invite_url(
            absl::StrCat(options_.public_url, "/v1/agentInvites/", link.invite_code(), ":accept"));
        absl::Status inserted = links_.Insert(tx, link);
        if (inserted.ok()) break;
        if (inserted.code() != absl::StatusCode::kAlreadyExists || attempt == 4) return inserted;
      }
      resp = link;
      return absl::OkStatus();
    }
    QRCLOUD_ASSIGN_OR_RETURN(std::vector<v1::AgentMerchant> existing,
                             links_.OfMerchant(tx, merchant.id(), kMaxMerchantLinks));
    for (const v1::AgentMerchant& l : existing) {
      const bool mine = l.agent_id() == id;
      if (l.state() == v1::AgentMerchant::LINKED && !mine) {
        return absl::FailedPreconditionError(
            absl::StrCat("merchant ", merchant.id(), " has an agent already"));
      }
      if (mine &&
          (l.state() == v1::AgentMerchant::LINKED || l.state() == v1::AgentMerchant::REQUESTED)) {
        resp = l;  // asked or linked already: the same answer
        return absl::OkStatus();
      }
    }
    link.set_state(v1::AgentMerchant::REQUESTED);
    link.set_merchant_id(merchant.id());
    link.set_display_name(merchant.display_name());
    QRCLOUD_RETURN_IF_ERROR(links_.Insert(tx, link));
    resp = link;
    return absl::OkStatus();
  });
}

absl::Status AgentLogic::AddMerchantView(v1::AgentMerchant& link) {
  absl::StatusOr<v1::Merchant> merchant = merchants_.Get(link.merchant_id());
  if (merchant.status().code() == absl::StatusCode::kNotFound) return absl::OkStatus();
  QRCLOUD_RETURN_IF_ERROR(merchant.status());
  link.set_display_name(merchant->display_name());
  link.set_qualification_state(merchant->qualification().state());
  link.set_cloud_business_enabled(merchant->cloud_business_enabled());
  link.set_landing_business_enabled(merchant->landing_business_enabled());
  QRCLOUD_ASSIGN_OR_RETURN(v1::GetMerchantStatsResponse stats,
                           merchants_.Stats(link.merchant_id()));
  v1::AgentMerchantStats& sum = *link.mutable_stats();
  for (const v1::CampaignDayStats& d : stats.days()) {
    sum.set_scans(sum.scans() + d.scans());
    sum.set_unique_visitors(sum.unique_visitors() + d.unique_visitors());
    sum.set_page_views(sum.page_views() + d.page_views());
    sum.set_orders(sum.orders() + d.orders());
    sum.set_redemptions(sum.redemptions() + d.redemptions());
  }
  return absl::OkStatus();
}

absl::Status AgentLogic::ListMerchants(const rpc::CallContext& call,
                                       const v1::ListAgentMerchantsRequest& req,
                                       v1::ListAgentMerchantsResponse& resp) {
  const std::string id = ResolveAgentId(call.caller(), req.id());
  QRCLOUD_RETURN_IF_ERROR(CheckAgentAccess(call.caller(), id, Access::kRead));
  QRCLOUD_ASSIGN_OR_RETURN(const int size, PageSize(req.page()));
  std::vector<v1::AgentMerchant> links;
  const absl::Status read = runner_.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_RETURN_IF_ERROR(Load(tx, id).status());
    QRCLOUD_ASSIGN_OR_RETURN(
        links, links_.OfAgent(tx, id, req.state(), req.page().page_token(), size + 1));
    return absl::OkStatus();
  });
  QRCLOUD_RETURN_IF_ERROR(read);
  resp.Clear();
  if (static_cast<int>(links.size()) > size) {
    links.resize(size);
    resp.mutable_page()->set_next_page_token(links.back().link_id());
  }
  for (v1::AgentMerchant& link : links) {
    if (link.state() == v1::AgentMerchant::LINKED) {
      QRCLOUD_RETURN_IF_ERROR(AddMerchantView(link));
    }
    HideCode(call.caller(), link);
    *resp.add_merchants() = std::move(link);
  }
  return absl::OkStatus();
}

absl::Status AgentLogic::ListStatements(const rpc::CallContext& call,
                                        const v1::ListAgentStatementsRequest& req,
                                        v1::ListAgentStatementsResponse& resp) {
  const std::string id = ResolveAgentId(call.caller(), req.id());
  QRCLOUD_RETURN_IF_ERROR(CheckAgentAccess(call.caller(), id, Access::kRead));
  if (!req.period().empty() && !IsPeriod(req.period())) {
    return core::InvalidField("period", "give a month, YYYY-MM, or a day, YYYY-MM-DD");
  }
  QRCLOUD_RETURN_IF_ERROR(runner_.Run([&](store::Tx& tx) { return Load(tx, id).status(); }));
  resp.set_statements_url(absl::StrCat("/v1/statements?party=agent:", id,
                                       req.period().empty() ? "" : "&period=", req.period()));
  return absl::OkStatus();
}

absl::Status AgentLogic::Link(store::Tx& tx, v1::AgentMerchant& link) {
  QRCLOUD_RETURN_IF_ERROR(CheckLinkTransition(link.state(), v1::AgentMerchant::LINKED));
  QRCLOUD_ASSIGN_OR_RETURN(v1::Agent agent, Load(tx, link.agent_id()));
  QRCLOUD_RETURN_IF_ERROR(CheckMaySignUp(agent));
  absl::Status claimed = links_.Claim(tx, link.merchant_id(), link.link_id());
  if (claimed.code() == absl::StatusCode::kAlreadyExists) {
    return absl::FailedPreconditionError(absl::StrCat(
        "merchant ", link.merchant_id(), " has an agent already; a merchant has at most one"));
  }
  QRCLOUD_RETURN_IF_ERROR(claimed);
  link.set_state(v1::AgentMerchant::LINKED);
  core::ToProto(core::ToMicros(clock_.Now()), link.mutable_link_time());
  QRCLOUD_RETURN_IF_ERROR(links_.Update(tx, link));
  return Publish(tx, core::kAgentMerchantLinked, Published(link));
}

absl::Status AgentLogic::AcceptInvite(const rpc::CallContext& call,
                                      const v1::AcceptAgentInviteRequest& req,
                                      v1::AgentMerchant& resp) {
  const auth::Principal& p = call.caller();
  const std::string merchant_id = req.merchant_id().empty() ? p.merchant_id : req.merchant_id();
  if (merchant_id.empty()) {
    return absl::PermissionDeniedError("only a merchant's owner accepts an agent's invite");
  }
  QRCLOUD_RETURN_IF_ERROR(CheckMerchantOwner(p, merchant_id));
  QRCLOUD_ASSIGN_OR_RETURN(const std::string code, NormalizeInviteCode(req.code()));
  return runner_.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(std::optional<v1::AgentMerchant> link, links_.ByCode(tx, code));
    if (!link) return absl::NotFoundError(absl::StrCat("no invite ", code));
    if (link->state() == v1::AgentMerchant::LINKED && link->merchant_id() == merchant_id) {
      resp = *link;  // accepted already: the same answer
      return absl::OkStatus();
    }
    if (link->state() != v1::AgentMerchant::INVITED) {
      return absl::FailedPreconditionError(
          absl::StrCat("invite ", code, " has been used; ask the agent for a new one"));
    }
    if (core::ToMicros(clock_.Now()) > core::FromProto(link->expire_time())) {
      return absl::FailedPreconditionError(
          absl::StrCat("invite ", code, " has expired; ask the agent for a new one"));
    }
    link->set_merchant_id(merchant_id);
    QRCLOUD_RETURN_IF_ERROR(Link(tx, *link));
    resp = *link;
    return absl::OkStatus();
  });
}

absl::StatusOr<v1::AgentMerchant> AgentLogic::PendingRequest(store::Tx& tx,
                                                             const auth::Principal& caller,
                                                             absl::string_view merchant_id,
                                                             absl::string_view agent_id) {
  QRCLOUD_RETURN_IF_ERROR(CheckMerchantOwner(caller, merchant_id));
  QRCLOUD_ASSIGN_OR_RETURN(std::vector<v1::AgentMerchant> links,
                           links_.OfMerchant(tx, merchant_id, kMaxMerchantLinks));
  for (const v1::AgentMerchant& l : links) {
    if (l.agent_id() != agent_id) continue;
    QRCLOUD_ASSIGN_OR_RETURN(std::optional<v1::AgentMerchant> locked, links_.Get(tx, l.link_id()));
    if (locked) return *locked;
  }
  return absl::NotFoundError(absl::StrCat("merchant ", merchant_id, " has no request from agent ",
                                          agent_id.substr(0, 40)));
}

absl::Status AgentLogic::AcceptLink(const rpc::CallContext& call,
                                    const v1::MerchantAgentLinkRequest& req,
                                    v1::AgentMerchant& resp) {
  return runner_.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(v1::AgentMerchant link,
                             PendingRequest(tx, call.caller(), req.merchant_id(), req.agent_id()));
    if (link.state() != v1::AgentMerchant::LINKED) {
      QRCLOUD_RETURN_IF_ERROR(Link(tx, link));
    }
    resp = link;
    return absl::OkStatus();
  });
}

absl::Status AgentLogic::DeclineLink(const rpc::CallContext& call,
                                     const v1::MerchantAgentLinkRequest& req,
                                     v1::AgentMerchant& resp) {
  return runner_.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(v1::AgentMerchant link,
                             PendingRequest(tx, call.caller(), req.merchant_id(), req.agent_id()));
    if (link.state() != v1::AgentMerchant::DECLINED) {
      QRCLOUD_RETURN_IF_ERROR(CheckLinkTransition(link.state(), v1::AgentMerchant::DECLINED));
      link.set_state(v1::AgentMerchant::DECLINED);
      QRCLOUD_RETURN_IF_ERROR(links_.Update(tx, link));
    }
    resp = link;
    return absl::OkStatus();
  });
}

absl::Status AgentLogic::Unlink(const rpc::CallContext& call,
                                const v1::MerchantAgentLinkRequest& req, v1::AgentMerchant& resp) {
  QRCLOUD_RETURN_IF_ERROR(CheckMerchantOwner(call.caller(), req.merchant_id()));
  return runner_.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(std::optional<std::string> current,
                             links_.Current(tx, req.merchant_id()));
    std::optional<v1::AgentMerchant> link;
    if (current) {
      QRCLOUD_ASSIGN_OR_RETURN(link, links_.Get(tx, *current));
    }
    if (!link || link->agent_id() != req.agent_id()) {
      return absl::NotFoundError(absl::StrCat("merchant ", req.merchant_id(),
                                              " is not linked to agent ",
                                              req.agent_id().substr(0, 40)));
    }
    QRCLOUD_RETURN_IF_ERROR(CheckLinkTransition(link->state(), v1::AgentMerchant::UNLINKED));
    QRCLOUD_RETURN_IF_ERROR(links_.Release(tx, req.merchant_id()));
    link->set_state(v1::AgentMerchant::UNLINKED);
    core::ToProto(core::ToMicros(clock_.Now()), link->mutable_unlink_time());
    QRCLOUD_RETURN_IF_ERROR(links_.Update(tx, *link));
    QRCLOUD_RETURN_IF_ERROR(Publish(tx, core::kAgentMerchantUnlinked, Published(*link)));
    resp = *link;
    return absl::OkStatus();
  });
}

absl::Status AgentLogic::ListMerchantLinks(const rpc::CallContext& call,
                                           const v1::ListMerchantAgentLinksRequest& req,
                                           v1::ListMerchantAgentLinksResponse& resp) {
  QRCLOUD_RETURN_IF_ERROR(
      auth::CheckMerchantAccess(call.caller(), req.merchant_id(), Access::kRead));
  return runner_.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(std::vector<v1::AgentMerchant> links,
                             links_.OfMerchant(tx, req.merchant_id(), kMaxMerchantLinks));
    resp.Clear();
    for (v1::AgentMerchant& l : links) {
      l.clear_invite_code();
      l.clear_invite_url();
      *resp.add_links() = std::move(l);
    }
    return absl::OkStatus();
  });
}

}  // namespace qrcloud::agent
