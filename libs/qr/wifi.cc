#include "libs/qr/wifi.h"

#include "absl/strings/str_cat.h"

namespace qrcloud::qr {

std::string EscapeWifiField(absl::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\' || c == ';' || c == ',' || c == ':' || c == '"') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

std::string WifiPayload(absl::string_view ssid, absl::string_view password,
                        absl::string_view security, bool hidden) {
  std::string payload = absl::StrCat("WIFI:T:", security, ";S:", EscapeWifiField(ssid), ";");
  if (security != "nopass") absl::StrAppend(&payload, "P:", EscapeWifiField(password), ";");
  if (hidden) absl::StrAppend(&payload, "H:true;");
  absl::StrAppend(&payload, ";");
  return payload;
}

}  // namespace qrcloud::qr
