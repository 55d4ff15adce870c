#include "services/settlement/settlement_logic.h"

#include <google/protobuf/util/json_util.h>
#include <spdlog/spdlog.h>

#include <set>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "libs/auth/access.h"
#include "libs/core/agent_events.h"
#include "libs/core/ids.h"
#include "libs/core/money.h"
#include "libs/core/partner_events.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"
#include "libs/core/validate.h"
#include "libs/ordering/order_book.h"

namespace qrcloud::settlement {
namespace {

constexpr int kRecentEntries = 20;
constexpr int kDefaultMonths = 12;
constexpr int kMaxMonths = 60;
// A statement shows at most this many lines; a party with more in one
// period asks for its days.
constexpr int64_t kMaxStatementLines = 10000;

bool IsAdmin(const auth::Principal& p) { return p.Has(auth::Role::kAdmin); }
bool MayReadAll(const auth::Principal& p) {
  return p.Has(auth::Role::kAdmin) || p.Has(auth::Role::kAuditor);
}

bool Accepted(ledger::CreateResult r) {
  return r == ledger::CreateResult::kOk || r == ledger::CreateResult::kExists;
}

void SetMoney(v1::Money* m, absl::string_view currency, int64_t minor) {
  m->set_currency(std::string(currency));
  m->set_minor(minor);
}

}  // namespace

absl::Status SettlementLogic::OnOrders(const std::vector<OrderEvent>& all) {
  std::vector<const OrderEvent*> events;
  for (const OrderEvent& e : all) {
    if (e.type == ordering::kOrderRedeemed || e.type == ordering::kOrderRefunded)
      events.push_back(&e);
  }
  for (size_t begin = 0; begin < events.size();) {
    absl::flat_hash_set<std::string> redeemed;
    size_t end = begin;
    for (; end < events.size(); ++end) {
      const OrderEvent& e = *events[end];
      if (e.type == ordering::kOrderRefunded && redeemed.contains(e.order.id())) break;
      if (e.type == ordering::kOrderRedeemed) redeemed.insert(e.order.id());
    }
    QRCLOUD_RETURN_IF_ERROR(PostOrders({events.begin() + begin, events.begin() + end}));
    begin = end;
  }
  return absl::OkStatus();
}

absl::Status SettlementLogic::PostOrders(const std::vector<const OrderEvent*>& events) {
  const absl::Time now = clock_.Now();
  std::set<std::string> merchants;
  for (const OrderEvent* e : events) merchants.insert(e->order.merchant_id());
  QRCLOUD_ASSIGN_OR_RETURN(
      auto plans, ledger_.Plans(std::vector<std::string>(merchants.begin(), merchants.end())));
  // The plan in force when the order was redeemed (the default before any).
  auto plan_of = [&](const v1::Order& order) -> std::pair<std::string, int32_t> {
    const absl::Time at = order.has_redeem_time() ? core::FromProto(order.redeem_time()) : now;
    std::string plan = fees_.default_plan;
    if (auto it = plans.find(order.merchant_id()); it != plans.end()) {
      for (const auto& [from, name] : it->second) {
        if (from <= at) plan = name;
      }
    }
    auto fee = fees_.plan_bps.find(plan);
    if (fee == fees_.plan_bps.end()) fee = fees_.plan_bps.find(fees_.default_plan);
    return {fee->first, fee->second};
  };
  MysqlLedger::AgentBook agents;
  auto find_agent = [&agents](absl::string_view id) -> const AgentTerms* {
    auto it = agents.agents.find(std::string(id));
    return it == agents.agents.end() ? nullptr : &it->second;
  };
  struct Refused {
    const OrderEvent* event;
    std::string what;  // the part refused: "" the event, else e.g. "clawback:<agent>"
    std::string reason;
  };
  std::vector<Refused> refused;
  QRCLOUD_RETURN_IF_ERROR(runner_.Run([&](store::Tx& tx) -> absl::Status {
    refused.clear();
    // Who had an agent, read in the unit (see MysqlLedger::Agents).
    QRCLOUD_ASSIGN_OR_RETURN(
        agents, ledger_.Agents(tx, std::vector<std::string>(merchants.begin(), merchants.end())));
    // The fees the refunds give back, and the commissions they take back.
    std::vector<std::string> fee_ids;
    absl::flat_hash_map<std::string, std::vector<ledger::Transfer>> commissions;
    std::vector<std::string> commission_ids;
    for (const OrderEvent* e : events) {
      if (e->type != ordering::kOrderRefunded) continue;
      fee_ids.push_back(absl::StrCat("order:", e->order.id(), ":fee"));
      QRCLOUD_ASSIGN_OR_RETURN(commissions[e->order.id()],
                               ledger_.CommissionsOf(tx, e->order.id()));
      for (const auto& t : commissions[e->order.id()]) commission_ids.push_back(t.id);
    }
    absl::flat_hash_map<std::string, ledger::Transfer> charged;
    QRCLOUD_ASSIGN_OR_RETURN(auto found, ledger_.FindTransfers(tx, fee_ids));
    for (auto& t : found) charged.emplace(t.id, std::move(t));
    QRCLOUD_ASSIGN_OR_RETURN(auto released, ledger_.LockHolds(tx, commission_ids));

    // Each event's chain (the fee and its commissions, all or nothing), and
    // each clawback a chain of its own: one the agent cannot cover (paid out
    // already) is parked without holding up the refund of the fee.
    std::vector<std::vector<ledger::Transfer>> chains;
    std::vector<std::pair<const OrderEvent*, std::string>> chain_of;
    for (const OrderEvent* e : events) {
      const auto [plan, bps] = plan_of(e->order);
      auto it = charged.find(absl::StrCat("order:", e->order.id(), ":fee"));
      auto transfers = TransfersForOrder(e->type, e->order, plan, bps,
                                         it == charged.end() ? nullptr : &it->second);
      if (transfers.ok() && e->type == ordering::kOrderRedeemed && !transfers->empty()) {
        const absl::Time at =
            e->order.has_redeem_time() ? core::FromProto(e->order.redeem_time()) : now;
        const std::string agent = agents.AgentAt(e->order.merchant_id(), at);
        if (!agent.empty()) {
          auto earned = CommissionsFor(e->order, transfers->front(), AgentChain(agent, find_agent));
          if (!earned.ok()) {
            transfers = earned.status();
          } else {
            transfers->insert(transfers->end(), earned->begin(), earned->end());
          }
        }
      }
      if (!transfers.ok()) {
        refused.push_back({e, "", std::string(transfers.status().message())});
        continue;
      }
      if (!transfers->empty()) {
        for (size_t i = 0; i + 1 < transfers->size(); ++i) (*transfers)[i].flags.linked = true;
        chains.push_back(*std::move(transfers));
        chain_of.emplace_back(e, "");
      }
      if (e->type != ordering::kOrderRefunded) continue;
      for (const ledger::Transfer& c : commissions[e->order.id()]) {
        auto r = released.find(c.id);
        chains.push_back({ClawbackOf(c, r != released.end() && r->second,
                                     absl::StrCat(e->type, ":", e->order.id()))});
        chain_of.emplace_back(e, absl::StrCat("clawback:", OwnerOf(c.credit_account_id)->id));
      }
    }
    QRCLOUD_ASSIGN_OR_RETURN(auto results, ledger_.CreateChains(tx, chains, now));
    std::vector<std::pair<std::string, absl::Time>> holds;
    std::vector<std::string> clawed_from_held;
    std::vector<MysqlLedger::SettledOrder> settled;
    for (size_t c = 0; c < chains.size(); ++c) {
      bool ok = true;
      for (size_t i = 0; i < results[c].size() && ok; ++i) {
        if (Accepted(results[c][i])) continue;
        ok = false;
        refused.push_back(
            {chain_of[c].first, chain_of[c].second,
             absl::StrCat(chains[c][i].id, ": ", ledger::ResultMessage(results[c][i]))});
      }
      if (!ok) continue;
      for (size_t i = 0; i < chains[c].size(); ++i) {
        const ledger::Transfer& t = chains[c][i];
        if (results[c][i] != ledger::CreateResult::kOk) continue;  // kExists: done before
        if (t.code == "commission") holds.emplace_back(t.id, now + options_.holding_period);
        if (t.code == "fee") {
          const v1::Order& o = chain_of[c].first->order;
          settled.push_back({o.id(), o.merchant_id(),
                             o.has_redeem_time() ? core::FromProto(o.redeem_time()) : now});
        }
        if (t.code == "clawback" && absl::StrContains(t.debit_account_id, ".held.")) {
          clawed_from_held.emplace_back(absl::StripSuffix(t.id, ":clawback"));
        }
      }
    }
    QRCLOUD_RETURN_IF_ERROR(ledger_.AddSettledOrders(tx, settled));
    QRCLOUD_RETURN_IF_ERROR(ledger_.AddHolds(tx, holds));
    // Taken back while held: never released.
    return ledger_.SetHoldOutcome(tx, clawed_from_held, "clawed_back", now);
  }));
  // No retry changes a rule's answer: kept for an administrator instead of
  // holding up every later event.
  for (const Refused& r : refused) {
    std::string data;
    (void)google::protobuf::util::MessageToJsonString(r.event->order, &data);
    const std::string key =
        absl::StrCat(r.event->type, ":", r.event->order.id(), r.what.empty() ? "" : ":", r.what);
    spdlog::error("settlement: {} parked: {}", key, r.reason);
    QRCLOUD_RETURN_IF_ERROR(ledger_.Park(key, r.reason, data, now));
  }
  return absl::OkStatus();
}

absl::Status SettlementLogic::OnPartnerEvents(const std::vector<PartnerEvent>& all) {
  std::vector<const PartnerEvent*> money;
  for (const PartnerEvent& e : all) {
    if (e.type == core::kPartnerUpdated) {
      const v1::Partner& p = e.partner;
      if (p.id().empty()) continue;
      const absl::Time at =
          p.has_update_time() ? core::FromProto(p.update_time()) : core::FromProto(p.create_time());
      const std::string currency =
          p.terms().cpc().currency().empty() ? "CNY" : p.terms().cpc().currency();
      QRCLOUD_RETURN_IF_ERROR(ledger_.UpsertPartner(
          {p.id(), p.state() == v1::Partner::APPROVED, p.terms().holding_days(),
           p.terms().min_payout().minor(), currency},
          at));
    } else if (e.type == core::kPartnerScanValid || e.type == core::kPartnerOrderAttributed ||
               e.type == core::kPartnerOrderUnattributed) {
      money.push_back(&e);
    }
  }
  for (size_t begin = 0; begin < money.size();) {
    absl::flat_hash_set<std::string> attributed;
    size_t end = begin;
    for (; end < money.size(); ++end) {
      const PartnerEvent& e = *money[end];
      const std::string& order = e.attribution.order_id();
      if (e.type == core::kPartnerOrderUnattributed && attributed.contains(order)) break;
      if (e.type == core::kPartnerOrderAttributed) attributed.insert(order);
    }
    const std::vector<const PartnerEvent*> run(money.begin() + begin, money.begin() + end);
    bool run_again_carefully = false;
    absl::Status posted = PostPartnerEvents(run, /*careful=*/false, run_again_carefully);
    if (run_again_carefully) posted = PostPartnerEvents(run, /*careful=*/true, run_again_carefully);
    QRCLOUD_RETURN_IF_ERROR(posted);
    begin = end;
  }
  return absl::OkStatus();
}

absl::Status SettlementLogic::PostPartnerEvents(const std::vector<const PartnerEvent*>& events,
                                                bool careful, bool& run_again_carefully) {
  run_again_carefully = false;
  const absl::Time now = clock_.Now();
  QRCLOUD_ASSIGN_OR_RETURN(auto partners, ledger_.Partners());
  auto holding = [&](const std::string& partner) {
    auto it = partners.find(partner);
    return it == partners.end() ? options_.holding_period
                                : absl::Hours(24) * it->second.holding_days;
  };
  std::vector<std::tuple<std::string, std::string, std::string>> parked;
  QRCLOUD_RETURN_IF_ERROR(runner_.Run([&](store::Tx& tx) -> absl::Status {
    parked.clear();
    run_again_carefully = false;
    // The shares the reversals take back, and whether each is released.
    std::vector<std::string> cps_ids;
    for (const PartnerEvent* e : events) {
      if (e->type == core::kPartnerOrderUnattributed) {
        cps_ids.push_back(absl::StrCat("order:", e->attribution.order_id(), ":cps"));
      }
    }
    absl::flat_hash_map<std::string, ledger::Transfer> earned;
    QRCLOUD_ASSIGN_OR_RETURN(auto found, ledger_.FindTransfers(tx, cps_ids));
    for (auto& t : found) earned.emplace(t.id, std::move(t));
    QRCLOUD_ASSIGN_OR_RETURN(auto released, ledger_.LockHolds(tx, cps_ids));

    std::vector<std::vector<ledger::Transfer>> chains;
    std::vector<const PartnerEvent*> chain_event;  // null for an accrual of scans
    auto key = [](const PartnerEvent& e) {
      return e.type == core::kPartnerScanValid
                 ? absl::StrCat(e.type, ":", e.scan.scan_event_id())
                 : absl::StrCat(e.type, ":", e.attribution.order_id());
    };
    auto data = [](const PartnerEvent& e) {
      std::string json;
      if (e.type == core::kPartnerScanValid) {
        (void)google::protobuf::util::MessageToJsonString(e.scan, &json);
      } else {
        (void)google::protobuf::util::MessageToJsonString(e.attribution, &json);
      }
      return json;
    };
    // Valid scans: those not paid before, accrued (AccrueScans).
    std::vector<std::string> scan_ids;
    absl::flat_hash_map<const v1::PartnerScanValid*, const PartnerEvent*> scan_event;
    for (const PartnerEvent* e : events) {
      if (e->type != core::kPartnerScanValid) continue;
      scan_ids.push_back(e->scan.scan_event_id());
      scan_event.emplace(&e->scan, e);
    }
    // Careful: which of them were paid before, read first. Not careful (the
    // rule: a scan comes again only when redelivered after a crash): their
    // rows are written first, and a scan paid before fails the unit on its
    // key; the caller then runs the batch again carefully.
    absl::flat_hash_map<std::string, uint64_t> settled;
    if (careful) {
      QRCLOUD_ASSIGN_OR_RETURN(settled, ledger_.SettledScans(tx, scan_ids));
    }
    std::vector<const v1::PartnerScanValid*> new_scans;
    for (const PartnerEvent* e : events) {
      if (e->type != core::kPartnerScanValid) continue;
      auto it = settled.find(e->scan.scan_event_id());
      if (it == settled.end()) {
        new_scans.push_back(&e->scan);
      } else if (it->second != ScanTermsDigest(e->scan)) {
        parked.emplace_back(key(*e), "scan settled before with other terms", data(*e));
      }
    }
    AccruedScans accrued = AccrueScans(new_scans);
    for (const auto& [scan, reason] : accrued.refused) {
      parked.emplace_back(key(*scan_event.at(scan)), reason, data(*scan_event.at(scan)));
    }
    for (const ScanAccrual& a : accrued.accruals) {
      chains.push_back({a.transfer});
      chain_event.push_back(nullptr);
    }
    if (!careful) {
      std::vector<const ScanAccrual*> all;
      for (const ScanAccrual& a : accrued.accruals) all.push_back(&a);
      const absl::Status written = ledger_.AddSettledScans(tx, all);
      if (absl::IsAlreadyExists(written)) run_again_carefully = true;
      QRCLOUD_RETURN_IF_ERROR(written);
    }
    for (const PartnerEvent* e : events) {
      absl::StatusOr<std::optional<ledger::Transfer>> t = std::nullopt;
      if (e->type == core::kPartnerScanValid) {
        continue;
      } else if (e->type == core::kPartnerOrderAttributed) {
        t = CpsTransfer(e->attribution);
      } else {
        auto it = earned.find(absl::StrCat("order:", e->attribution.order_id(), ":cps"));
        if (it != earned.end()) {
          auto r = released.find(it->first);
          t = ClawbackOf(it->second, r != released.end() && r->second,
                         absl::StrCat(e->type, ":", e->attribution.order_id()));
        }
      }
      if (!t.ok()) {
        parked.emplace_back(key(*e), std::string(t.status().message()), data(*e));
        continue;
      }
      if (!t->has_value()) continue;
      chains.push_back({**t});
      chain_event.push_back(e);
    }
    QRCLOUD_ASSIGN_OR_RETURN(auto results, ledger_.CreateChains(tx, chains, now));
    std::vector<std::pair<std::string, absl::Time>> holds;
    std::vector<std::string> clawed_from_held;
    std::vector<const ScanAccrual*> paid;
    for (size_t c = 0; c < chains.size(); ++c) {
      const ledger::Transfer& t = chains[c][0];
      if (!Accepted(results[c][0])) {
        const std::string reason = absl::StrCat(t.id, ": ", ledger::ResultMessage(results[c][0]));
        if (chain_event[c] != nullptr) {
          parked.emplace_back(key(*chain_event[c]), reason, data(*chain_event[c]));
        } else {  // an accrual: each of its scans
          for (const auto& [scan_id, digest] : accrued.accruals[c].scans) {
            for (const PartnerEvent* e : events) {
              if (e->type == core::kPartnerScanValid && e->scan.scan_event_id() == scan_id) {
                parked.emplace_back(key(*e), reason, data(*e));
                break;
              }
            }
          }
        }
        if (chain_event[c] == nullptr && !careful) {
          // Its scans' rows are written already: only a careful run leaves
          // the scans of a refused accrual unpaid.
          run_again_carefully = true;
          return absl::FailedPreconditionError("an accrual of scans was refused");
        }
        continue;
      }
      if (chain_event[c] == nullptr) paid.push_back(&accrued.accruals[c]);
      if (results[c][0] != ledger::CreateResult::kOk) continue;  // kExists: done before
      if (t.code == "cpc" || t.code == "cps") {
        holds.emplace_back(t.id, now + holding(OwnerOf(t.credit_account_id)->id));
      }
      if (t.code == "clawback" && absl::StrContains(t.debit_account_id, ".held.")) {
        clawed_from_held.emplace_back(absl::StripSuffix(t.id, ":clawback"));
      }
    }
    if (careful) QRCLOUD_RETURN_IF_ERROR(ledger_.AddSettledScans(tx, paid));
    QRCLOUD_RETURN_IF_ERROR(ledger_.AddHolds(tx, holds));
    return ledger_.SetHoldOutcome(tx, clawed_from_held, "clawed_back", now);
  }));
  return ParkAll(parked, now);
}

absl::Status SettlementLogic::ParkAll(
    const std::vector<std::tuple<std::string, std::string, std::string>>& parked, absl::Time now) {
  for (const auto& [key, reason, data] : parked) {
    spdlog::error("settlement: {} parked: {}", key, reason);
    QRCLOUD_RETURN_IF_ERROR(ledger_.Park(key, reason, data, now));
  }
  return absl::OkStatus();
}

absl::StatusOr<int> SettlementLogic::ReleaseDue(int limit) {
  const absl::Time now = clock_.Now();
  int released = 0;
  QRCLOUD_RETURN_IF_ERROR(runner_.Run([&](store::Tx& tx) -> absl::Status {
    released = 0;
    QRCLOUD_ASSIGN_OR_RETURN(auto due, ledger_.DueHolds(tx, now, limit));
    std::vector<std::vector<ledger::Transfer>> chains;
    for (const ledger::Transfer& t : due) chains.push_back({ReleaseOf(t)});
    QRCLOUD_ASSIGN_OR_RETURN(auto results, ledger_.CreateChains(tx, chains, now));
    std::vector<std::string> done;
    for (size_t i = 0; i < due.size(); ++i) {
      if (!Accepted(results[i][0])) {
        // The rules refuse it only if the books were changed by hand: left
        // held, and said.
        spdlog::error("settlement: release of {} refused: {}", due[i].id,
                      ledger::ResultMessage(results[i][0]));
        continue;
      }
      done.push_back(due[i].id);
    }
    released = static_cast<int>(done.size());
    return ledger_.SetHoldOutcome(tx, done, "released", now);
  }));
  return released;
}

absl::Status SettlementLogic::OnAgentEvent(const std::string& type, const v1::Agent* agent,
                                           const v1::AgentMerchant* link) {
  if (type == core::kAgentUpdated && agent != nullptr) {
    const absl::Time at = agent->has_update_time() ? core::FromProto(agent->update_time())
                                                   : core::FromProto(agent->create_time());
    return ledger_.UpsertAgent({agent->id(), agent->state() == v1::Agent::AUTHORIZED,
                                agent->parent_agent_id(), agent->commission_bps()},
                               at);
  }
  if (link == nullptr || link->merchant_id().empty() || link->agent_id().empty()) {
    return absl::OkStatus();
  }
  if (type == core::kAgentMerchantLinked) {
    return OnLink(link->merchant_id(), link->agent_id(), core::FromProto(link->link_time()));
  }
  if (type == core::kAgentMerchantUnlinked) {
    return ledger_.UnlinkMerchant(link->merchant_id(), link->agent_id(),
                                  core::FromProto(link->unlink_time()));
  }
  return absl::OkStatus();
}

absl::Status SettlementLogic::OnLink(const std::string& merchant_id, const std::string& agent_id,
                                     absl::Time link_time) {
  const absl::Time now = clock_.Now();
  std::vector<std::pair<std::string, std::string>> refused;  // order, reason
  QRCLOUD_RETURN_IF_ERROR(runner_.Run([&](store::Tx& tx) -> absl::Status {
    refused.clear();
    QRCLOUD_RETURN_IF_ERROR(ledger_.LinkMerchant(tx, merchant_id, agent_id, link_time));
    // Orders of the merchant redeemed since the link and settled before it
    // was heard: their commissions, as they would have been posted then.
    QRCLOUD_ASSIGN_OR_RETURN(auto orders, ledger_.SettledOrdersSince(tx, merchant_id, link_time));
    if (orders.empty()) return absl::OkStatus();
    QRCLOUD_ASSIGN_OR_RETURN(MysqlLedger::AgentBook agents, ledger_.Agents(tx, {merchant_id}));
    auto find_agent = [&agents](absl::string_view id) -> const AgentTerms* {
      auto it = agents.agents.find(std::string(id));
      return it == agents.agents.end() ? nullptr : &it->second;
    };
    std::vector<std::string> ids;
    for (const auto& o : orders) {
      ids.push_back(absl::StrCat("order:", o.order_id, ":fee"));
      ids.push_back(absl::StrCat("order:", o.order_id, ":fee:refund"));
    }
    absl::flat_hash_map<std::string, ledger::Transfer> found;
    QRCLOUD_ASSIGN_OR_RETURN(auto transfers, ledger_.FindTransfers(tx, ids));
    for (auto& t : transfers) found.emplace(t.id, std::move(t));
    std::vector<std::vector<ledger::Transfer>> chains;
    std::vector<std::string> chain_order;
    for (const auto& o : orders) {
      const std::string fee_id = absl::StrCat("order:", o.order_id, ":fee");
      auto fee = found.find(fee_id);
      // Refunded since: nothing was earned.
      if (fee == found.end() || found.contains(absl::StrCat(fee_id, ":refund"))) continue;
      const std::string agent = agents.AgentAt(merchant_id, o.redeem_time);
      if (agent.empty()) continue;
      v1::Order order;
      order.set_id(o.order_id);
      order.set_merchant_id(merchant_id);
      auto earned = CommissionsFor(order, fee->second, AgentChain(agent, find_agent));
      if (!earned.ok()) {
        refused.emplace_back(o.order_id, std::string(earned.status().message()));
        continue;
      }
      if (earned->empty()) continue;
      for (size_t i = 0; i + 1 < earned->size(); ++i) (*earned)[i].flags.linked = true;
      chains.push_back(*std::move(earned));
      chain_order.push_back(o.order_id);
    }
    QRCLOUD_ASSIGN_OR_RETURN(auto results, ledger_.CreateChains(tx, chains, now));
    std::vector<std::pair<std::string, absl::Time>> holds;
    for (size_t c = 0; c < chains.size(); ++c) {
      for (size_t i = 0; i < chains[c].size(); ++i) {
        if (results[c][i] == ledger::CreateResult::kOk) {
          holds.emplace_back(chains[c][i].id, now + options_.holding_period);
        } else if (!Accepted(results[c][i])) {
          refused.emplace_back(chain_order[c], absl::StrCat(chains[c][i].id, ": ",
                                                            ledger::ResultMessage(results[c][i])));
          break;
        }
      }
    }
    return ledger_.AddHolds(tx, holds);
  }));
  for (const auto& [order, reason] : refused) {
    const std::string key = absl::StrCat(core::kAgentMerchantLinked, ":", merchant_id, ":", order);
    spdlog::error("settlement: {} parked: {}", key, reason);
    QRCLOUD_RETURN_IF_ERROR(
        ledger_.Park(key, reason,
                     absl::StrCat(R"({"merchantId":")", merchant_id, R"(","agentId":")", agent_id,
                                  R"(","orderId":")", order, R"("})"),
                     now));
  }
  return absl::OkStatus();
}

