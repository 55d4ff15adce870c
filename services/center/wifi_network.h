// A shop's Wi-Fi network (code.proto's WifiNetwork): what a network must be
// to be put in a code, and the join code phones' cameras offer to join. For
// Wi-Fi codes (code_logic.h) and a landing shop's configuration
// (landing_rules.h).
#ifndef QRCLOUD_SERVICES_CENTER_WIFI_NETWORK_H_
#define QRCLOUD_SERVICES_CENTER_WIFI_NETWORK_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "qrcloud/v1/code.pb.h"

namespace qrcloud::center {

// INVALID_ARGUMENT naming `prefix`.ssid, .password or .security: a network
// name of 1 to 32 bytes; WPA (the default) with an 8..63 character
// password, WEP with a key, NONE (nopass) with none.
absl::Status ValidateWifi(const v1::WifiNetwork& wifi, absl::string_view prefix);

// "WPA", "WEP" or "nopass", as the WIFI: payload names it.
absl::string_view SecurityName(v1::WifiNetwork::Security s);

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_WIFI_NETWORK_H_
