// The checks every service uses to scope a call to its caller's tenant.
//
// A caller who may not see a tenant's resource gets NOT_FOUND, exactly as if
// it did not exist, so ids cannot be probed. A caller who may see it but lacks
// the role for an action gets PERMISSION_DENIED.
#ifndef QRCLOUD_LIBS_AUTH_ACCESS_H_
#define QRCLOUD_LIBS_AUTH_ACCESS_H_

#include <initializer_list>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "libs/auth/principal.h"

namespace qrcloud::auth {

enum class Access { kRead, kWrite };

// PERMISSION_DENIED unless the principal has `role` (admins have every role).
absl::Status RequireRole(const Principal& p, Role role);
absl::Status RequireAnyRole(const Principal& p, std::initializer_list<Role> roles);

// Merchant data: the merchant's own accounts (owner and staff) read and
// write; auditors read; admins do both. Everyone else: NOT_FOUND.
absl::Status CheckMerchantAccess(const Principal& p, absl::string_view merchant_id, Access access);

// An account's own data: the account itself, or an admin.
absl::Status CheckAccountAccess(const Principal& p, absl::string_view account_id);

}  // namespace qrcloud::auth

#endif  // QRCLOUD_LIBS_AUTH_ACCESS_H_
