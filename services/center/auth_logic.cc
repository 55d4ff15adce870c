#include "services/center/auth_logic.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "libs/auth/password.h"
#include "libs/core/clock.h"
#include "libs/core/encoding.h"
#include "libs/core/ids.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"
#include "libs/core/validate.h"

namespace qrcloud::center {
namespace {

using auth::Role;

absl::Status ValidateLogin(absl::string_view login) {
  if (login.empty())
    return core::InvalidField("login", "is required (an e-mail address or a mobile number)");
  if (login.find('@') != absl::string_view::npos) {
    // Letters from other scripts that look Latin ("аdmin" with a Cyrillic а)
    // would make a second account that reads as the first.
    for (unsigned char c : login) {
      if (c >= 0x80) {
        return core::InvalidField("login",
                                  "must be written in plain ASCII letters, digits and "
                                  "symbols; look-alike letters from other scripts are "
                                  "not accepted");
      }
    }
    return core::ValidateEmail("login", login);
  }
  if (core::ValidatePhone("login", login).ok()) return absl::OkStatus();
  return core::InvalidField("login", "must be an e-mail address or a mobile number");
}

uint32_t RolesFor(v1::Account::Kind kind) {
  switch (kind) {
    case v1::Account::PERSON:
      return static_cast<uint32_t>(Role::kPerson);
    case v1::Account::MERCHANT:
      return static_cast<uint32_t>(Role::kMerchant);
    case v1::Account::AGENT:
      return static_cast<uint32_t>(Role::kAgent);
    case v1::Account::PARTNER:
      return static_cast<uint32_t>(Role::kPartner);
    default:
      return 0;
  }
}

// The merchant a merchant account is registered with: named after the
// account, cloud business on, nothing submitted yet.
MerchantRecord NewMerchant(const AccountRecord& account) {
  MerchantRecord m;
  m.merchant.set_id(account.merchant_id);
  m.merchant.set_owner_account_id(account.id);
  m.merchant.set_display_name(account.display_name);
  m.merchant.set_cloud_business_enabled(true);
  m.merchant.mutable_qualification()->set_state(v1::Qualification::NONE);
  m.merchant.mutable_landing_review()->set_state(v1::LandingReview::NONE);
  core::ToProto(account.created_at, m.merchant.mutable_create_time());
  core::ToProto(account.created_at, m.merchant.mutable_update_time());
  return m;
}

}  // namespace

std::string AuthLogic::NormalizeLogin(absl::string_view login) {
  return absl::AsciiStrToLower(absl::StripAsciiWhitespace(login));
}

absl::Status AuthLogic::CreateAccount(const rpc::CallContext& call,
                                      const v1::CreateAccountRequest& req,
                                      v1::CreateAccountResponse& resp) {
  const v1::Account::Kind kind = req.kind();
  if (kind == v1::Account::STAFF) {
    return core::InvalidField("kind",
                              "STAFF accounts are made by administrators; register as "
                              "PERSON, MERCHANT, AGENT or PARTNER");
  }
  if (RolesFor(kind) == 0) {
    return core::InvalidField("kind", "is required: PERSON, MERCHANT, AGENT or PARTNER");
  }
  const std::string login = NormalizeLogin(req.login());
  QRCLOUD_RETURN_IF_ERROR(ValidateLogin(login));
  QRCLOUD_RETURN_IF_ERROR(auth::ValidateNewPassword(req.password(), login));
  std::string display_name(absl::StripAsciiWhitespace(req.display_name()));
  if (display_name.empty()) display_name = login.substr(0, login.find('@'));
  QRCLOUD_RETURN_IF_ERROR(core::ValidateText("displayName", display_name, 1, 64));

  AccountRecord account;
  account.id = core::NewId();
  account.kind = v1::Account::Kind_Name(kind);
  account.login = login;
  account.display_name = display_name;
  account.roles = RolesFor(kind);
  // MySQL keeps microseconds; so does the answer, so it reads back the same.
  account.created_at = core::ToMicros(clock_.Now());
  // Hashing takes tens of milliseconds: do it before holding a transaction open.
  QRCLOUD_ASSIGN_OR_RETURN(account.password_hash, auth::HashPassword(req.password()));
  if (kind == v1::Account::MERCHANT) account.merchant_id = core::NewId();
  if (kind == v1::Account::AGENT) account.agent_id = core::NewId();
  if (kind == v1::Account::PARTNER) account.partner_id = core::NewId();

  QRCLOUD_RETURN_IF_ERROR(runner_.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_RETURN_IF_ERROR(accounts_.Insert(tx, account));
    if (account.merchant_id.empty()) return absl::OkStatus();
    return merchants_.Insert(tx, NewMerchant(account));
  }));
  accounts_.Log(account.id, "account.created", account.kind, call.client_address, call.request_id);
  account.ToProto(resp.mutable_account());
  return absl::OkStatus();
}

