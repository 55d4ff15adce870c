#include "libs/core/receipt_token.h"

#include <catch2/catch.hpp>

#include "libs/core/ids.h"
#include "libs/core/status.h"

namespace qrcloud::core {
namespace {

ReceiptClaims Claims() { return {NewId(), NewId(), NewId(), absl::FromUnixSeconds(1800000000)}; }

TEST_CASE("A receipt token round-trips and fits the QR alphanumeric set") {
  auto signer = ReceiptSigner::FromSeed(ReceiptSigner::NewSeed());
  REQUIRE(signer.ok());
  const ReceiptClaims claims = Claims();
  auto token = signer->Sign(claims);
  REQUIRE(token.ok());
  CHECK(token->size() == 188);
  for (char c : *token) CHECK(((c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7')));
  auto back = VerifyReceipt(*token, signer->public_key());
  REQUIRE(back.ok());
  CHECK(back->order_id == claims.order_id);
  CHECK(back->campaign_id == claims.campaign_id);
  CHECK(back->merchant_id == claims.merchant_id);
  CHECK(back->expire_time == claims.expire_time);
  // Lower case (a scanner's choice) still verifies.
  std::string lower = *token;
  for (char& c : lower) c = static_cast<char>(std::tolower(c));
  CHECK(VerifyReceipt(lower, signer->public_key()).ok());
}

TEST_CASE("An altered, truncated or foreign token is refused") {
  auto signer = *ReceiptSigner::FromSeed(ReceiptSigner::NewSeed());
  auto other = *ReceiptSigner::FromSeed(ReceiptSigner::NewSeed());
  const std::string token = *signer.Sign(Claims());
  for (size_t i : {0ul, 5ul, 50ul, 100ul, 187ul}) {
    std::string altered = token;
    altered[i] = altered[i] == 'A' ? 'B' : 'A';
    absl::Status s = VerifyReceipt(altered, signer.public_key()).status();
    CHECK(s.code() == absl::StatusCode::kInvalidArgument);
    CHECK(FieldViolations(s).at(0).field == "token");
  }
  // Every character counts, the last one's spare bits included.
  for (size_t i = 0; i < token.size(); ++i) {
    for (char c : {'A', 'B', 'Q', 'Z', '7'}) {
      if (token[i] == c) continue;
      std::string altered = token;
      altered[i] = c;
      INFO("position " << i << " as " << c);
      CHECK_FALSE(VerifyReceipt(altered, signer.public_key()).ok());
    }
  }
  CHECK_FALSE(VerifyReceipt(token + "A", signer.public_key()).ok());
  CHECK_FALSE(VerifyReceipt(token.substr(0, 180), signer.public_key()).ok());
  CHECK_FALSE(VerifyReceipt(token, other.public_key()).ok());
  CHECK_FALSE(VerifyReceipt("hello world!", signer.public_key()).ok());
}

TEST_CASE("Ids survive the trip through their 128 bits") {
  for (int i = 0; i < 100; ++i) {
    const std::string id = NewId();
    CHECK(IdFromBytes(*IdToBytes(id)) == id);
  }
  CHECK_FALSE(IdToBytes("not-an-id").ok());
}

}  // namespace
}  // namespace qrcloud::core
