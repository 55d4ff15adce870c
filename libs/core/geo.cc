#include "libs/core/geo.h"

#include <algorithm>
#include <cmath>

namespace qrcloud::core {

double DistanceMeters(double lat1, double lng1, double lat2, double lng2) {
  constexpr double kEarthRadius = 6371008.8;
  constexpr double kRad = M_PI / 180.0;
  const double dlat = (lat2 - lat1) * kRad;
  const double dlng = (lng2 - lng1) * kRad;
  const double a =
      std::sin(dlat / 2) * std::sin(dlat / 2) +
      std::cos(lat1 * kRad) * std::cos(lat2 * kRad) * std::sin(dlng / 2) * std::sin(dlng / 2);
  return 2 * kEarthRadius * std::asin(std::min(1.0, std::sqrt(a)));
}

}  // namespace qrcloud::core
