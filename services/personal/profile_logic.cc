#include "services/personal/profile_logic.h"

#include <cmath>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"
#include "libs/core/validate.h"
#include "libs/text/normalize.h"
#include "services/personal/wallet_logic.h"

namespace qrcloud::personal {
namespace {

constexpr double kMetresPerDegree = 111320.0;

double RoundTo(double value, double step) { return std::round(value / step) * step; }

}  // namespace

v1::GeoPoint RoundToPrecision(double lat, double lng, int precision_m) {
  const double lat_step = precision_m / kMetresPerDegree;
  const double rounded_lat = std::clamp(RoundTo(lat, lat_step), -90.0, 90.0);
  // East-west degrees shrink towards the poles; near them one step is the
  // whole circle's worth at most.
  const double cos_lat = std::max(std::cos(rounded_lat * M_PI / 180.0), 1e-6);
  const double lng_step = std::min(precision_m / (kMetresPerDegree * cos_lat), 360.0);
  double rounded_lng = RoundTo(lng, lng_step);
  if (rounded_lng > 180.0) rounded_lng -= 360.0;
  if (rounded_lng < -180.0) rounded_lng += 360.0;
  v1::GeoPoint out;
  // Six decimals (0.1 m) are more than any precision offered.
  out.set_lat(std::round(rounded_lat * 1e6) / 1e6);
  out.set_lng(std::round(rounded_lng * 1e6) / 1e6);
  return out;
}

absl::StatusOr<std::vector<std::string>> CleanInterests(
    const google::protobuf::RepeatedPtrField<std::string>& given) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (int i = 0; i < given.size(); ++i) {
    const std::string field = absl::StrCat("interests[", i, "]");
    const absl::string_view trimmed = absl::StripAsciiWhitespace(given[i]);
    if (trimmed.empty()) continue;
    QRCLOUD_RETURN_IF_ERROR(core::ValidateText(field, trimmed, 1, kMaxInterestChars));
    std::string folded = text::NormalizeForMatching(trimmed);
    if (folded.empty() || !seen.insert(folded).second) continue;
    out.push_back(std::move(folded));
  }
  if (static_cast<int>(out.size()) > kMaxInterests) {
    return core::InvalidField(
        "interests", absl::StrCat(out.size(), " given; at most ", kMaxInterests, " are kept"));
  }
  return out;
}

absl::Status ProfileLogic::Change(const rpc::CallContext& call,
                                  const std::function<void(v1::Profile&)>& change,
                                  v1::Profile& out) {
  QRCLOUD_RETURN_IF_ERROR(runner_.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(std::optional<v1::Profile> known,
                             profiles_.Get(tx, call.caller().account_id));
    out = known.value_or(v1::Profile());
    change(out);
    return profiles_.Put(tx, call.caller().account_id, out);
  }));
  if (feed_events_) feed_events_->ViewerChanged(call.caller().account_id);
  return absl::OkStatus();
}

absl::Status ProfileLogic::Get(const rpc::CallContext& call, const v1::GetProfileRequest& req,
                               v1::Profile& resp) {
  (void)req;
  QRCLOUD_RETURN_IF_ERROR(RequirePerson(call));
  return runner_.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(std::optional<v1::Profile> known,
                             profiles_.Get(tx, call.caller().account_id));
    resp = known.value_or(v1::Profile());
    return absl::OkStatus();
  });
}

absl::Status ProfileLogic::SetLocation(const rpc::CallContext& call,
                                       const v1::SetLocationMarkRequest& req,
                                       v1::SetLocationMarkResponse& resp) {
  QRCLOUD_RETURN_IF_ERROR(RequirePerson(call));
  if (!req.has_location()) {
    return core::InvalidField("location", "is required: {\"lat\": …, \"lng\": …} in degrees");
  }
  QRCLOUD_RETURN_IF_ERROR(
      core::ValidateLatLng("location", req.location().lat(), req.location().lng()));
  const int precision = req.precision_m() == 0 ? kDefaultPrecisionM : req.precision_m();
  if (precision < kMinPrecisionM || precision > kMaxPrecisionM) {
    return core::InvalidField(
        "precisionM", absl::StrCat("is ", req.precision_m(), "; accepted: ", kMinPrecisionM, " to ",
                                   kMaxPrecisionM, " metres (default ", kDefaultPrecisionM, ")"));
  }
  const absl::Time now = core::ToMicros(clock_.Now());
  return Change(
      call,
      [&](v1::Profile& p) {
        *p.mutable_location() =
            RoundToPrecision(req.location().lat(), req.location().lng(), precision);
        p.set_live(req.live());
        p.set_precision_m(precision);
        core::ToProto(now, p.mutable_location_time());
      },
      *resp.mutable_profile());
}

absl::Status ProfileLogic::SetInterests(const rpc::CallContext& call,
                                        const v1::SetInterestsRequest& req,
                                        v1::SetInterestsResponse& resp) {
  QRCLOUD_RETURN_IF_ERROR(RequirePerson(call));
  QRCLOUD_ASSIGN_OR_RETURN(std::vector<std::string> interests, CleanInterests(req.interests()));
  v1::Profile kept;
  QRCLOUD_RETURN_IF_ERROR(Change(
      call,
      [&](v1::Profile& p) {
        p.clear_interests();
        for (const std::string& i : interests) p.add_interests(i);
      },
      kept));
  *resp.mutable_interests() = kept.interests();
  return absl::OkStatus();
}

absl::Status ProfileLogic::SetNickname(const rpc::CallContext& call,
                                       const v1::SetNicknameRequest& req, v1::Profile& resp) {
  QRCLOUD_RETURN_IF_ERROR(RequirePerson(call));
  const std::string nickname(absl::StripAsciiWhitespace(req.nickname()));
  QRCLOUD_RETURN_IF_ERROR(core::ValidateText("nickname", nickname, 1, kMaxNicknameChars));
  for (unsigned char c : nickname) {
    if (c < 0x20 || c == 0x7f) {
      return core::InvalidField("nickname", "holds a control character; use plain text");
    }
  }
  return Change(
      call, [&](v1::Profile& p) { p.set_nickname(nickname); }, resp);
}

}  // namespace qrcloud::personal
