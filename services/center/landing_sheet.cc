#include "services/center/landing_sheet.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "libs/core/status.h"
#include "libs/qr/encoder.h"
#include "libs/qr/sticker.h"
#include "services/center/landing_rules.h"

namespace qrcloud::center {

std::string CenterTableUrl(absl::string_view public_url, absl::string_view node_id,
                           const v1::LandingTable& table) {
  return absl::StrCat(absl::StripSuffix(public_url, "/"), "/l/", node_id, "/", table.id(),
                      "?k=", table.token());
}

absl::StatusOr<std::string> RenderTableSheet(const std::vector<TableSticker>& tables,
                                             absl::string_view merchant_name,
                                             const v1::WifiNetwork& wifi) {
  std::vector<qr::StickerItem> items;
  for (const TableSticker& t : tables) {
    QRCLOUD_ASSIGN_OR_RETURN(qr::Matrix matrix, qr::Encode(t.url));
    qr::StickerText text;
    text.caption = t.name;
    text.merchant_name = std::string(merchant_name);
    text.instruction = "扫码点餐 / Scan to order";
    items.push_back({std::move(matrix), std::move(text)});
  }
  if (const std::string join = WifiJoinCode(wifi); !join.empty()) {
    QRCLOUD_ASSIGN_OR_RETURN(qr::Matrix matrix, qr::Encode(join));
    qr::StickerText text;
    text.caption = absl::StrCat("Wi-Fi ", wifi.ssid());
    text.merchant_name = std::string(merchant_name);
    text.instruction = "扫码连接 Wi-Fi / Scan to join the Wi-Fi";
    items.push_back({std::move(matrix), std::move(text)});
  }
  if (items.empty()) {
    return absl::FailedPreconditionError(
        "nothing to print: the landing configuration has no tables and no Wi-Fi network");
  }
  return qr::RenderStickerSheet(items);
}

}  // namespace qrcloud::center