absl::StatusOr<Party> SettlementLogic::OwnParty(const rpc::CallContext& call) const {
  const auth::Principal& p = call.caller();
  if ((p.Has(auth::Role::kMerchant) || p.Has(auth::Role::kMerchantStaff)) &&
      !p.merchant_id.empty()) {
    return Party{PartyKind::kMerchant, p.merchant_id};
  }
  if (p.Has(auth::Role::kAgent) && !p.agent_id.empty()) return Party{PartyKind::kAgent, p.agent_id};
  if (p.Has(auth::Role::kPartner) && !p.partner_id.empty()) {
    return Party{PartyKind::kPartner, p.partner_id};
  }
  return core::InvalidField("party",
                            "is required: only merchants, agents and partners have books of their "
                            "own; name one as \"merchant:<id>\"");
}

absl::Status SettlementLogic::MaySee(const rpc::CallContext& call, const Party& party) const {
  if (MayReadAll(call.caller())) return absl::OkStatus();
  auto own = OwnParty(call);
  if (own.ok() && *own == party) return absl::OkStatus();
  return absl::NotFoundError(absl::StrCat("no books of ", party.ToString()));
}

absl::Status SettlementLogic::GetLedgerAccount(const rpc::CallContext& call,
                                               const v1::GetLedgerAccountRequest& req,
                                               v1::LedgerAccount& resp) {
  QRCLOUD_ASSIGN_OR_RETURN(ledger::Account named, AccountNamed(req.id()));
  const std::optional<Party> owner = OwnerOf(req.id());
  if (owner) {
    QRCLOUD_RETURN_IF_ERROR(MaySee(call, *owner));
  } else if (!MayReadAll(call.caller())) {
    return absl::NotFoundError(absl::StrCat("no account ", req.id()));
  }
  QRCLOUD_ASSIGN_OR_RETURN(std::optional<ledger::Account> account, ledger_.FindAccount(req.id()));
  // An account is made by its first transfer; before it, it is empty.
  const ledger::Account& a = account ? *account : named;
  resp.set_id(a.id);
  resp.set_party_kind(a.party_kind);
  resp.set_party_id(a.party_id);
  SetMoney(resp.mutable_balance(), a.currency, a.Balance());
  SetMoney(resp.mutable_debits_pending(), a.currency, a.debits_pending);
  SetMoney(resp.mutable_credits_pending(), a.currency, a.credits_pending);
  SetMoney(resp.mutable_debits_posted(), a.currency, a.debits_posted);
  SetMoney(resp.mutable_credits_posted(), a.currency, a.credits_posted);
  if (!account) return absl::OkStatus();
  QRCLOUD_ASSIGN_OR_RETURN(
      auto entries, ledger_.Entries({a.id}, absl::UnixEpoch(), clock_.Now() + absl::Hours(24),
                                    kRecentEntries, /*newest_first=*/true));
  for (auto& e : entries) *resp.add_recent_entries() = std::move(e);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> SettlementLogic::CurrenciesOf(const Party& party) {
  QRCLOUD_ASSIGN_OR_RETURN(auto accounts, ledger_.AccountsOfParty(party.KindName(), party.id));
  std::set<std::string> others;
  for (const auto& a : accounts) {
    if (a.currency != kPlatformCurrency) others.insert(a.currency);
  }
  std::vector<std::string> out = {kPlatformCurrency};  // the platform's first, always
  out.insert(out.end(), others.begin(), others.end());
  return out;
}

absl::StatusOr<v1::Statement> SettlementLogic::Statement(const Party& party, const Period& period,
                                                         const std::string& currency) {
  QRCLOUD_ASSIGN_OR_RETURN(auto accounts, ledger_.AccountsOfParty(party.KindName(), party.id));
  std::vector<std::string> ids;
  for (const auto& a : accounts) {
    if (a.currency == currency) ids.push_back(a.id);
  }
  QRCLOUD_ASSIGN_OR_RETURN(int64_t opening, ledger_.SumBefore(ids, period.start));
  QRCLOUD_ASSIGN_OR_RETURN(
      auto entries, ledger_.Entries(ids, period.start, period.end, kMaxStatementLines + 1, false));
  if (static_cast<int64_t>(entries.size()) > kMaxStatementLines) {
    return absl::FailedPreconditionError(
        absl::StrCat("the statement for ", period.text, " has more than ", kMaxStatementLines,
                     " lines: ask for its days (period YYYY-MM-DD)"));
  }
  return BuildStatement(party, period, currency, opening, entries);
}

absl::Status SettlementLogic::ListStatements(const rpc::CallContext& call,
                                             const v1::ListStatementsRequest& req,
                                             v1::ListStatementsResponse& resp) {
  Party party;
  if (req.party().empty()) {
    QRCLOUD_ASSIGN_OR_RETURN(party, OwnParty(call));
  } else {
    QRCLOUD_ASSIGN_OR_RETURN(party, ParseParty("party", req.party()));
    QRCLOUD_RETURN_IF_ERROR(MaySee(call, party));
  }
  // A statement per currency the party holds, the platform's first.
  QRCLOUD_ASSIGN_OR_RETURN(const std::vector<std::string> currencies, CurrenciesOf(party));
  if (!req.period().empty()) {
    QRCLOUD_ASSIGN_OR_RETURN(Period period, ParsePeriod("period", req.period()));
    for (const std::string& currency : currencies) {
      QRCLOUD_ASSIGN_OR_RETURN(*resp.add_statements(), Statement(party, period, currency));
    }
    return absl::OkStatus();
  }
  const int size = req.page().page_size() == 0 ? kDefaultMonths : req.page().page_size();
  if (size < 1 || size > kMaxMonths) {
    return core::InvalidField("page.pageSize", absl::StrCat("must be 1 to ", kMaxMonths,
                                                            " months (0: ", kDefaultMonths, ")"));
  }
  std::optional<Period> below;
  if (!req.page().page_token().empty()) {
    auto token = ParsePeriod("page.pageToken", req.page().page_token());
    if (!token.ok() || token->text.size() != 7) {
      return core::InvalidField("page.pageToken", "is not one this call gave");
    }
    below = *token;
  }
  QRCLOUD_ASSIGN_OR_RETURN(auto accounts, ledger_.AccountsOfParty(party.KindName(), party.id));
  std::vector<std::string> ids;
  for (const auto& a : accounts) ids.push_back(a.id);
  QRCLOUD_ASSIGN_OR_RETURN(auto months, ledger_.Months(ids));
  int listed = 0;  // months
  for (const std::string& month : months) {
    if (below && month >= below->text) continue;
    if (listed == size) {
      resp.mutable_page()->set_next_page_token(
          resp.statements(resp.statements_size() - 1).period());
      break;
    }
    QRCLOUD_ASSIGN_OR_RETURN(Period period, ParsePeriod("period", month));
    for (const std::string& currency : currencies) {
      QRCLOUD_ASSIGN_OR_RETURN(*resp.add_statements(), Statement(party, period, currency));
    }
    ++listed;
  }
  return absl::OkStatus();
}

absl::Status SettlementLogic::GetStatement(const rpc::CallContext& call,
                                           const v1::GetStatementRequest& req,
                                           v1::Statement& resp) {
  QRCLOUD_ASSIGN_OR_RETURN(StatementRef id, ParseStatementId("id", req.id()));
  QRCLOUD_RETURN_IF_ERROR(MaySee(call, id.party));
  QRCLOUD_ASSIGN_OR_RETURN(resp, Statement(id.party, id.period, id.currency));
  return absl::OkStatus();
}

absl::Status SettlementLogic::ExportStatement(const rpc::CallContext& call,
                                              const v1::GetStatementRequest& req,
                                              google::api::HttpBody& resp) {
  if (!req.format().empty() && req.format() != "csv") {
    return core::InvalidField("format",
                              "must be csv (or empty) for :export; JSON is GET "
                              "/v1/statements/{id}");
  }
  v1::Statement statement;
  QRCLOUD_RETURN_IF_ERROR(GetStatement(call, req, statement));
  resp.set_content_type("text/csv; charset=utf-8");
  resp.set_data(StatementCsv(statement));
  return absl::OkStatus();
}

absl::Status SettlementLogic::CreatePayout(const rpc::CallContext& call,
                                           const v1::CreatePayoutRequest& req, v1::Payout& resp) {
  QRCLOUD_RETURN_IF_ERROR(auth::RequireRole(call.caller(), auth::Role::kAdmin));
  QRCLOUD_ASSIGN_OR_RETURN(StatementRef id, ParseStatementId("statementId", req.statement_id()));
  const Party& party = id.party;
  if (req.request_id().empty() || req.request_id().size() > 100) {
    return core::InvalidField("requestId",
                              "is required: 1 to 100 characters, the same for a retry");
  }
  QRCLOUD_RETURN_IF_ERROR(core::ValidateText("reference", req.reference(), 1, 128));
  if (req.amount().minor() <= 0) {
    return core::InvalidField("amount",
                              "must be more than 0 (minor units, e.g. \"1990\" for 19.90)");
  }
  QRCLOUD_ASSIGN_OR_RETURN(core::Money amount,
                           core::Money::Of(req.amount().currency(), req.amount().minor()));
  if (amount.currency() != id.currency) {
    return core::InvalidField("amount.currency",
                              absl::StrCat("must be the statement's currency, ", id.currency,
                                           " (the statement of another currency has its id with "
                                           ".<currency> at the end)"));
  }
  if (party.kind == PartyKind::kPartner) {
    QRCLOUD_ASSIGN_OR_RETURN(auto partners, ledger_.Partners());
    auto it = partners.find(party.id);
    if (it != partners.end() && amount.minor() < it->second.min_payout) {
      return core::InvalidField(
          "amount",
          absl::StrCat("is less than the partner's minimum payout of ",
                       core::Money::Of(amount.currency(), it->second.min_payout)->ToString()));
    }
  }
  const absl::Time now = clock_.Now();
  ledger::Transfer t;
  t.id = absl::StrCat("payout:", req.request_id());
  t.debit_account_id = AvailableAccount(party, amount.currency());
  t.credit_account_id = PlatformBankAccount(amount.currency());
  t.amount = amount.minor();
  t.currency = amount.currency();
  t.source_event = absl::StrCat("payout:", req.request_id());
  t.code = "payout";
  t.memo = absl::StrCat("payout ", req.reference());
  PayoutRow row;
  ledger::CreateResult refused = ledger::CreateResult::kOk;
  const absl::Status ran = runner_.Run([&](store::Tx& tx) -> absl::Status {
    refused = ledger::CreateResult::kOk;
    QRCLOUD_ASSIGN_OR_RETURN(auto results, ledger_.Create(tx, {t}, now));
    if (!Accepted(results[0])) {
      refused = results[0];
      return absl::FailedPreconditionError("refused");  // undone: not even its account is made
    }
    QRCLOUD_ASSIGN_OR_RETURN(auto existing, ledger_.FindPayout(tx, req.request_id()));
    if (existing) {
      row = *existing;
      return absl::OkStatus();
    }
    row = PayoutRow{core::NewIdAt(now), req.request_id(),  party.ToString(), req.statement_id(),
                    amount.minor(),     amount.currency(), req.reference(),  now};
    return ledger_.AddPayout(tx, row);
  });
  if (refused == ledger::CreateResult::kOk) QRCLOUD_RETURN_IF_ERROR(ran);
  if (refused == ledger::CreateResult::kExceedsCredits) {
    QRCLOUD_ASSIGN_OR_RETURN(auto available, ledger_.FindAccount(t.debit_account_id));
    const int64_t left = available ? -available->Balance() - available->debits_pending : 0;
    return absl::FailedPreconditionError(absl::StrCat(
        "amount: ", amount.ToString(), " is more than ", party.ToString(), " has available (",
        core::Money::Of(amount.currency(), std::max<int64_t>(left, 0))->ToString(),
        "); nothing was paid out"));
  }
  if (refused != ledger::CreateResult::kOk) {
    return absl::FailedPreconditionError(
        absl::StrCat("requestId: ", ledger::ResultMessage(refused),
                     " (a request id is used once, with the same statement and amount)"));
  }
  resp.set_id(row.id);
  resp.set_statement_id(row.statement_id);
  resp.set_party(row.party);
  SetMoney(resp.mutable_amount(), row.currency, row.amount);
  resp.set_reference(row.reference);
  core::ToProto(row.create_time, resp.mutable_create_time());
  return absl::OkStatus();
}

absl::Status SettlementLogic::CheckLedger(const rpc::CallContext& call,
                                          const v1::CheckLedgerRequest&,
                                          v1::CheckLedgerResponse& resp) {
  QRCLOUD_RETURN_IF_ERROR(auth::RequireRole(call.caller(), auth::Role::kAdmin));
  ledger::Checker checker;
  int64_t accounts = 0, transfers = 0;
  QRCLOUD_RETURN_IF_ERROR(ledger_.CheckAll(checker, accounts, transfers));
  resp.set_accounts(accounts);
  resp.set_transfers(transfers);
  for (auto& problem : checker.Finish()) resp.add_problems(std::move(problem));
  return absl::OkStatus();
}

absl::Status SettlementLogic::ListParkedEvents(const rpc::CallContext& call,
                                               const v1::ListParkedEventsRequest& req,
                                               v1::ListParkedEventsResponse& resp) {
  if (!MayReadAll(call.caller())) {
    return absl::PermissionDeniedError("parked events are for administrators and auditors");
  }
  const int size = req.page().page_size() == 0 ? 50 : req.page().page_size();
  if (size < 1 || size > 200)
    return core::InvalidField("page.pageSize", "must be 1 to 200 (0: 50)");
  absl::Time before = absl::InfiniteFuture();
  if (!req.page().page_token().empty()) {
    int64_t micros = 0;
    if (!absl::SimpleAtoi(req.page().page_token(), &micros) || micros <= 0) {
      return core::InvalidField("page.pageToken", "is not one this call gave");
    }
    before = absl::FromUnixMicros(micros);
  }
  QRCLOUD_ASSIGN_OR_RETURN(auto events, ledger_.Parked(before, size + 1));
  const bool more = static_cast<int>(events.size()) > size;
  if (more) events.resize(size);
  for (auto& e : events) *resp.add_events() = std::move(e);
  if (more) {
    resp.mutable_page()->set_next_page_token(
        absl::StrCat(absl::ToUnixMicros(core::FromProto(events.back().park_time()))));
  }
  return absl::OkStatus();
}

absl::Status SettlementLogic::SetMerchantPlan(const rpc::CallContext& call,
                                              const v1::SetMerchantPlanRequest& req,
                                              v1::MerchantPlan& resp) {
  QRCLOUD_RETURN_IF_ERROR(auth::RequireRole(call.caller(), auth::Role::kAdmin));
  QRCLOUD_ASSIGN_OR_RETURN(Party party,
                           ParseParty("merchantId", absl::StrCat("merchant:", req.merchant_id())));
  auto fee = fees_.plan_bps.find(req.plan());
  if (fee == fees_.plan_bps.end()) {
    std::vector<std::string> plans;
    for (const auto& [plan, bps] : fees_.plan_bps) plans.push_back(plan);
    return core::InvalidField("plan", absl::StrCat("must be one of ", absl::StrJoin(plans, ", ")));
  }
  const absl::Time now = clock_.Now();
  absl::Time from = req.has_effective_time() ? core::FromProto(req.effective_time()) : now;
  // A second's grace for the caller's clock; the past is settled already.
  if (from < now - absl::Seconds(1)) {
    return core::InvalidField("effectiveTime",
                              "must not be in the past: orders already "
                              "redeemed keep the fee they were charged");
  }
  from = std::max(from, now);
  QRCLOUD_RETURN_IF_ERROR(ledger_.SetPlan(party.id, req.plan(), from));
  resp.set_merchant_id(party.id);
  resp.set_plan(req.plan());
  resp.set_fee_bps(fee->second);
  core::ToProto(from, resp.mutable_effective_time());
  return absl::OkStatus();
}

}  // namespace qrcloud::settlement