absl::Status AuthLogic::CreateSession(const rpc::CallContext& call,
                                      const v1::CreateSessionRequest& req,
                                      v1::CreateSessionResponse& resp) {
  const std::string login = NormalizeLogin(req.login());
  // Shaped as registration shapes it, so that nothing a client sends costs
  // more than a login's worth of memory or a password's worth of hashing.
  QRCLOUD_RETURN_IF_ERROR(ValidateLogin(login));
  if (req.password().empty()) return core::InvalidField("password", "is required");
  if (req.password().size() > 4 * auth::kMaxPasswordLength) {
    return core::InvalidField("password",
                              absl::StrCat("is longer than any password can be (at most ",
                                           auth::kMaxPasswordLength, " characters)"));
  }
  QRCLOUD_RETURN_IF_ERROR(throttle_.Begin(login, call.client_address));

  auto account = accounts_.FindByLogin(login);
  if (!account.ok() && account.status().code() != absl::StatusCode::kNotFound) {
    return account.status();
  }
  const bool known = account.ok();
  // An unknown login costs the same as a wrong password, so timing does not
  // reveal which logins exist.
  bool verified = false;
  if (known) {
    QRCLOUD_ASSIGN_OR_RETURN(verified,
                             auth::VerifyPassword(account->password_hash, req.password()));
  } else {
    QRCLOUD_RETURN_IF_ERROR(auth::BurnPasswordCheck(req.password()));
  }
  if (!verified) {
    accounts_.Log(known ? account->id : "", "session.refused", login, call.client_address,
                  call.request_id);
    return absl::UnauthenticatedError("the login or the password is wrong");
  }
  QRCLOUD_ASSIGN_OR_RETURN(auth::Session session, sessions_.Create(account->ToPrincipal()));
  throttle_.Succeeded(login, call.client_address);
  accounts_.Log(account->id, "session.created", "", call.client_address, call.request_id);
  resp.set_token(session.token);
  account->ToProto(resp.mutable_account());
  core::ToProto(session.expire_time, resp.mutable_expire_time());
  return absl::OkStatus();
}

absl::Status AuthLogic::DeleteSession(const rpc::CallContext& call, const v1::DeleteSessionRequest&,
                                      v1::DeleteSessionResponse&) {
  const auth::Principal& p = call.caller();
  if (p.credential != "session") {
    return absl::FailedPreconditionError(
        "this call signs out a session; an API key is revoked with DELETE /v1/me/apiKeys/{id}");
  }
  QRCLOUD_RETURN_IF_ERROR(sessions_.Revoke(p.token_hash));
  accounts_.Log(p.account_id, "session.deleted", "", call.client_address, call.request_id);
  return absl::OkStatus();
}

absl::Status AuthLogic::GetCurrentAccount(const rpc::CallContext& call,
                                          const v1::GetCurrentAccountRequest&,
                                          v1::GetCurrentAccountResponse& resp) {
  QRCLOUD_ASSIGN_OR_RETURN(AccountRecord account, accounts_.FindById(call.caller().account_id));
  account.ToProto(resp.mutable_account());
  resp.set_credential(call.caller().credential);
  return absl::OkStatus();
}

absl::Status AuthLogic::CreateApiKey(const rpc::CallContext& call,
                                     const v1::CreateApiKeyRequest& req,
                                     v1::CreateApiKeyResponse& resp) {
  const std::string name(absl::StripAsciiWhitespace(req.name()));
  QRCLOUD_RETURN_IF_ERROR(core::ValidateText("name", name, 1, 64));
  const auth::NewApiKey key = auth::GenerateApiKey();
  ApiKeyRecord record;
  record.id = core::NewId();
  record.account_id = call.caller().account_id;
  record.name = name;
  record.key_hash = key.hash;
  record.prefix = key.prefix;
  record.created_at = core::ToMicros(clock_.Now());
  QRCLOUD_RETURN_IF_ERROR(accounts_.InsertApiKey(record));
  accounts_.Log(record.account_id, "api_key.created", record.id, call.client_address,
                call.request_id);
  auto* out = resp.mutable_api_key();
  out->set_id(record.id);
  out->set_name(record.name);
  out->set_prefix(record.prefix);
  for (const auto& role : call.caller().RoleNames()) out->add_roles(role);
  core::ToProto(record.created_at, out->mutable_create_time());
  resp.set_secret(key.secret);
  return absl::OkStatus();
}

