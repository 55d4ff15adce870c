#include "services/center/account_store.h"

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "libs/core/proto_time.h"

namespace qrcloud::center {

std::string RolesToText(uint32_t roles) {
  auth::Principal p;
  p.roles = roles;
  return absl::StrJoin(p.RoleNames(), ",");
}

uint32_t RolesFromText(absl::string_view text) {
  uint32_t roles = 0;
  for (absl::string_view name : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    if (auto r = auth::RoleFromName(name)) roles |= static_cast<uint32_t>(*r);
  }
  return roles;
}

auth::Principal AccountRecord::ToPrincipal() const {
  auth::Principal p;
  p.account_id = id;
  p.kind = kind;
  p.roles = roles;
  p.merchant_id = merchant_id;
  p.agent_id = agent_id;
  p.partner_id = partner_id;
  return p;
}

void AccountRecord::ToProto(v1::Account* out) const {
  out->set_id(id);
  v1::Account::Kind k = v1::Account::KIND_UNSPECIFIED;
  v1::Account::Kind_Parse(kind, &k);
  out->set_kind(k);
  out->set_login(login);
  out->set_display_name(display_name);
  out->set_merchant_id(merchant_id);
  out->set_agent_id(agent_id);
  out->set_partner_id(partner_id);
  auth::Principal p;
  p.roles = roles;
  for (const auto& name : p.RoleNames()) out->add_roles(name);
  core::ToProto(created_at, out->mutable_create_time());
}

}  // namespace qrcloud::center
