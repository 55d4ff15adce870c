// The agent logic on memory: applications, authorization, invites and links
// with consent, tenancy, and the events for settlement. No database.
#include "services/agent/agent_logic.h"

#include <google/protobuf/util/json_util.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>

#include "absl/strings/ascii.h"
#include "libs/core/agent_events.h"
#include "libs/core/ids.h"
#include "libs/core/status.h"
#include "libs/store/memory_tx.h"
#include "services/agent/agent_rules.h"

namespace qrcloud::agent {
namespace {

template <typename T>
void Keep(store::MemoryDb& db, T& table) {
  db.Register([&table] {
    auto saved = table;
    return [&table, saved] { table = saved; };
  });
}

class MemoryAgentStore final : public AgentStore {
 public:
  explicit MemoryAgentStore(store::MemoryDb& db) { Keep(db, rows_); }
  absl::StatusOr<std::optional<v1::Agent>> Get(store::Tx&, absl::string_view id) override {
    auto it = rows_.find(std::string(id));
    if (it == rows_.end()) return std::nullopt;
    return it->second;
  }
  absl::Status Put(store::Tx&, const v1::Agent& agent) override {
    rows_[agent.id()] = agent;
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<v1::Agent>> Children(store::Tx&,
                                                  absl::string_view parent_id) override {
    std::vector<v1::Agent> out;
    for (const auto& [id, a] : rows_) {
      if (a.parent_agent_id() == parent_id) out.push_back(a);
    }
    return out;
  }
  absl::StatusOr<std::vector<v1::Agent>> List(store::Tx&, v1::Agent::State state,
                                              absl::string_view before, int limit) override {
    std::vector<v1::Agent> out;
    for (auto it = rows_.rbegin(); it != rows_.rend() && static_cast<int>(out.size()) < limit;
         ++it) {
      if ((before.empty() || it->first < before) &&
          (state == v1::Agent::STATE_UNSPECIFIED || it->second.state() == state)) {
        out.push_back(it->second);
      }
    }
    return out;
  }

 private:
  std::map<std::string, v1::Agent> rows_;
};

class MemoryLinkStore final : public LinkStore {
 public:
  explicit MemoryLinkStore(store::MemoryDb& db) {
    Keep(db, rows_);
    Keep(db, claims_);
  }
  absl::StatusOr<std::optional<v1::AgentMerchant>> Get(store::Tx&,
                                                       absl::string_view link_id) override {
    auto it = rows_.find(std::string(link_id));
    if (it == rows_.end()) return std::nullopt;
    return it->second;
  }
  absl::StatusOr<std::optional<v1::AgentMerchant>> ByCode(store::Tx&,
                                                          absl::string_view code) override {
    for (const auto& [id, l] : rows_) {
      if (!code.empty() && l.invite_code() == code) return l;
    }
    return std::nullopt;
  }
  absl::Status Insert(store::Tx&, const v1::AgentMerchant& link) override {
    rows_[link.link_id()] = link;
    return absl::OkStatus();
  }
  absl::Status Update(store::Tx&, const v1::AgentMerchant& link) override {
    rows_[link.link_id()] = link;
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<v1::AgentMerchant>> OfAgent(store::Tx&, absl::string_view agent_id,
                                                         v1::AgentMerchant::State state,
                                                         absl::string_view before,
                                                         int limit) override {
    return Select(limit, [&](const v1::AgentMerchant& l) {
      return l.agent_id() == agent_id && (before.empty() || l.link_id() < before) &&
             (state == v1::AgentMerchant::STATE_UNSPECIFIED || l.state() == state);
    });
  }
  absl::StatusOr<std::vector<v1::AgentMerchant>> OfMerchant(store::Tx&,
                                                            absl::string_view merchant_id,
                                                            int limit) override {
    return Select(limit,
                  [&](const v1::AgentMerchant& l) { return l.merchant_id() == merchant_id; });
  }
  absl::Status Claim(store::Tx&, absl::string_view merchant_id,
                     absl::string_view link_id) override {
    if (!claims_.emplace(std::string(merchant_id), std::string(link_id)).second) {
      return absl::AlreadyExistsError("claimed");
    }
    return absl::OkStatus();
  }
  absl::StatusOr<std::optional<std::string>> Current(store::Tx&,
                                                     absl::string_view merchant_id) override {
    auto it = claims_.find(std::string(merchant_id));
    if (it == claims_.end()) return std::nullopt;
    return it->second;
  }
  absl::Status Release(store::Tx&, absl::string_view merchant_id) override {
    claims_.erase(std::string(merchant_id));
    return absl::OkStatus();
  }

 private:
  template <typename Pred>
  std::vector<v1::AgentMerchant> Select(int limit, Pred pred) {
    std::vector<v1::AgentMerchant> out;
    for (auto it = rows_.rbegin(); it != rows_.rend() && static_cast<int>(out.size()) < limit;
         ++it) {
      if (pred(it->second)) out.push_back(it->second);
    }
    return out;
  }
  std::map<std::string, v1::AgentMerchant> rows_;
  std::map<std::string, std::string> claims_;
};

class FakeDirectory final : public MerchantDirectory {
 public:
  absl::StatusOr<v1::Merchant> Get(absl::string_view id) override {
    auto it = merchants.find(std::string(id));
    if (it == merchants.end()) return absl::NotFoundError("merchant not found");
    return it->second;
  }
  absl::StatusOr<v1::GetMerchantStatsResponse> Stats(absl::string_view) override {
    v1::GetMerchantStatsResponse r;
    for (int i = 0; i < 2; ++i) {
      v1::CampaignDayStats& d = *r.add_days();
      d.set_scans(10);
      d.set_orders(2);
      d.set_redemptions(1);
    }
    return r;
  }
  std::map<std::string, v1::Merchant> merchants;
};

struct World {
  store::MemoryDb db;
  MemoryAgentStore agents{db};
  MemoryLinkStore links{db};
  FakeDirectory directory;
  core::FakeClock clock{absl::FromUnixSeconds(1796400000)};
  AgentLogic logic{db, agents, links, directory, clock};

