#include "services/center/landing_logic.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/auth/access.h"
#include "libs/core/ids.h"
#include "libs/core/log.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"
#include "libs/core/validate.h"
#include "libs/rpc/paging.h"
#include "services/center/landing_page.h"
#include "services/center/landing_rules.h"
#include "services/center/landing_sheet.h"

namespace qrcloud::center {
namespace {

using auth::Role;

// A table token: 96 random bits, URL-safe (16 characters).
std::string NewTableToken() { return core::RandomBase64Url(12); }

bool IsMember(const auth::Principal& p, absl::string_view merchant_id) {
  return (p.Has(Role::kMerchant) || p.Has(Role::kMerchantStaff)) && !p.merchant_id.empty() &&
         p.merchant_id == merchant_id;
}

absl::Status MerchantNotFound(absl::string_view merchant_id) {
  return absl::NotFoundError(absl::StrCat("merchant ", merchant_id, " not found"));
}

// The configuration holds the Wi-Fi password: the merchant's own accounts
// read it, and administrators; nobody else learns the merchant exists.
absl::Status CheckConfigAccess(const auth::Principal& p, absl::string_view merchant_id,
                               auth::Access access) {
  if (IsMember(p, merchant_id)) return absl::OkStatus();
  if (p.Has(Role::kAdmin)) {
    if (access == auth::Access::kRead) return absl::OkStatus();
    return absl::PermissionDeniedError(
        "only the merchant's own accounts (owner or staff) change its landing configuration");
  }
  return MerchantNotFound(merchant_id);
}

absl::Status RequireMerchantId(absl::string_view merchant_id) {
  if (merchant_id.empty()) return core::InvalidField("merchantId", "is required");
  if (!core::IsValidId(merchant_id)) return MerchantNotFound(merchant_id);
  return absl::OkStatus();
}

absl::Status LandingOff(absl::string_view merchant_id, absl::string_view what) {
  return absl::FailedPreconditionError(
      absl::StrCat("landing business is off for merchant ", merchant_id, ": ", what,
                   " (the merchant turns it on with POST /v1/merchants/", merchant_id,
                   ":setBusinessSwitches; it goes through audit)"));
}

}  // namespace

absl::StatusOr<v1::Merchant> LandingLogic::WritableMerchant(const rpc::CallContext& call,
                                                            absl::string_view merchant_id) {
  QRCLOUD_RETURN_IF_ERROR(RequireMerchantId(merchant_id));
  QRCLOUD_RETURN_IF_ERROR(CheckConfigAccess(call.caller(), merchant_id, auth::Access::kWrite));
  return merchants_.Get(merchant_id);
}

absl::StatusOr<v1::LandingConfig> LandingLogic::ConfigOf(const v1::Merchant& merchant) {
  QRCLOUD_ASSIGN_OR_RETURN(auto stored, store_.GetConfig(merchant.id()));
  v1::LandingConfig config = stored ? *std::move(stored) : v1::LandingConfig();
  config.set_merchant_id(merchant.id());
  config.set_merchant_name(merchant.display_name());
  config.set_landing_enabled(merchant.landing_business_enabled());
  config.set_platform_receipt_key(options_.receipt_public_key);
  return config;
}

absl::Status LandingLogic::RegisterNode(const rpc::CallContext& call,
                                        const v1::RegisterNodeRequest& req,
                                        v1::RegisterNodeResponse& resp) {
  const auth::Principal& p = call.caller();
  QRCLOUD_RETURN_IF_ERROR(RequireMerchantId(req.merchant_id()));
  QRCLOUD_RETURN_IF_ERROR(CheckConfigAccess(p, req.merchant_id(), auth::Access::kRead));
  if (!(p.Has(Role::kMerchant) && p.merchant_id == req.merchant_id())) {
    return absl::PermissionDeniedError(
        "only the merchant's owner registers a landing node (it gets a key that syncs orders)");
  }
  if (req.request_id().empty() || req.request_id().size() > 128) {
    return core::InvalidField("requestId",
                              "is required, at most 128 characters: a retry with the same "
                              "request id answers the same node");
  }
  QRCLOUD_ASSIGN_OR_RETURN(std::string name, NormalizeName("name", req.name(), kMaxNodeNameChars));
  if (!req.lan_url().empty()) {
    if (req.lan_url().size() > 255) {
      return core::InvalidField("lanUrl", "must be at most 255 characters");
    }
    QRCLOUD_RETURN_IF_ERROR(core::ValidateWebUrl("lanUrl", req.lan_url()));
  }
  QRCLOUD_ASSIGN_OR_RETURN(v1::Merchant merchant, merchants_.Get(req.merchant_id()));
  if (!merchant.landing_business_enabled()) {
    return LandingOff(merchant.id(), "a landing node cannot be registered");
  }
  const auth::NewApiKey key = auth::GenerateApiKey();
  const absl::Time now = core::ToMicros(clock_.Now());
  for (int attempt = 0; attempt < 2; ++attempt) {
    QRCLOUD_ASSIGN_OR_RETURN(auto existing,
                             store_.FindNodeByRequest(req.merchant_id(), req.request_id()));
    if (existing) {
      // A retry: the same node, with a new key (the first answer's key was
      // never kept, so it cannot be given again; it stops working).
      if (existing->name() != name || existing->lan_url() != req.lan_url()) {
        return core::InvalidField("requestId",
                                  absl::StrCat("\"", req.request_id(),
                                               "\" registered another node; use a new request id"));
      }
      if (existing->has_revoke_time()) {
        return absl::FailedPreconditionError(
            "the node this request id registered was revoked; register with a new request id");
      }
      QRCLOUD_ASSIGN_OR_RETURN(auto old, store_.ReplaceNodeKey(existing->id(), key, now));
      for (const std::string& hash : old) QRCLOUD_RETURN_IF_ERROR(keys_.ForgetApiKey(hash));
      *resp.mutable_node() = *std::move(existing);
      resp.set_api_key(key.secret);
      return absl::OkStatus();
    }
    v1::LandingNode node;
    node.set_id(core::NewId());
    node.set_merchant_id(req.merchant_id());
    node.set_name(name);
    node.set_lan_url(req.lan_url());
    core::ToProto(now, node.mutable_create_time());
    const absl::Status inserted = store_.InsertNode(node, req.request_id(), key);
    if (absl::IsAlreadyExists(inserted)) continue;  // a concurrent twin: answer as its retry
    QRCLOUD_RETURN_IF_ERROR(inserted);
    spdlog::info("landing node {} registered for merchant {}", node.id(), node.merchant_id());
    *resp.mutable_node() = std::move(node);
    resp.set_api_key(key.secret);
    return absl::OkStatus();
  }
  return absl::AbortedError("a registration with this request id is running; retry shortly");
}

absl::Status LandingLogic::ListNodes(const rpc::CallContext& call, const v1::ListNodesRequest& req,
                                     v1::ListNodesResponse& resp) {
  QRCLOUD_RETURN_IF_ERROR(RequireMerchantId(req.merchant_id()));
  QRCLOUD_RETURN_IF_ERROR(
      auth::CheckMerchantAccess(call.caller(), req.merchant_id(), auth::Access::kRead));
  QRCLOUD_ASSIGN_OR_RETURN(const int size, rpc::PageSize(req.page()));
  const std::string& after = req.page().page_token();
  if (!after.empty() && !core::IsValidId(after)) {
    return core::InvalidField("page.pageToken", "is the nextPageToken of the previous page");
  }
  QRCLOUD_ASSIGN_OR_RETURN(auto nodes, store_.ListNodes(req.merchant_id(), after, size + 1));
  if (std::string next = rpc::TakePage(nodes, size); !next.empty()) {
    resp.mutable_page()->set_next_page_token(next);
  }
  for (auto& n : nodes) *resp.add_nodes() = std::move(n);
  return absl::OkStatus();
}

absl::Status LandingLogic::RevokeNode(const rpc::CallContext& call,
                                      const v1::RevokeNodeRequest& req,
                                      v1::RevokeNodeResponse& resp) {
  const auto not_found = [&] {
    return absl::NotFoundError(absl::StrCat("landing node ", req.node_id(), " not found"));
  };
  if (!core::IsValidId(req.node_id())) return not_found();
  auto node = store_.GetNode(req.node_id());
  if (absl::IsNotFound(node.status())) return not_found();
  if (!node.ok()) return node.status();
  if (!auth::CheckMerchantAccess(call.caller(), node->merchant_id(), auth::Access::kWrite).ok()) {
    return not_found();
  }
  QRCLOUD_ASSIGN_OR_RETURN(auto hashes,
                           store_.RevokeNode(node->id(), core::ToMicros(clock_.Now())));
  for (const std::string& hash : hashes) QRCLOUD_RETURN_IF_ERROR(keys_.ForgetApiKey(hash));
  QRCLOUD_ASSIGN_OR_RETURN(*resp.mutable_node(), store_.GetNode(node->id()));
  spdlog::info("landing node {} revoked", node->id());
  return absl::OkStatus();
}

absl::Status LandingLogic::GetConfig(const rpc::CallContext& call,
                                     const v1::GetLandingConfigRequest& req,
                                     v1::LandingConfig& resp) {
  QRCLOUD_RETURN_IF_ERROR(RequireMerchantId(req.merchant_id()));
  QRCLOUD_RETURN_IF_ERROR(CheckConfigAccess(call.caller(), req.merchant_id(), auth::Access::kRead));
  QRCLOUD_ASSIGN_OR_RETURN(v1::Merchant merchant, merchants_.Get(req.merchant_id()));
  QRCLOUD_ASSIGN_OR_RETURN(resp, ConfigOf(merchant));
  return absl::OkStatus();
}

absl::Status LandingLogic::UpdateConfig(const rpc::CallContext& call,
                                        const v1::UpdateLandingConfigRequest& req,
                                        v1::LandingConfig& resp) {
  QRCLOUD_ASSIGN_OR_RETURN(v1::Merchant merchant, WritableMerchant(call, req.merchant_id()));
  QRCLOUD_ASSIGN_OR_RETURN(v1::LandingConfig current, ConfigOf(merchant));
  QRCLOUD_ASSIGN_OR_RETURN(resp, PutEdit(current, req));
  return absl::OkStatus();
}

absl::StatusOr<v1::LandingConfig> LandingLogic::PutEdit(
    const v1::LandingConfig& current, const v1::UpdateLandingConfigRequest& edit) {
  if (edit.expected_version() < 0) {
    return core::InvalidField("expectedVersion", "is the version read (0: do not check)");
  }
  QRCLOUD_RETURN_IF_ERROR(CheckExpectedVersion(edit.expected_version(), current.version()));
  QRCLOUD_ASSIGN_OR_RETURN(v1::LandingConfig next, MergeConfig(current, edit, NewTableToken));
  const absl::Time now = core::ToMicros(clock_.Now());
  core::ToProto(now, next.mutable_update_time());
  QRCLOUD_RETURN_IF_ERROR(store_.PutConfig(next, current.version(), now));
  return next;
}

absl::Status LandingLogic::RotateTableToken(const rpc::CallContext& call,
                                            const v1::RotateTableTokenRequest& req,
                                            v1::LandingConfig& resp) {
  QRCLOUD_ASSIGN_OR_RETURN(v1::Merchant merchant, WritableMerchant(call, req.merchant_id()));
  QRCLOUD_RETURN_IF_ERROR(ValidateTableId("table", req.table()));
  QRCLOUD_ASSIGN_OR_RETURN(v1::LandingConfig config, ConfigOf(merchant));
  const int64_t previous = config.version();
  bool found = false;
  for (auto& t : *config.mutable_tables()) {
    if (t.id() == req.table()) {
      t.set_token(NewTableToken());
      found = true;
    }
  }
  if (!found) return absl::NotFoundError(absl::StrCat("table ", req.table(), " not found"));
  config.set_version(previous + 1);
  const absl::Time now = core::ToMicros(clock_.Now());
  core::ToProto(now, config.mutable_update_time());
  QRCLOUD_RETURN_IF_ERROR(store_.PutConfig(config, previous, now));
  resp = std::move(config);
  return absl::OkStatus();
}

absl::Status LandingLogic::ListConflicts(const rpc::CallContext& call,
                                         const v1::ListLandingConflictsRequest& req,
                                         v1::ListLandingConflictsResponse& resp) {
  QRCLOUD_RETURN_IF_ERROR(RequireMerchantId(req.merchant_id()));
  QRCLOUD_RETURN_IF_ERROR(
      auth::CheckMerchantAccess(call.caller(), req.merchant_id(), auth::Access::kRead));
  QRCLOUD_ASSIGN_OR_RETURN(const int size, rpc::PageSize(req.page()));
  // The token is the last conflict's order id and node id, joined.
  LandingStore::ConflictKey after;
  if (const std::string& token = req.page().page_token(); !token.empty()) {
    const size_t half = token.size() / 2;
    after = {token.substr(0, half), token.substr(half)};
    if (token.size() % 2 != 0 || !core::IsValidId(after.order_id) ||
        !core::IsValidId(after.node_id)) {
      return core::InvalidField("page.pageToken", "is the nextPageToken of the previous page");
    }
  }
  QRCLOUD_ASSIGN_OR_RETURN(auto conflicts,
                           store_.ListConflicts(req.merchant_id(), after, size + 1));
  if (static_cast<int>(conflicts.size()) > size) {
    conflicts.resize(size);
    resp.mutable_page()->set_next_page_token(
        absl::StrCat(conflicts.back().order_id(), conflicts.back().node_id()));
  }
  for (auto& c : conflicts) *resp.add_conflicts() = std::move(c);
  return absl::OkStatus();
}

absl::StatusOr<v1::LandingNode> LandingLogic::CallingNode(const rpc::CallContext& call,
                                                          absl::string_view node_id) {
  const auth::Principal& p = call.caller();
  QRCLOUD_RETURN_IF_ERROR(
      CheckNodeCaller({p.Has(Role::kLandingNode) && !p.node_id.empty(), p.node_id}, node_id));
  QRCLOUD_ASSIGN_OR_RETURN(v1::LandingNode node, store_.GetNode(node_id));
  if (node.has_revoke_time()) return absl::UnauthenticatedError("this landing node was revoked");
  QRCLOUD_ASSIGN_OR_RETURN(v1::Merchant merchant, merchants_.Get(node.merchant_id()));
  if (!merchant.landing_business_enabled()) {
    return LandingOff(merchant.id(), "its nodes do not sync until it is on again");
  }
  return node;
}

absl::Status LandingLogic::PullNodeConfig(const rpc::CallContext& call,
                                          const v1::PullNodeConfigRequest& req,
                                          v1::PullNodeConfigResponse& resp) {
  QRCLOUD_ASSIGN_OR_RETURN(v1::LandingNode node, CallingNode(call, req.node_id()));
  if (req.since_version() < 0) {
    return core::InvalidField("sinceVersion", "is the version the node has (0: none)");
  }
  QRCLOUD_ASSIGN_OR_RETURN(v1::Merchant merchant, merchants_.Get(node.merchant_id()));
  QRCLOUD_ASSIGN_OR_RETURN(v1::LandingConfig config, ConfigOf(merchant));
  const bool changed = req.since_version() != config.version();
  resp.set_changed(changed);
  if (changed) *resp.mutable_config() = config;
  return store_.TouchNode(node.id(), core::ToMicros(clock_.Now()), config.version());
}

absl::Status LandingLogic::UpdateNodeMenu(const rpc::CallContext& call,
                                          const v1::UpdateNodeMenuRequest& req,
                                          v1::LandingConfig& resp) {
  QRCLOUD_ASSIGN_OR_RETURN(v1::LandingNode node, CallingNode(call, req.node_id()));
  QRCLOUD_ASSIGN_OR_RETURN(v1::Merchant merchant, merchants_.Get(node.merchant_id()));
  QRCLOUD_ASSIGN_OR_RETURN(v1::LandingConfig current, ConfigOf(merchant));
  // The merchant's own edit with the menu changed: the same rules, and the
  // tables (with their tokens) and the Wi-Fi as they are.
  v1::UpdateLandingConfigRequest edit;
  edit.set_merchant_id(merchant.id());
  edit.set_expected_version(req.expected_version());
  *edit.mutable_menu() = req.menu();
  *edit.mutable_tables() = current.tables();
  if (current.has_wifi()) *edit.mutable_wifi() = current.wifi();
  QRCLOUD_ASSIGN_OR_RETURN(v1::LandingConfig next, PutEdit(current, edit));
  QRCLOUD_RETURN_IF_ERROR(
      store_.TouchNode(node.id(), core::FromProto(next.update_time()), next.version()));
  spdlog::info("landing node {} edited the menu of merchant {} (version {})", node.id(),
               merchant.id(), next.version());
  resp = std::move(next);
  return absl::OkStatus();
}

absl::StatusOr<PlannedRecord> LandingLogic::Redeem(const v1::LandingNode& node,
                                                   const v1::SyncRecord& record) {
  PlannedRecord out{record.uuid(), record.sequence()};
  const v1::NodeRedemption& r = record.redemption();
  const std::string merchant_id = node.merchant_id();
  ordering::Redeemer redeemer{
      .account_id = node.id(),
      .merchant_id = merchant_id,
      .may_redeem = [merchant_id](absl::string_view m) { return m == merchant_id; }};
  const ordering::ReceiptRef receipt{.token = r.receipt_token()};
  auto verified = book_.Verify(redeemer, receipt);
  if (absl::IsInvalidArgument(verified.status()) || absl::IsNotFound(verified.status())) {
    out.rejection =
        absl::StrCat("the receipt cannot be redeemed here: ", verified.status().message());
    return out;
  }
  QRCLOUD_RETURN_IF_ERROR(verified.status());
  if (verified->order.id() != r.order_id()) {
    out.rejection = absl::StrCat("the receipt token is order ", verified->order.id(),
                                 "'s, not order ", r.order_id(), "'s");
    return out;
  }
  auto redeemed = book_.Redeem(redeemer, receipt);
  if (redeemed.ok()) return out;
  ConflictRecord conflict{.order_id = r.order_id(),
                          .reason = std::string(redeemed.status().message())};
  if (r.has_redeem_time()) conflict.node_redeemed_at = core::FromProto(r.redeem_time());
  if (absl::IsAlreadyExists(redeemed.status())) {
    QRCLOUD_ASSIGN_OR_RETURN(auto done, store_.RedemptionOf(r.order_id()));
    if (done && done->redeemed_by == node.id()) return out;  // this record, applied before
    if (done) {
      conflict.other_redeemed_at = done->redeemed_at;
      conflict.reason = absl::StrCat(
          "redeemed at the node, and elsewhere at ",
          absl::FormatTime("%Y-%m-%d %H:%M:%S UTC", done->redeemed_at, absl::UTCTimeZone()));
    }
  } else if (!absl::IsFailedPrecondition(redeemed.status())) {
    return redeemed.status();
  }
  // Cancelled, refunded, expired, or redeemed by someone else: the node
  // handed the goods over anyway; the merchant is told.
  out.conflict = std::move(conflict);
  return out;
}

absl::Status LandingLogic::SyncOrders(const rpc::CallContext& call,
                                      const v1::SyncOrdersRequest& req,
                                      v1::SyncOrdersResponse& resp) {
  QRCLOUD_ASSIGN_OR_RETURN(v1::LandingNode node, CallingNode(call, req.node_id()));
  if (req.records_size() > kMaxSyncRecords) {
    return core::InvalidField("records",
                              absl::StrCat("at most ", kMaxSyncRecords, " records a batch (got ",
                                           req.records_size(), "); send the rest in the next"));
  }
  QRCLOUD_ASSIGN_OR_RETURN(v1::Merchant merchant, merchants_.Get(node.merchant_id()));
  QRCLOUD_ASSIGN_OR_RETURN(v1::LandingConfig config, ConfigOf(merchant));
  const std::map<std::string, int> menu = MenuIndex(config);
  SyncPlan plan;
  plan.node_id = node.id();
  plan.merchant_id = node.merchant_id();
  plan.now = core::ToMicros(clock_.Now());
  for (const auto& r : req.records()) plan.uuids.push_back(r.uuid());
  // Records seen before are not judged again (a redemption is not tried
  // twice); the store has the last word on duplicates.
  QRCLOUD_ASSIGN_OR_RETURN(auto known, store_.KnownRecords(node.id(), plan.uuids));
  std::vector<v1::SyncRecord> all(req.records().begin(), req.records().end());
  plan.high_water_mark = HighWaterMark(0, all);
  for (const v1::SyncRecord& r : req.records()) {
    if (known.count(r.uuid()) != 0) continue;
    PlannedRecord planned{r.uuid(), r.sequence()};
    planned.rejection = RejectionOf(r, menu, node.merchant_id());
    if (planned.rejection.empty() && r.has_order()) {
      planned.order = LandingOrderOf(r.order(), node.merchant_id(), node.id());
    } else if (planned.rejection.empty() && r.has_redemption()) {
      QRCLOUD_ASSIGN_OR_RETURN(planned, Redeem(node, r));
    }
    plan.records.push_back(std::move(planned));
  }
  QRCLOUD_ASSIGN_OR_RETURN(resp, store_.ApplySync(plan));
  return absl::OkStatus();
}

absl::StatusOr<LandingLogic::TableOf> LandingLogic::PublicTable(absl::string_view node_id,
                                                                absl::string_view table,
                                                                absl::string_view token) {
  const auto no_node = [&] {
    return absl::NotFoundError(absl::StrCat("landing node ", node_id, " not found"));
  };
  if (!core::IsValidId(node_id)) return no_node();
  QRCLOUD_RETURN_IF_ERROR(ValidateTableId("table", table));
  if (token.size() > 64) return core::InvalidField("token", "is the token of the table's link");
  TableOf out;
  auto node = store_.GetNode(node_id);
  if (absl::IsNotFound(node.status()) || (node.ok() && node->has_revoke_time())) return no_node();
  QRCLOUD_RETURN_IF_ERROR(node.status());
  out.node = *std::move(node);
  QRCLOUD_ASSIGN_OR_RETURN(v1::Merchant merchant, merchants_.Get(out.node.merchant_id()));
  if (!merchant.landing_business_enabled()) {
    return absl::FailedPreconditionError("this shop does not take table orders right now");
  }
  QRCLOUD_ASSIGN_OR_RETURN(out.config, ConfigOf(merchant));
  QRCLOUD_ASSIGN_OR_RETURN(out.table, TableFor(out.config, table, token));
  return out;
}

absl::Status LandingLogic::GetTablePage(const rpc::CallContext& call,
                                        const v1::CenterTablePageRequest& req,
                                        google::api::HttpBody& resp) {
  (void)call;
  QRCLOUD_ASSIGN_OR_RETURN(TableOf t, PublicTable(req.node_id(), req.table(), req.k()));
  resp.set_content_type("text/html; charset=utf-8");
  resp.set_data(RenderTablePage({t.config, t.table, t.node.id(), t.node.lan_url()}));
  return absl::OkStatus();
}

absl::Status LandingLogic::PlaceTableOrder(const rpc::CallContext& call,
                                           const v1::PlaceTableOrderRequest& req,
                                           v1::PlaceTableOrderResponse& resp) {
  (void)call;
  if (req.request_id().empty() || req.request_id().size() > 128) {
    return core::InvalidField("requestId",
                              "is required, at most 128 characters: the same request id answers "
                              "the same order");
  }
  QRCLOUD_ASSIGN_OR_RETURN(TableOf t, PublicTable(req.node_id(), req.table(), req.token()));
  const auto answer = [&](const std::string& order_id) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(*resp.mutable_order(), orders_.Get(order_id));
    return absl::OkStatus();
  };
  QRCLOUD_ASSIGN_OR_RETURN(auto earlier, store_.FindCenterOrder(t.node.id(), req.request_id()));
  if (earlier) return answer(*earlier);
  std::vector<v1::TableOrderLine> lines(req.items().begin(), req.items().end());
  QRCLOUD_ASSIGN_OR_RETURN(v1::Order order, PriceTableOrder(t.config, lines));
  order.set_id(core::NewId());
  order.set_merchant_id(t.node.merchant_id());
  order.set_landing_node_id(t.node.id());
  order.set_table(t.table.id());
  core::ToProto(core::ToMicros(clock_.Now()), order.mutable_create_time());
  const absl::Status inserted = store_.InsertCenterOrder(order, req.request_id());
  if (absl::IsAlreadyExists(inserted)) {
    QRCLOUD_ASSIGN_OR_RETURN(earlier, store_.FindCenterOrder(t.node.id(), req.request_id()));
    if (earlier) return answer(*earlier);
  }
  QRCLOUD_RETURN_IF_ERROR(inserted);
  return answer(order.id());
}

