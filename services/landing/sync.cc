#include "services/landing/sync.h"

#include <google/protobuf/util/json_util.h>

#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/core/ids.h"
#include "libs/core/log.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"
#include "libs/service/events.h"

namespace qrcloud::landing {
namespace {

constexpr char kHighWaterMark[] = "high_water_mark";
constexpr char kPullCursor[] = "pull_cursor";
constexpr int kPullPage = 200;

// The record an outbox row is sent as; an error for a row the node cannot read.
absl::StatusOr<v1::SyncRecord> RecordOf(const OutboxRow& row) {
  v1::SyncRecord record;
  record.set_uuid(row.uuid);
  record.set_sequence(row.sequence);
  if (row.stream == kRedemptionStream && row.type == kRedemptionType) {
    if (!service::EventFromJson(row.data, *record.mutable_redemption()) ||
        record.redemption().order_id().empty()) {
      return absl::InvalidArgumentError("the node could not read this redemption record");
    }
    return record;
  }
  if (row.stream == ordering::kOrderStream) {
    if (!service::EventFromJson(row.data, *record.mutable_order()) || record.order().id().empty()) {
      return absl::InvalidArgumentError("the node could not read this order record");
    }
    return record;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("the node does not sync records of stream \"", row.stream, "\""));
}

}  // namespace

GrpcCenterLink::GrpcCenterLink(std::unique_ptr<service::CenterCaller> caller)
    : caller_(std::move(caller)), stub_(v1::LandingAdminService::NewStub(caller_->channel())) {}

absl::StatusOr<std::unique_ptr<GrpcCenterLink>> GrpcCenterLink::Create(const std::string& address,
                                                                       const std::string& key_file,
                                                                       absl::Duration timeout) {
  QRCLOUD_ASSIGN_OR_RETURN(auto caller, service::CenterCaller::Create(address, key_file, timeout));
  return std::unique_ptr<GrpcCenterLink>(new GrpcCenterLink(std::move(caller)));
}

absl::StatusOr<v1::PullNodeConfigResponse> GrpcCenterLink::PullConfig(
    const v1::PullNodeConfigRequest& req) {
  v1::PullNodeConfigResponse resp;
  QRCLOUD_RETURN_IF_ERROR(caller_->Call(
      [&](grpc::ClientContext& ctx) { return stub_->PullNodeConfig(&ctx, req, &resp); }));
  return resp;
}

absl::StatusOr<v1::SyncOrdersResponse> GrpcCenterLink::Sync(const v1::SyncOrdersRequest& req) {
  v1::SyncOrdersResponse resp;
  QRCLOUD_RETURN_IF_ERROR(
      caller_->Call([&](grpc::ClientContext& ctx) { return stub_->SyncOrders(&ctx, req, &resp); }));
  return resp;
}

absl::StatusOr<v1::LandingConfig> GrpcCenterLink::UpdateMenu(const v1::UpdateNodeMenuRequest& req) {
  v1::LandingConfig resp;
  QRCLOUD_RETURN_IF_ERROR(caller_->Call(
      [&](grpc::ClientContext& ctx) { return stub_->UpdateNodeMenu(&ctx, req, &resp); }));
  return resp;
}

absl::StatusOr<v1::PullOrdersResponse> GrpcCenterLink::PullOrders(
    const v1::PullOrdersRequest& req) {
  v1::PullOrdersResponse resp;
  QRCLOUD_RETURN_IF_ERROR(
      caller_->Call([&](grpc::ClientContext& ctx) { return stub_->PullOrders(&ctx, req, &resp); }));
  return resp;
}

Syncer::Syncer(NodeLogic& logic, NodeStore& node, CenterLink& center, const core::Clock& clock,
               SyncOptions options)
    : logic_(logic), node_(node), center_(center), clock_(clock), options_(options) {}

absl::Status Syncer::Start() {
  QRCLOUD_ASSIGN_OR_RETURN(int64_t reset, node_.ResetSending());
  if (reset > 0) spdlog::info("landing sync: {} records left sending are sent again", reset);
  QRCLOUD_ASSIGN_OR_RETURN(std::string hwm, node_.GetState(kHighWaterMark));
  int64_t mark = 0;
  (void)absl::SimpleAtoi(hwm, &mark);
  absl::MutexLock lock(&mu_);
  high_water_mark_ = mark;
  return absl::OkStatus();
}

void Syncer::Wake() {
  absl::MutexLock lock(&mu_);
  ++wakes_;
  next_attempt_ = absl::InfinitePast();
  next_config_ = absl::InfinitePast();
  next_pull_ = absl::InfinitePast();
}

v1::SyncStatus Syncer::SyncNow(absl::Duration timeout) {
  Wake();
  {
    absl::MutexLock lock(&mu_);
    const int64_t wake = wakes_;
    auto served = [this, wake]()
                      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return wakes_served_ >= wake; };
    mu_.AwaitWithTimeout(absl::Condition(&served), timeout);
  }
  return Status();
}

