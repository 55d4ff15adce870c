// The table page of a center link (/l/{node}/{table}?k=...): a small mobile
// page that tries the shop's node on the LAN and goes there when it
// answers, and otherwise shows the menu and orders through the center.
// Every value reaches the page as JSON in a <script type="application/json">
// element (libs/web/script_json.h) and is put into the page as text, never
// as HTML.
#ifndef QRCLOUD_SERVICES_CENTER_LANDING_PAGE_H_
#define QRCLOUD_SERVICES_CENTER_LANDING_PAGE_H_

#include <string>

#include "absl/strings/string_view.h"
#include "qrcloud/v1/landing_admin.pb.h"

namespace qrcloud::center {

struct TablePage {
  v1::LandingConfig config;  // the menu and the merchant's name
  v1::LandingTable table;
  std::string node_id;
  std::string lan_url;  // "" when the node has none: the page orders through the center
};

// The HTML of the page.
std::string RenderTablePage(const TablePage& page);

// Where the page sends a phone that reaches the node: {lan_url}/t/{table}?k={token}.
std::string LanTableUrl(absl::string_view lan_url, const v1::LandingTable& table);

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_LANDING_PAGE_H_
