// What an order is placed against: the terms of one offer (a campaign in the
// cloud, a menu item at a landing node), as the order rules need them.
#ifndef QRCLOUD_LIBS_ORDERING_OFFER_H_
#define QRCLOUD_LIBS_ORDERING_OFFER_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "libs/core/money.h"

namespace qrcloud::ordering {

// Ordering is allowed only within `radius_m` metres of the origin.
struct Fence {
  double lat = 0;
  double lng = 0;
  int32_t radius_m = 0;
};

struct Offer {
  std::string id;
  std::string merchant_id;
  core::Money price = core::Money::Zero("CNY");
  int64_t stock = 0;             // 0: unlimited
  int32_t per_person_limit = 0;  // 0: no limit
  std::optional<absl::Time> start_time;
  std::optional<absl::Time> end_time;
  std::optional<Fence> fence;

  bool limited() const { return stock > 0; }
};

}  // namespace qrcloud::ordering

#endif  // QRCLOUD_LIBS_ORDERING_OFFER_H_
