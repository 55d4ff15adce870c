#include "libs/auth/access.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace qrcloud::auth {

absl::Status RequireRole(const Principal& p, Role role) {
  if (p.Has(role) || p.Has(Role::kAdmin)) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat("this call needs the ", RoleName(role), " role"));
}

absl::Status RequireAnyRole(const Principal& p, std::initializer_list<Role> roles) {
  if (p.Has(Role::kAdmin)) return absl::OkStatus();
  std::vector<std::string> names;
  for (Role r : roles) {
    if (p.Has(r)) return absl::OkStatus();
    names.emplace_back(RoleName(r));
  }
  return absl::PermissionDeniedError(
      absl::StrCat("this call needs one of the roles: ", absl::StrJoin(names, ", ")));
}

absl::Status CheckMerchantAccess(const Principal& p, absl::string_view merchant_id, Access access) {
  if (p.Has(Role::kAdmin)) return absl::OkStatus();
  if (access == Access::kRead && p.Has(Role::kAuditor)) return absl::OkStatus();
  if ((p.Has(Role::kMerchant) || p.Has(Role::kMerchantStaff)) && !p.merchant_id.empty() &&
      p.merchant_id == merchant_id) {
    return absl::OkStatus();
  }
  return absl::NotFoundError(absl::StrCat("merchant ", merchant_id, " not found"));
}

absl::Status CheckAccountAccess(const Principal& p, absl::string_view account_id) {
  if (p.Has(Role::kAdmin) || p.account_id == account_id) return absl::OkStatus();
  return absl::NotFoundError(absl::StrCat("account ", account_id, " not found"));
}

}  // namespace qrcloud::auth