absl::StatusOr<v1::Menu> Syncer::UpdateMenu(const v1::UpdateDeskMenuRequest& req) {
  if (req.expected_version() < 0) {
    return core::InvalidField("expectedVersion", "is Menu.configVersion as read (0: do not check)");
  }
  v1::UpdateNodeMenuRequest edit;
  edit.set_node_id(logic_.options().node_id);
  *edit.mutable_menu() = req.items();
  // What is sold out only here stays the node's (SetSoldOut): the menu read
  // shows it, and sending it back must not make it the center's.
  QRCLOUD_ASSIGN_OR_RETURN(auto sold_out_here, node_.SoldOutHere());
  std::set<std::string> sold_out_at_center;
  const v1::LandingConfig current = logic_.config();
  for (const v1::MenuItem& item : current.menu()) {
    if (item.sold_out()) sold_out_at_center.insert(item.id());
  }
  for (v1::MenuItem& item : *edit.mutable_menu()) {
    if (sold_out_here.count(item.id()) > 0) {
      item.set_sold_out(sold_out_at_center.count(item.id()) > 0);
    }
  }
  edit.set_expected_version(req.expected_version());
  edit.set_request_id(core::NewId());
  absl::MutexLock config_lock(&config_mu_);
  auto config = center_.UpdateMenu(edit);
  if (absl::IsUnavailable(config.status()) || absl::IsDeadlineExceeded(config.status())) {
    return absl::UnavailableError(absl::StrCat(
        "the menu is kept at the center, which cannot be reached now (", config.status().message(),
        "); try again when it is back. Marking items sold out works offline"));
  }
  if (absl::IsFailedPrecondition(config.status())) Stop(config.status(), clock_.Now());
  QRCLOUD_RETURN_IF_ERROR(config.status());
  QRCLOUD_RETURN_IF_ERROR(logic_.ApplyConfig(*config));
  return logic_.Menu();
}

void Syncer::Stop(const absl::Status& s, absl::Time now) {
  if (logic_.config().landing_enabled()) {
    if (absl::Status off = logic_.SetLandingEnabled(false); !off.ok()) {
      spdlog::warn("landing sync: cannot keep that landing business is off: {}", off.message());
    }
    spdlog::warn("landing sync: stopped: {}", s.message());
  }
  absl::MutexLock lock(&mu_);
  stopped_ = absl::StrCat("the center does not take this node's records: ", s.message());
  next_config_ = now + options_.stopped_interval;
}

void Syncer::Failed(const absl::Status& s, absl::Time now) {
  absl::MutexLock lock(&mu_);
  ++failures_;
  online_ = false;
  last_error_ = std::string(s.message());
  const double r = std::uniform_real_distribution<double>(0, 1)(random_);
  next_attempt_ = now + Backoff(failures_, r);
  if (failures_ == 1 || failures_ % 10 == 0) {
    spdlog::warn("landing sync: {} (attempt {}, next in {})", s.message(), failures_,
                 absl::FormatDuration(next_attempt_ - now));
  }
}

void Syncer::Succeeded(absl::Time now) {
  absl::MutexLock lock(&mu_);
  failures_ = 0;
  online_ = true;
  last_error_.clear();
  last_sync_ = now;
  next_attempt_ = absl::InfinitePast();
}

absl::Status Syncer::PullConfig(absl::Time now) {
  v1::PullNodeConfigRequest req;
  req.set_node_id(logic_.options().node_id);
  absl::MutexLock config_lock(&config_mu_);
  req.set_since_version(logic_.config().version());
  auto resp = center_.PullConfig(req);
  if (!resp.ok() && resp.status().code() == absl::StatusCode::kFailedPrecondition) {
    Stop(resp.status(), now);
    return absl::OkStatus();
  }
  if (!resp.ok()) return resp.status();
  if (resp->changed()) {
    QRCLOUD_RETURN_IF_ERROR(logic_.ApplyConfig(resp->config()));
  } else if (!logic_.config().landing_enabled()) {
    // The center answers a node only while landing business is on: it is on
    // again (with the configuration this node has).
    QRCLOUD_RETURN_IF_ERROR(logic_.SetLandingEnabled(true));
    spdlog::info("landing sync: landing business is on again");
  }
  const bool enabled = logic_.config().landing_enabled();
  Succeeded(now);  // the center answered: online, even with nothing to send
  absl::MutexLock lock(&mu_);
  last_config_ = now;
  stopped_ = enabled ? "" : "the merchant's landing business is off at the center";
  next_config_ = now + (enabled ? options_.config_interval : options_.stopped_interval);
  return absl::OkStatus();
}