  auth::Principal admin, merchant_owner, staff;
  std::map<std::string, auth::Principal> agent_principals;

  World() {
    admin.account_id = core::NewId();
    admin.Grant(auth::Role::kAdmin);
    v1::Merchant m;
    m.set_id(core::NewId());
    m.set_display_name("Min River Tea");
    m.mutable_qualification()->set_state(v1::Qualification::APPROVED);
    directory.merchants[m.id()] = m;
    merchant_owner.account_id = core::NewId();
    merchant_owner.Grant(auth::Role::kMerchant);
    merchant_owner.merchant_id = m.id();
    staff = merchant_owner;
    staff.roles = 0;
    staff.Grant(auth::Role::kMerchantStaff);
  }
  const std::string& merchant_id() const { return merchant_owner.merchant_id; }

  // A new agent account that applied.
  std::string Applied(const std::string& name = "Fuzhou Partners") {
    auth::Principal p;
    p.account_id = core::NewId();
    p.agent_id = core::NewId();
    p.Grant(auth::Role::kAgent);
    agent_principals[p.agent_id] = p;
    v1::ApplyRequest req;
    req.set_id("me");
    req.set_display_name(name);
    req.add_territories("350100");
    v1::Agent out;
    REQUIRE(logic.Apply(As(p), req, out).ok());
    return p.agent_id;
  }
  absl::Status Authorize(const std::string& id, int level, int bps,
                         const std::string& parent = "") {
    v1::AuthorizeRequest req;
    req.set_id(id);
    req.set_level(level);
    req.set_commission_bps(bps);
    req.set_parent_agent_id(parent);
    v1::Agent out;
    return logic.Authorize(As(admin), req, out);
  }
  rpc::CallContext As(const auth::Principal& p) {
    rpc::CallContext c;
    c.principal = &p;
    return c;
  }
  rpc::CallContext Agent(const std::string& id) { return As(agent_principals.at(id)); }
  std::vector<std::string> EventTypes() {
    std::vector<std::string> types;
    for (const auto& [id, e] : db.events()) {
      CHECK(e.stream == core::kAgentStream);
      types.push_back(e.type);
    }
    return types;
  }
};

TEST_CASE(
    "An agent applies for itself, an administrator authorizes it, and each change is an event") {
  World w;
  const std::string a = w.Applied();
  v1::GetAgentRequest get;
  get.set_id(a);
  v1::Agent shown;
  REQUIRE(w.logic.Get(w.Agent(a), get, shown).ok());
  CHECK(shown.state() == v1::Agent::APPLIED);
  CHECK(shown.display_name() == "Fuzhou Partners");
  REQUIRE(w.Authorize(a, 1, 2000).ok());
  REQUIRE(w.logic.Get(w.Agent(a), get, shown).ok());
  CHECK(shown.state() == v1::Agent::AUTHORIZED);
  CHECK(shown.level() == 1);
  CHECK(shown.commission_bps() == 2000);
  CHECK(shown.territories(0) == "350100");  // kept from the application
  CHECK(w.EventTypes() == std::vector<std::string>{core::kAgentUpdated, core::kAgentUpdated});
  v1::Agent published;
  REQUIRE(google::protobuf::util::JsonStringToMessage(w.db.events().back().second.data, &published)
              .ok());
  CHECK(published.state() == v1::Agent::AUTHORIZED);
  CHECK(published.commission_bps() == 2000);
}

TEST_CASE("Nobody applies for another agent, and only administrators authorize") {
  World w;
  const std::string a = w.Applied();
  const std::string b = w.Applied("Xiamen Sales");
  v1::ApplyRequest req;
  req.set_id(b);
  req.set_display_name("taken over");
  req.add_territories("350100");
  v1::Agent out;
  CHECK(w.logic.Apply(w.Agent(a), req, out).code() == absl::StatusCode::kNotFound);
  v1::AuthorizeRequest auth;
  auth.set_id(a);
  auth.set_level(1);
  CHECK(w.logic.Authorize(w.Agent(a), auth, out).code() == absl::StatusCode::kPermissionDenied);
  v1::GetAgentRequest get;
  get.set_id(b);
  CHECK(w.logic.Get(w.Agent(a), get, out).code() == absl::StatusCode::kNotFound);
}

TEST_CASE("A refused authorization writes nothing and publishes nothing") {
  World w;
  const std::string top = w.Applied();
  const std::string sub = w.Applied("Sub");
  REQUIRE(w.Authorize(top, 1, 6000).ok());
  const size_t events = w.db.events().size();
  const absl::Status over = w.Authorize(sub, 2, 4001, top);
  CHECK(core::FieldViolations(over).at(0).field == "commissionBps");
  CHECK(core::FieldViolations(w.Authorize(sub, 1, 100, top)).at(0).field == "parentAgentId");
  CHECK(core::FieldViolations(w.Authorize(sub, 4, 100)).at(0).field == "level");
  CHECK(w.db.events().size() == events);
  v1::GetAgentRequest get;
  get.set_id(sub);
  v1::Agent shown;
  REQUIRE(w.logic.Get(w.As(w.admin), get, shown).ok());
  CHECK(shown.state() == v1::Agent::APPLIED);
  CHECK(w.Authorize(sub, 2, 3000, top).ok());
  // Without a share, the level's default (level 3: 500 of the fee).
  const std::string leaf = w.Applied("Leaf");
  v1::AuthorizeRequest by_level;
  by_level.set_id(leaf);
  by_level.set_level(3);
  by_level.set_parent_agent_id(sub);
  v1::Agent authorized;
  REQUIRE(w.logic.Authorize(w.As(w.admin), by_level, authorized).ok());
  CHECK(authorized.commission_bps() == 500);
  // The top agent cannot now raise its share past what its chain leaves
  // (3000 and 500 below it).
  CHECK(w.Authorize(top, 1, 6500).ok());
  CHECK(core::FieldViolations(w.Authorize(top, 1, 6501)).at(0).field == "commissionBps");
  // Nor become a level its child already is.
  CHECK(core::FieldViolations(w.Authorize(top, 2, 1000)).at(0).field == "level");
}

TEST_CASE("An invite links the merchant whose owner accepts it, once") {
  World w;
  const std::string a = w.Applied();
  v1::LinkMerchantRequest link;
  link.set_id("me");
  v1::AgentMerchant invite;
  CHECK(w.logic.LinkMerchant(w.Agent(a), link, invite).code() ==
        absl::StatusCode::kFailedPrecondition);  // not authorized yet
  REQUIRE(w.Authorize(a, 1, 1000).ok());
  REQUIRE(w.logic.LinkMerchant(w.Agent(a), link, invite).ok());
  CHECK(invite.state() == v1::AgentMerchant::INVITED);
  CHECK(invite.invite_code().size() == kInviteCodeLength);
  v1::AcceptAgentInviteRequest accept;
  accept.set_code(invite.invite_code());
  v1::AgentMerchant linked;
  CHECK(w.logic.AcceptInvite(w.As(w.staff), accept, linked).code() ==
        absl::StatusCode::kPermissionDenied);
  REQUIRE(w.logic.AcceptInvite(w.As(w.merchant_owner), accept, linked).ok());
  CHECK(linked.state() == v1::AgentMerchant::LINKED);
  CHECK(linked.merchant_id() == w.merchant_id());
  CHECK(w.EventTypes().back() == core::kAgentMerchantLinked);
  v1::AgentMerchant published;
  REQUIRE(google::protobuf::util::JsonStringToMessage(w.db.events().back().second.data, &published)
              .ok());
  CHECK(published.agent_id() == a);
  CHECK(published.merchant_id() == w.merchant_id());
  CHECK(published.has_link_time());
  CHECK(published.invite_code().empty());

  v1::ListAgentMerchantsRequest list;
  list.set_id(a);
  v1::ListAgentMerchantsResponse mine;
  REQUIRE(w.logic.ListMerchants(w.Agent(a), list, mine).ok());
  REQUIRE(mine.merchants_size() == 1);
  CHECK(mine.merchants(0).display_name() == "Min River Tea");
  CHECK(mine.merchants(0).qualification_state() == v1::Qualification::APPROVED);
  CHECK(mine.merchants(0).stats().scans() == 20);
  CHECK(mine.merchants(0).stats().redemptions() == 2);

  // A second agent cannot take the merchant.
  const std::string b = w.Applied("Other");
  REQUIRE(w.Authorize(b, 1, 1000).ok());
  v1::LinkMerchantRequest theirs;
  theirs.set_id(b);
  REQUIRE(w.logic.LinkMerchant(w.Agent(b), theirs, invite).ok());
  accept.set_code(invite.invite_code());
  CHECK(w.logic.AcceptInvite(w.As(w.merchant_owner), accept, linked).code() ==
        absl::StatusCode::kFailedPrecondition);
  theirs.set_merchant_id(w.merchant_id());
  CHECK(w.logic.LinkMerchant(w.Agent(b), theirs, invite).code() ==
        absl::StatusCode::kFailedPrecondition);
  // And the other agent's list is not the first one's.
  CHECK(w.logic.ListMerchants(w.Agent(b), list, mine).code() == absl::StatusCode::kNotFound);
}

TEST_CASE("A request to link an existing merchant waits for its owner, who may decline") {
  World w;
  const std::string a = w.Applied();
  REQUIRE(w.Authorize(a, 1, 1000).ok());
  v1::LinkMerchantRequest ask;
  ask.set_id(a);
  ask.set_merchant_id(w.merchant_id());
  v1::AgentMerchant requested;
  REQUIRE(w.logic.LinkMerchant(w.Agent(a), ask, requested).ok());
  CHECK(requested.state() == v1::AgentMerchant::REQUESTED);
  v1::MerchantAgentLinkRequest answer;
  answer.set_merchant_id(w.merchant_id());
  answer.set_agent_id(a);
  v1::AgentMerchant out;
  REQUIRE(w.logic.DeclineLink(w.As(w.merchant_owner), answer, out).ok());
  CHECK(out.state() == v1::AgentMerchant::DECLINED);
  CHECK(w.logic.AcceptLink(w.As(w.merchant_owner), answer, out).code() ==
        absl::StatusCode::kFailedPrecondition);
  REQUIRE(w.logic.LinkMerchant(w.Agent(a), ask, requested).ok());  // asks again
  REQUIRE(w.logic.AcceptLink(w.As(w.merchant_owner), answer, out).ok());
  CHECK(out.state() == v1::AgentMerchant::LINKED);
  REQUIRE(w.logic.Unlink(w.As(w.merchant_owner), answer, out).ok());
  CHECK(out.state() == v1::AgentMerchant::UNLINKED);
  const auto types = w.EventTypes();
  CHECK(std::count(types.begin(), types.end(), core::kAgentMerchantLinked) == 1);
  CHECK(types.back() == core::kAgentMerchantUnlinked);
}

TEST_CASE("A suspended agent signs nobody up until reinstated") {
  World w;
  const std::string a = w.Applied();
  REQUIRE(w.Authorize(a, 1, 1000).ok());
  v1::SuspendAgentRequest suspend;
  suspend.set_id(a);
  suspend.set_reason("complaints under review");
  v1::Agent out;
  REQUIRE(w.logic.Suspend(w.As(w.admin), suspend, out).ok());
  v1::LinkMerchantRequest link;
  link.set_id(a);
  v1::AgentMerchant invite;
  CHECK(w.logic.LinkMerchant(w.Agent(a), link, invite).code() ==
        absl::StatusCode::kFailedPrecondition);
  v1::ReinstateAgentRequest reinstate;
  reinstate.set_id(a);
  REQUIRE(w.logic.Reinstate(w.As(w.admin), reinstate, out).ok());
  CHECK(out.state() == v1::Agent::AUTHORIZED);
  CHECK(w.logic.LinkMerchant(w.Agent(a), link, invite).ok());
}

TEST_CASE("An agent's list comes a page at a time, newest first") {
  World w;
  const std::string a = w.Applied();
  REQUIRE(w.Authorize(a, 1, 1000).ok());
  v1::LinkMerchantRequest link;
  link.set_id(a);
  std::vector<std::string> made;
  for (int i = 0; i < 3; ++i) {
    v1::AgentMerchant invite;
    REQUIRE(w.logic.LinkMerchant(w.Agent(a), link, invite).ok());
    made.push_back(invite.link_id());
    w.clock.Advance(absl::Milliseconds(2));  // ids sort by time
  }
  v1::ListAgentMerchantsRequest list;
  list.set_id("me");
  list.mutable_page()->set_page_size(2);
  v1::ListAgentMerchantsResponse page;
  REQUIRE(w.logic.ListMerchants(w.Agent(a), list, page).ok());
  REQUIRE(page.merchants_size() == 2);
  CHECK(page.merchants(0).link_id() == made[2]);
  CHECK(page.merchants(1).link_id() == made[1]);
  CHECK(page.merchants(0).invite_code().size() == kInviteCodeLength);  // its own codes
  list.mutable_page()->set_page_token(page.page().next_page_token());
  REQUIRE(w.logic.ListMerchants(w.Agent(a), list, page).ok());
  REQUIRE(page.merchants_size() == 1);
  CHECK(page.merchants(0).link_id() == made[0]);
  CHECK(page.page().next_page_token().empty());
  // An auditor reads the list, without the codes.
  auth::Principal auditor;
  auditor.Grant(auth::Role::kAuditor);
  list.clear_page();
  REQUIRE(w.logic.ListMerchants(w.As(auditor), list, page).code() == absl::StatusCode::kNotFound);
  list.set_id(a);
  REQUIRE(w.logic.ListMerchants(w.As(auditor), list, page).ok());
  CHECK(page.merchants_size() == 3);
  CHECK(page.merchants(0).invite_code().empty());
}

TEST_CASE("An invite expires after 30 days, and an authorized agent applies no more") {
  World w;
  const std::string a = w.Applied();
  REQUIRE(w.Authorize(a, 1, 1000).ok());
  v1::ApplyRequest again;
  again.set_id(a);
  again.set_display_name("Renamed");
  again.add_territories("350100");
  v1::Agent agent;
  CHECK(w.logic.Apply(w.Agent(a), again, agent).code() == absl::StatusCode::kFailedPrecondition);
  v1::LinkMerchantRequest link;
  link.set_id(a);
  v1::AgentMerchant invite;
  REQUIRE(w.logic.LinkMerchant(w.Agent(a), link, invite).ok());
  w.clock.Advance(absl::Hours(24 * 30) + absl::Seconds(1));
  v1::AcceptAgentInviteRequest accept;
  accept.set_code(absl::AsciiStrToLower(invite.invite_code()));  // read in any case
  v1::AgentMerchant linked;
  const absl::Status expired = w.logic.AcceptInvite(w.As(w.merchant_owner), accept, linked);
  CHECK(expired.code() == absl::StatusCode::kFailedPrecondition);
  CHECK(std::string(expired.message()).find("expired") != std::string::npos);
  CHECK(w.EventTypes().back() == core::kAgentUpdated);  // no link published
}

}  // namespace
}  // namespace qrcloud::agent
