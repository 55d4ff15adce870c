// Which packed scan batches the partner service unpacks: only those that
// may hold a scan with a platform code.
#include "services/partner/traffic_logic.h"

#include <catch2/catch.hpp>

namespace qrcloud::partner {
namespace {

core::ScanEvent Scan(const std::string& platform_code) {
  core::ScanEvent e;
  e.event_id = "01j0000000000000000000000a";
  e.code_id = "01j0000000000000000000000b";
  e.time_ms = 1;
  e.platform_code = platform_code;
  return e;
}

TEST_CASE("Only batches holding a scan with a platform code are unpacked") {
  CHECK_FALSE(CarriesPlatformCode(core::PackScanEvents({Scan(""), Scan("")})));
  CHECK(CarriesPlatformCode(core::PackScanEvents({Scan(""), Scan("weibo")})));
  CHECK(CarriesPlatformCode(core::PackScanEvents({Scan("w")})));
  CHECK_FALSE(CarriesPlatformCode(""));
}

}  // namespace
}  // namespace qrcloud::partner
