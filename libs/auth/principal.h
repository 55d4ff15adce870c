// Who is calling: the principal every service checks before it acts.
#ifndef QRCLOUD_LIBS_AUTH_PRINCIPAL_H_
#define QRCLOUD_LIBS_AUTH_PRINCIPAL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace qrcloud::auth {

enum class Role : uint32_t {
  kPerson = 1 << 0,
  kMerchant = 1 << 1,
  kMerchantStaff = 1 << 2,
  kAgent = 1 << 3,
  kPartner = 1 << 4,
  kAuditor = 1 << 5,
  kAdmin = 1 << 6,
  kLandingNode = 1 << 7,
};

// "person", "merchant", "merchant_staff", "agent", "partner", "auditor",
// "admin", "landing_node".
absl::string_view RoleName(Role role);
std::optional<Role> RoleFromName(absl::string_view name);
std::vector<Role> AllRoles();

struct Principal {
  std::string account_id;
  // The account kind as in the Account proto: PERSON, MERCHANT, AGENT, PARTNER, STAFF.
  std::string kind;
  uint32_t roles = 0;  // a set of Role bits
  std::string merchant_id;
  std::string agent_id;
  std::string partner_id;
  std::string node_id;  // for landing nodes
  // How the call authenticated: "session" or "api_key". Not serialised.
  std::string credential;
  // The hash of the bearer token (sessions), so sign-out can find it. Not serialised.
  std::string token_hash;

  bool Has(Role role) const { return (roles & static_cast<uint32_t>(role)) != 0; }
  void Grant(Role role) { roles |= static_cast<uint32_t>(role); }
  std::vector<std::string> RoleNames() const;

  // A compact, versioned text form for Redis; Parse(Serialize(p)) == p.
  std::string Serialize() const;
  static std::optional<Principal> Parse(absl::string_view text);
};

}  // namespace qrcloud::auth

#endif  // QRCLOUD_LIBS_AUTH_PRINCIPAL_H_
