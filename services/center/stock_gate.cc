#include "services/center/stock_gate.h"

#include "absl/strings/str_cat.h"
#include "libs/core/log.h"
#include "libs/core/metrics.h"
#include "libs/core/status.h"

namespace qrcloud::center {
namespace {

constexpr char kGateSet[] = "qrcloud:gates";

std::string GateKey(const std::string& id) { return absl::StrCat("qrcloud:gate:", id); }

// KEYS[1] the gate; ARGV[1] the quantity. Returns the remaining count after
// taking, -1 when too few are left, -2 when the gate is not set yet.
const cache::Script& TakeScript() {
  static const cache::Script* s = new cache::Script(R"lua(
local left = redis.call('GET', KEYS[1])
if not left then return -2 end
left = tonumber(left)
local want = tonumber(ARGV[1])
if left < want then return -1 end
return redis.call('DECRBY', KEYS[1], want)
)lua");
  return *s;
}

core::Counter& TurnedAway() {
  static core::Counter& c = core::MetricsRegistry::Global().GetCounter(
      "stock_gate_turned_away_total", "Orders turned away at the Redis stock gate as sold out.");
  return c;
}

}  // namespace

StockGate::StockLoader StockGate::FromMysql(store::MysqlPool& mysql) {
  return [&mysql](const std::string& campaign_id) -> absl::StatusOr<int64_t> {
    QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql.Acquire());
    QRCLOUD_ASSIGN_OR_RETURN(
        store::Row row,
        conn->QueryOne("SELECT stock_left FROM campaigns WHERE id = ?", {campaign_id}));
    return row.Int("stock_left");
  };
}

absl::Status StockGate::Reconcile(const std::string& campaign_id) {
  QRCLOUD_ASSIGN_OR_RETURN(int64_t left, stock_left_(campaign_id));
  return redis_
      .Pipeline(
          {{"SET", GateKey(campaign_id), absl::StrCat(left)}, {"SADD", kGateSet, campaign_id}})
      .status();
}

absl::StatusOr<StockGate::Verdict> StockGate::Take(const std::string& campaign_id,
                                                   int64_t quantity) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    QRCLOUD_ASSIGN_OR_RETURN(cache::Reply r, redis_.Eval(TakeScript(), {GateKey(campaign_id)},
                                                         {absl::StrCat(quantity)}));
    const int64_t v = r.integer();
    if (v >= 0) return Verdict::kTaken;
    if (v == -1) {
      TurnedAway().Inc();
      return Verdict::kSoldOut;
    }
    // Not set yet: set it from MySQL (only if still unset) and try again.
    QRCLOUD_ASSIGN_OR_RETURN(int64_t left, stock_left_(campaign_id));
    QRCLOUD_RETURN_IF_ERROR(redis_
                                .Pipeline({{"SET", GateKey(campaign_id), absl::StrCat(left), "NX"},
                                           {"SADD", kGateSet, campaign_id}})
                                .status());
  }
  return absl::UnavailableError("the stock gate could not be set up");
}

void StockGate::Give(const std::string& campaign_id, int64_t quantity) {
  auto r = redis_.Command({"INCRBY", GateKey(campaign_id), absl::StrCat(quantity)});
  if (!r.ok())
    spdlog::warn("stock gate {}: could not give back {}: {}", campaign_id, quantity,
                 r.status().message());
}

absl::StatusOr<std::optional<int64_t>> StockGate::Peek(const std::string& campaign_id) {
  QRCLOUD_ASSIGN_OR_RETURN(cache::Reply r, redis_.Command({"GET", GateKey(campaign_id)}));
  if (r.is_nil()) return std::optional<int64_t>();
  return std::optional<int64_t>(r.integer());
}

absl::Status StockGate::ReconcileAll() {
  QRCLOUD_ASSIGN_OR_RETURN(cache::Reply members, redis_.Command({"SMEMBERS", kGateSet}));
  for (size_t i = 0; i < members.size(); ++i) {
    QRCLOUD_RETURN_IF_ERROR(Reconcile(members[i].str()));
  }
  return absl::OkStatus();
}

}  // namespace qrcloud::center
