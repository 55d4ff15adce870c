// Prices as customers read them on a page, from exact minor units.
#ifndef QRCLOUD_LIBS_WEB_PRICE_FORMAT_H_
#define QRCLOUD_LIBS_WEB_PRICE_FORMAT_H_

#include <string>

#include "qrcloud/v1/common.pb.h"

namespace qrcloud::web {

// "¥19.90" for CNY (also for an empty currency: the platform's), "US$19.90"
// for USD, "HK$" for HKD, "€" for EUR, otherwise "<CODE> 19.90". Two decimal
// places and thousands separators in the integer part ("¥1,000,000.00"),
// computed with integers only (core::Money::ToDecimal); a minus sign goes
// before the symbol ("-¥0.05").
std::string FormatPrice(const qrcloud::v1::Money& price);

}  // namespace qrcloud::web

#endif  // QRCLOUD_LIBS_WEB_PRICE_FORMAT_H_
