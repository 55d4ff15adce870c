#include "libs/core/credit_code.h"

#include <catch2/catch.hpp>

#include "libs/core/status.h"

namespace qrcloud::core {
namespace {

TEST_CASE("Valid unified social credit codes pass") {
  CHECK(ValidateCreditCode("91350100M000100Y43").ok());  // the example in DESIGN.md
  CHECK(ValidateCreditCode("91350100m000100y43").ok());  // case does not matter
  CHECK(ValidateCreditCode(" 91350100M000100Y43 ").ok());
  // Every check character is reachable: build one code per check value.
  for (char c = '0'; c <= '9'; ++c) {
    std::string first17 = "9135010000000000";
    first17.push_back(c);
    auto check = CreditCodeCheckCharacter(first17);
    REQUIRE(check.has_value());
    CHECK(ValidateCreditCode(first17 + *check).ok());
  }
}

TEST_CASE("A wrong check character is refused and the expected one named") {
  absl::Status s = ValidateCreditCode("91350100M000100Y44");
  CHECK(s.code() == absl::StatusCode::kInvalidArgument);
  CHECK(s.message().find("should be '3' but is '4'") != std::string::npos);
  CHECK(FieldViolations(s).at(0).field == "licenseNumber");
}

TEST_CASE("Wrong length and characters outside the alphabet are refused") {
  CHECK(ValidateCreditCode("91350100M000100Y4").message().find("18 characters; got 17") !=
        std::string::npos);
  CHECK(ValidateCreditCode("").code() == absl::StatusCode::kInvalidArgument);
  absl::Status s = ValidateCreditCode("91350100I000100Y43");  // I is not in the alphabet
  CHECK(s.message().find("character 9 ('I')") != std::string::npos);
  CHECK_FALSE(ValidateCreditCode("91350100O000100Y43").ok());
  CHECK_FALSE(ValidateCreditCode("9135010-M000100Y43").ok());
}

TEST_CASE("The check is the GB 32100 weighted sum modulo 31") {
  // Computed by hand for 91350100M000100Y4: weights 1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28
  // values 9,1,3,5,0,1,0,0,21,0,0,0,1,0,0,30,4 → sum 9+3+27+135+0+26+0+0+420+0+0+0+8+0+0+900+112
  // = 1640; 1640 mod 31 = 28; 31 - 28 = 3.
  CHECK(CreditCodeCheckCharacter("91350100M000100Y4") == '3');
}

}  // namespace
}  // namespace qrcloud::core
