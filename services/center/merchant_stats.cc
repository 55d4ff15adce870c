#include "services/center/merchant_stats.h"

#include "libs/core/status.h"

namespace qrcloud::center {
namespace {

const absl::TimeZone kShanghai = absl::FixedTimeZone(8 * 3600);

absl::StatusOr<absl::Time> ParseDay(absl::string_view field, absl::string_view day) {
  absl::Time t;
  std::string err;
  if (!absl::ParseTime("%Y-%m-%d", day, kShanghai, &t, &err)) {
    return core::InvalidField(field, "must be a day as YYYY-MM-DD");
  }
  return t;
}

}  // namespace

absl::StatusOr<StatsWindow> StatsWindowOf(const v1::GetMerchantStatsRequest& req, absl::Time now) {
  const absl::Time today = absl::FromCivil(absl::ToCivilDay(now, kShanghai), kShanghai);
  StatsWindow w{.from = today + absl::Hours(24) - absl::Hours(24 * 30),
                .to = today + absl::Hours(24)};
  if (!req.to_day().empty()) {
    QRCLOUD_ASSIGN_OR_RETURN(absl::Time t, ParseDay("toDay", req.to_day()));
    w.to = t + absl::Hours(24);
  }
  if (!req.from_day().empty()) {
    QRCLOUD_ASSIGN_OR_RETURN(w.from, ParseDay("fromDay", req.from_day()));
  }
  if (w.from >= w.to) return core::InvalidField("fromDay", "must not be after toDay");
  if (w.to - w.from > absl::Hours(24 * 366)) {
    return core::InvalidField("fromDay", "a range covers at most 366 days");
  }
  return w;
}

std::string ShanghaiDay(absl::Time t) { return absl::FormatTime("%Y-%m-%d", t, kShanghai); }

}  // namespace qrcloud::center
