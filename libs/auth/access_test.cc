#include "libs/auth/access.h"

#include <catch2/catch.hpp>

namespace qrcloud::auth {
namespace {

Principal Merchant(const std::string& merchant_id) {
  Principal p;
  p.account_id = "a-" + merchant_id;
  p.kind = "MERCHANT";
  p.Grant(Role::kMerchant);
  p.merchant_id = merchant_id;
  return p;
}

TEST_CASE("A merchant reaches only its own merchant, and others look absent") {
  Principal a = Merchant("m-a");
  CHECK(CheckMerchantAccess(a, "m-a", Access::kWrite).ok());
  absl::Status other = CheckMerchantAccess(a, "m-b", Access::kRead);
  CHECK(other.code() == absl::StatusCode::kNotFound);
  CHECK(other.message() == "merchant m-b not found");

  Principal staff;
  staff.account_id = "s";
  staff.Grant(Role::kMerchantStaff);
  staff.merchant_id = "m-a";
  CHECK(CheckMerchantAccess(staff, "m-a", Access::kWrite).ok());

  Principal nobody_merchant = Merchant("");
  CHECK_FALSE(CheckMerchantAccess(nobody_merchant, "", Access::kRead).ok());
}

TEST_CASE("Auditors read merchants but do not change them, admins do both") {
  Principal auditor;
  auditor.account_id = "au";
  auditor.Grant(Role::kAuditor);
  CHECK(CheckMerchantAccess(auditor, "m-a", Access::kRead).ok());
  CHECK(CheckMerchantAccess(auditor, "m-a", Access::kWrite).code() == absl::StatusCode::kNotFound);
  Principal admin;
  admin.account_id = "ad";
  admin.Grant(Role::kAdmin);
  CHECK(CheckMerchantAccess(admin, "m-a", Access::kWrite).ok());
  CHECK(RequireRole(admin, Role::kAuditor).ok());
}

TEST_CASE("Role checks name the role that is missing") {
  Principal person;
  person.account_id = "p";
  person.Grant(Role::kPerson);
  absl::Status s = RequireRole(person, Role::kAuditor);
  CHECK(s.code() == absl::StatusCode::kPermissionDenied);
  CHECK(s.message() == "this call needs the auditor role");
  CHECK(RequireAnyRole(person, {Role::kMerchant, Role::kPerson}).ok());
  CHECK(RequireAnyRole(person, {Role::kMerchant, Role::kAgent}).message() ==
        "this call needs one of the roles: merchant, agent");
  CHECK(CheckAccountAccess(person, "p").ok());
  CHECK(CheckAccountAccess(person, "q").code() == absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace qrcloud::auth
