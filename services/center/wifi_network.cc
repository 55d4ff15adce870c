#include "services/center/wifi_network.h"

#include <string>

#include "libs/core/status.h"

namespace qrcloud::center {

absl::Status ValidateWifi(const v1::WifiNetwork& wifi, absl::string_view prefix) {
  const std::string p(prefix);
  if (wifi.ssid().empty() || wifi.ssid().size() > 32) {
    return core::InvalidField(p + ".ssid", "a network name is 1 to 32 bytes");
  }
  switch (wifi.security()) {
    case v1::WifiNetwork::WPA:
    case v1::WifiNetwork::SECURITY_UNSPECIFIED:
      if (wifi.password().size() < 8 || wifi.password().size() > 63) {
        return core::InvalidField(p + ".password", "a WPA password is 8 to 63 characters");
      }
      break;
    case v1::WifiNetwork::WEP:
      if (wifi.password().empty() || wifi.password().size() > 26) {
        return core::InvalidField(p + ".password", "a WEP key is 5, 10, 13 or 26 characters");
      }
      break;
    case v1::WifiNetwork::NONE:
      if (!wifi.password().empty()) {
        return core::InvalidField(p + ".password",
                                  "an open network (security NONE) has no password");
      }
      break;
    default:
      return core::InvalidField(p + ".security", "accepted: WPA, WEP, NONE");
  }
  return absl::OkStatus();
}

absl::string_view SecurityName(v1::WifiNetwork::Security s) {
  switch (s) {
    case v1::WifiNetwork::WEP:
      return "WEP";
    case v1::WifiNetwork::NONE:
      return "nopass";
    default:
      return "WPA";
  }
}

}  // namespace qrcloud::center
