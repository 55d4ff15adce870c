#include "libs/web/price_format.h"

#include <catch2/catch.hpp>

#include <cstdint>

namespace qrcloud::web {
namespace {

std::string Price(int64_t minor, std::string currency = "CNY") {
  v1::Money m;
  m.set_currency(std::move(currency));
  m.set_minor(minor);
  return FormatPrice(m);
}

TEST_CASE("Prices are exact, with two places and thousands separators") {
  CHECK(Price(1) == "¥0.01");
  CHECK(Price(10) == "¥0.10");
  CHECK(Price(1990) == "¥19.90");
  CHECK(Price(0) == "¥0.00");
  CHECK(Price(99999) == "¥999.99");
  CHECK(Price(100000) == "¥1,000.00");
  CHECK(Price(100000000) == "¥1,000,000.00");
  CHECK(Price(-5) == "-¥0.05");
  CHECK(Price(INT64_MAX) == "¥92,233,720,368,547,758.07");
  CHECK(Price(INT64_MIN) == "-¥92,233,720,368,547,758.08");
}

TEST_CASE("Prices carry their currency's symbol or code") {
  CHECK(Price(1990, "") == "¥19.90");  // the platform's currency
  CHECK(Price(1990, "USD") == "US$19.90");
  CHECK(Price(1990, "HKD") == "HK$19.90");
  CHECK(Price(123456, "EUR") == "€1,234.56");
  CHECK(Price(1990, "GBP") == "GBP 19.90");
}

}  // namespace
}  // namespace qrcloud::web