absl::Status AuthLogic::ListApiKeys(const rpc::CallContext& call, const v1::ListApiKeysRequest&,
                                    v1::ListApiKeysResponse& resp) {
  QRCLOUD_ASSIGN_OR_RETURN(auto keys, accounts_.ListApiKeys(call.caller().account_id));
  for (const auto& k : keys) {
    auto* out = resp.add_api_keys();
    out->set_id(k.id);
    out->set_name(k.name);
    out->set_prefix(k.prefix);
    core::ToProto(k.created_at, out->mutable_create_time());
    if (k.last_used_at != absl::InfinitePast())
      core::ToProto(k.last_used_at, out->mutable_last_use_time());
  }
  return absl::OkStatus();
}

absl::Status AuthLogic::DeleteApiKey(const rpc::CallContext& call,
                                     const v1::DeleteApiKeyRequest& req,
                                     v1::DeleteApiKeyResponse&) {
  if (req.id().empty()) return core::InvalidField("id", "is required");
  QRCLOUD_ASSIGN_OR_RETURN(std::string hash,
                           accounts_.RevokeApiKey(call.caller().account_id, req.id()));
  QRCLOUD_RETURN_IF_ERROR(sessions_.ForgetApiKey(hash));
  accounts_.Log(call.caller().account_id, "api_key.revoked", req.id(), call.client_address,
                call.request_id);
  return absl::OkStatus();
}

absl::Status AuthLogic::EnsureAdmin(absl::string_view raw_login, absl::string_view password) {
  const std::string login = NormalizeLogin(raw_login);
  QRCLOUD_RETURN_IF_ERROR(ValidateLogin(login));
  QRCLOUD_RETURN_IF_ERROR(auth::ValidateNewPassword(password, login));
  AccountRecord admin;
  admin.id = core::NewId();
  admin.login = login;
  admin.display_name = "Administrator";
  admin.roles = static_cast<uint32_t>(Role::kAdmin) | static_cast<uint32_t>(Role::kAuditor);
  admin.created_at = clock_.Now();
  QRCLOUD_ASSIGN_OR_RETURN(admin.password_hash, auth::HashPassword(password));
  QRCLOUD_RETURN_IF_ERROR(accounts_.UpsertStaff(admin));
  accounts_.Log("", "admin.ensured", login, "local", "");
  return absl::OkStatus();
}

absl::StatusOr<std::string> AuthLogic::EnsureServiceAccount(absl::string_view raw_login,
                                                            absl::string_view roles,
                                                            absl::string_view existing_key) {
  const std::string login = NormalizeLogin(raw_login);
  QRCLOUD_RETURN_IF_ERROR(ValidateLogin(login));
  AccountRecord account;
  account.id = core::NewId();
  account.login = login;
  account.display_name = login.substr(0, login.find('@'));
  account.roles = RolesFromText(roles);
  if (account.roles == 0)
    return core::InvalidField("roles", "name at least one role, e.g. auditor");
  account.created_at = core::ToMicros(clock_.Now());
  // Service accounts sign in with API keys only: a random password nobody knows.
  QRCLOUD_ASSIGN_OR_RETURN(account.password_hash, auth::HashPassword(core::RandomBase64Url(32)));
  auto existing = accounts_.FindByLogin(login);
  if (existing.status().code() == absl::StatusCode::kNotFound) {
    QRCLOUD_RETURN_IF_ERROR(accounts_.UpsertStaff(account));
    QRCLOUD_ASSIGN_OR_RETURN(existing, accounts_.FindByLogin(login));
  } else if (!existing.ok()) {
    return existing.status();
  }
  if (!existing_key.empty()) {
    auto principal = accounts_.ResolveApiKey(core::Sha256Hex(existing_key));
    if (principal.ok() && principal->account_id == existing->id) return std::string(existing_key);
  }
  const auth::NewApiKey key = auth::GenerateApiKey();
  ApiKeyRecord record;
  record.id = core::NewId();
  record.account_id = existing->id;
  record.name = "service";
  record.key_hash = key.hash;
  record.prefix = key.prefix;
  record.created_at = core::ToMicros(clock_.Now());
  QRCLOUD_RETURN_IF_ERROR(accounts_.InsertApiKey(record));
  accounts_.Log(existing->id, "service_account.key_issued", login, "local", "");
  return key.secret;
}

}  // namespace qrcloud::center
