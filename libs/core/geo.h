// Distances on the Earth's surface, for geo-fences and "nearby".
#ifndef QRCLOUD_LIBS_CORE_GEO_H_
#define QRCLOUD_LIBS_CORE_GEO_H_

namespace qrcloud::core {

// Great-circle distance in metres between two points given in degrees
// (haversine, mean Earth radius).
double DistanceMeters(double lat1, double lng1, double lat2, double lng2);

}  // namespace qrcloud::core

#endif  // QRCLOUD_LIBS_CORE_GEO_H_