absl::Status Syncer::Pull() {
  QRCLOUD_ASSIGN_OR_RETURN(std::string cursor, node_.GetState(kPullCursor));
  for (int page = 0; page < 10; ++page) {
    v1::PullOrdersRequest req;
    req.set_node_id(logic_.options().node_id);
    req.set_after(cursor);
    req.set_page_size(kPullPage);
    QRCLOUD_ASSIGN_OR_RETURN(v1::PullOrdersResponse resp, center_.PullOrders(req));
    for (const v1::Order& o : resp.orders()) {
      auto imported = logic_.ImportPulled(o);
      if (!imported.ok())
        spdlog::warn("landing sync: order {} not kept: {}", o.id(), imported.status().message());
    }
    if (resp.next_cursor().empty() || resp.next_cursor() == cursor) break;
    cursor = resp.next_cursor();
    QRCLOUD_RETURN_IF_ERROR(node_.PutState(kPullCursor, cursor));
    if (resp.orders().empty()) break;
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> Syncer::Flush(absl::Time now) {
  QRCLOUD_ASSIGN_OR_RETURN(std::vector<OutboxRow> rows, node_.TakeBatch(options_.batch, now));
  if (rows.empty()) return false;
  v1::SyncOrdersRequest req;
  req.set_node_id(logic_.options().node_id);
  std::vector<SentRecord> sent;
  std::vector<std::pair<int64_t, std::string>> unreadable;
  for (const OutboxRow& row : rows) {
    auto record = RecordOf(row);
    if (!record.ok()) {
      unreadable.emplace_back(row.sequence, std::string(record.status().message()));
      continue;
    }
    *req.add_records() = *std::move(record);
    sent.push_back({row.sequence, row.uuid});
  }
  if (!unreadable.empty()) QRCLOUD_RETURN_IF_ERROR(node_.Park(unreadable, now));
  if (sent.empty()) return rows.size() == static_cast<size_t>(options_.batch);
  auto answer = center_.Sync(req);
  if (!answer.ok()) {
    std::vector<int64_t> back;
    for (const SentRecord& r : sent) back.push_back(r.sequence);
    QRCLOUD_RETURN_IF_ERROR(node_.Settle({}, {}, back, now));
    if (answer.status().code() == absl::StatusCode::kFailedPrecondition) {
      Stop(answer.status(), now);
      return false;
    }
    return answer.status();
  }
  const SyncVerdict verdict = JudgeSync(sent, *answer);
  QRCLOUD_RETURN_IF_ERROR(node_.Settle(verdict.synced, verdict.parked, verdict.retry, now));
  for (const auto& [sequence, reason] : verdict.parked) {
    spdlog::warn("landing sync: record {} parked: {}", sequence, reason);
  }
  {
    absl::MutexLock lock(&mu_);
    high_water_mark_ = std::max(high_water_mark_, answer->high_water_mark());
  }
  QRCLOUD_RETURN_IF_ERROR(node_.PutState(kHighWaterMark, absl::StrCat(answer->high_water_mark())));
  Succeeded(now);
  return rows.size() == static_cast<size_t>(options_.batch) || !verdict.retry.empty();
}

absl::StatusOr<bool> Syncer::Round() {
  int64_t wakes;
  bool woken;
  {
    absl::MutexLock lock(&mu_);
    wakes = wakes_;
    woken = wakes_ > wakes_started_;
    wakes_started_ = wakes_;
  }
  auto more = RoundOnce(woken);
  absl::MutexLock lock(&mu_);
  wakes_served_ = std::max(wakes_served_, wakes);
  return more;
}

absl::StatusOr<bool> Syncer::RoundOnce(bool woken) {
  const absl::Time now = clock_.Now();
  bool config_due, pull_due;
  {
    absl::MutexLock lock(&mu_);
    // A round woken does everything now, whatever a round that was running
    // during the wake (a failure's backoff, its pull) scheduled after it.
    if (!woken && now < next_attempt_) return false;
    config_due = woken || now >= next_config_;
    pull_due = woken || now >= next_pull_;
  }
  if (config_due) {
    if (absl::Status s = PullConfig(now); !s.ok()) {
      Failed(s, now);
      return false;
    }
  }
  {
    absl::MutexLock lock(&mu_);
    if (!stopped_.empty()) return false;
  }
  auto more = Flush(now);
  if (!more.ok()) {
    Failed(more.status(), now);
    return false;
  }
  if (pull_due) {
    if (absl::Status s = Pull(); !s.ok()) {
      Failed(s, now);
      return false;
    }
    absl::MutexLock lock(&mu_);
    next_pull_ = now + options_.pull_interval;
  }
  return *more;
}

v1::SyncStatus Syncer::Status() {
  v1::SyncStatus s;
  auto counts = node_.Counts();
  if (counts.ok()) {
    s.set_pending(counts->pending);
    s.set_parked(counts->parked);
    s.set_sending(counts->sending);
  }
  s.set_config_version(logic_.config().version());
  absl::MutexLock lock(&mu_);
  s.set_high_water_mark(high_water_mark_);
  s.set_online(online_);
  s.set_last_error(last_error_);
  s.set_stopped_reason(stopped_);
  if (last_sync_ != absl::InfinitePast()) core::ToProto(last_sync_, s.mutable_last_sync_time());
  if (last_config_ != absl::InfinitePast()) {
    core::ToProto(last_config_, s.mutable_last_config_time());
  }
  if (next_attempt_ != absl::InfinitePast()) {
    core::ToProto(next_attempt_, s.mutable_next_attempt_time());
  }
  return s;
}

}  // namespace qrcloud::landing
