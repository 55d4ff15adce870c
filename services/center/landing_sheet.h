// A printable sheet of a landing node's table codes and the shop's Wi-Fi
// join code, on the platform's sticker sheet (libs/qr/sticker.h): one
// sticker per table (its name, the merchant's, and the link of its code),
// then one with the WIFI: code (landing_rules.h's WifiJoinCode).
#ifndef QRCLOUD_SERVICES_CENTER_LANDING_SHEET_H_
#define QRCLOUD_SERVICES_CENTER_LANDING_SHEET_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "qrcloud/v1/landing_admin.pb.h"

namespace qrcloud::center {

struct TableSticker {
  std::string name;  // the table's name, the sticker's caption
  std::string url;   // what its code opens
};

// {public_url}/l/{node}/{table}?k={token}: the center link of a table.
std::string CenterTableUrl(absl::string_view public_url, absl::string_view node_id,
                           const v1::LandingTable& table);

// The sheet as PDF. FAILED_PRECONDITION when there is nothing to print (no
// table and no Wi-Fi network).
absl::StatusOr<std::string> RenderTableSheet(const std::vector<TableSticker>& tables,
                                             absl::string_view merchant_name,
                                             const v1::WifiNetwork& wifi);

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_LANDING_SHEET_H_