absl::Status LandingLogic::GetTableSheet(const rpc::CallContext& call,
                                         const v1::GetTableSheetRequest& req,
                                         google::api::HttpBody& resp) {
  const auto no_node = [&] {
    return absl::NotFoundError(absl::StrCat("landing node ", req.node_id(), " not found"));
  };
  if (!core::IsValidId(req.node_id())) return no_node();
  auto node = store_.GetNode(req.node_id());
  if (absl::IsNotFound(node.status())) return no_node();
  QRCLOUD_RETURN_IF_ERROR(node.status());
  if (!CheckConfigAccess(call.caller(), node->merchant_id(), auth::Access::kRead).ok()) {
    return no_node();
  }
  const bool lan = req.links() == "LAN";
  if (!lan && !req.links().empty() && req.links() != "CENTER") {
    return core::InvalidField("links", "accepted: CENTER (center links, the default) or LAN");
  }
  if (lan && node->lan_url().empty()) {
    return core::InvalidField("links", "this node has no LAN URL: use CENTER links");
  }
  QRCLOUD_ASSIGN_OR_RETURN(v1::Merchant merchant, merchants_.Get(node->merchant_id()));
  QRCLOUD_ASSIGN_OR_RETURN(v1::LandingConfig config, ConfigOf(merchant));
  std::vector<TableSticker> stickers;
  for (const v1::LandingTable& t : config.tables()) {
    stickers.push_back({t.name(), lan ? LanTableUrl(node->lan_url(), t)
                                      : CenterTableUrl(options_.public_url, node->id(), t)});
  }
  QRCLOUD_ASSIGN_OR_RETURN(*resp.mutable_data(),
                           RenderTableSheet(stickers, config.merchant_name(), config.wifi()));
  resp.set_content_type("application/pdf");
  return absl::OkStatus();
}

absl::Status LandingLogic::PullOrders(const rpc::CallContext& call,
                                      const v1::PullOrdersRequest& req,
                                      v1::PullOrdersResponse& resp) {
  QRCLOUD_ASSIGN_OR_RETURN(v1::LandingNode node, CallingNode(call, req.node_id()));
  QRCLOUD_ASSIGN_OR_RETURN(const int size, rpc::PageSize(req.page_size(), "pageSize"));
  int64_t after = 0;
  if (!req.after().empty() && (!absl::SimpleAtoi(req.after(), &after) || after < 0)) {
    return core::InvalidField("after", "is the nextCursor of the last page (or empty)");
  }
  const absl::Time now = core::ToMicros(clock_.Now());
  QRCLOUD_ASSIGN_OR_RETURN(auto page,
                           store_.CenterOrders(node.id(), after, now - options_.pull_settle, size));
  for (const auto& [seq, order_id] : page) {
    QRCLOUD_ASSIGN_OR_RETURN(*resp.add_orders(), orders_.Get(order_id));
    after = seq;
  }
  resp.set_next_cursor(after == 0 ? "" : absl::StrCat(after));
  return store_.TouchNode(node.id(), now, std::nullopt);
}

}  // namespace qrcloud::center
