#include "services/center/redis_sessions.h"

#include "absl/strings/str_cat.h"
#include "libs/core/status.h"

namespace qrcloud::center {
namespace {

// Failed sign-ins allowed per login in a window, before the login is refused
// for the rest of the window.
constexpr int kMaxFailedSignIns = 10;
constexpr absl::Duration kSignInWindow = absl::Minutes(15);

std::string FailureKey(absl::string_view login) {
  return absl::StrCat("qrcloud:signin-fail:", login);
}

}  // namespace

absl::Status RedisSignInThrottle::Check(absl::string_view login) {
  QRCLOUD_ASSIGN_OR_RETURN(cache::Reply r, redis_.Command({"GET", FailureKey(login)}));
  if (!r.is_nil() && r.integer() >= kMaxFailedSignIns) {
    return absl::ResourceExhaustedError(
        absl::StrCat("too many failed sign-ins for this login; try again in ",
                     absl::ToInt64Minutes(kSignInWindow), " minutes"));
  }
  return absl::OkStatus();
}

void RedisSignInThrottle::Failed(absl::string_view login) {
  (void)redis_.Pipeline(
      {{"INCR", FailureKey(login)},
       {"EXPIRE", FailureKey(login), absl::StrCat(absl::ToInt64Seconds(kSignInWindow)), "NX"}});
}

void RedisSignInThrottle::Succeeded(absl::string_view login) {
  (void)redis_.Command({"DEL", FailureKey(login)});
}

}  // namespace qrcloud::center
