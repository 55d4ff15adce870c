// Wi-Fi network payloads ("WIFI:T:WPA;S:…;P:…;;") that phone cameras offer
// to join, as printed on the landing node's table stickers.
#ifndef QRCLOUD_LIBS_QR_WIFI_H_
#define QRCLOUD_LIBS_QR_WIFI_H_

#include <string>

#include "absl/strings/string_view.h"

namespace qrcloud::qr {

// `security` is "WPA" (also right for WPA2/WPA3 personal), "WEP" or
// "nopass"; with "nopass" the password is left out. In the SSID and the
// password each of \ ; , : " is escaped with a backslash, so
// WifiPayload("Café;1", "p\"w", "WPA", false) is
// WIFI:T:WPA;S:Café\;1;P:p\"w;;
// `hidden` adds H:true for networks that do not broadcast their SSID.
std::string WifiPayload(absl::string_view ssid, absl::string_view password,
                        absl::string_view security, bool hidden);

// The backslash escaping used inside WIFI: fields.
std::string EscapeWifiField(absl::string_view value);

}  // namespace qrcloud::qr

#endif  // QRCLOUD_LIBS_QR_WIFI_H_
