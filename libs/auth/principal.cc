#include "libs/auth/principal.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace qrcloud::auth {
namespace {

struct RoleEntry {
  Role role;
  absl::string_view name;
};

constexpr RoleEntry kRoles[] = {
    {Role::kPerson, "person"},
    {Role::kMerchant, "merchant"},
    {Role::kMerchantStaff, "merchant_staff"},
    {Role::kAgent, "agent"},
    {Role::kPartner, "partner"},
    {Role::kAuditor, "auditor"},
    {Role::kAdmin, "admin"},
    {Role::kLandingNode, "landing_node"},
};

constexpr absl::string_view kVersion = "p1";

}  // namespace

absl::string_view RoleName(Role role) {
  for (const auto& e : kRoles) {
    if (e.role == role) return e.name;
  }
  return "unknown";
}

std::optional<Role> RoleFromName(absl::string_view name) {
  for (const auto& e : kRoles) {
    if (e.name == name) return e.role;
  }
  return std::nullopt;
}

std::vector<Role> AllRoles() {
  std::vector<Role> out;
  for (const auto& e : kRoles) out.push_back(e.role);
  return out;
}

std::vector<std::string> Principal::RoleNames() const {
  std::vector<std::string> out;
  for (const auto& e : kRoles) {
    if (Has(e.role)) out.emplace_back(e.name);
  }
  return out;
}

// Fields are separated by '|'; ids and kinds never contain it.
std::string Principal::Serialize() const {
  return absl::StrJoin({std::string(kVersion), account_id, kind, absl::StrCat(roles), merchant_id,
                        agent_id, partner_id, node_id},
                       "|");
}

std::optional<Principal> Principal::Parse(absl::string_view text) {
  std::vector<std::string> parts = absl::StrSplit(text, '|');
  if (parts.size() != 8 || parts[0] != kVersion) return std::nullopt;
  Principal p;
  p.account_id = parts[1];
  p.kind = parts[2];
  if (!absl::SimpleAtoi(parts[3], &p.roles)) return std::nullopt;
  p.merchant_id = parts[4];
  p.agent_id = parts[5];
  p.partner_id = parts[6];
  p.node_id = parts[7];
  if (p.account_id.empty()) return std::nullopt;
  return p;
}

}  // namespace qrcloud::auth
