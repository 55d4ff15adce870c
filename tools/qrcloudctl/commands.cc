#include "tools/qrcloudctl/commands.h"

#include <cmath>

#include <grpcpp/client_context.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/core/status.h"

namespace qrcloud::ctl {
namespace {

using google::protobuf::FieldDescriptor;

// The fields UpdateMerchant accepts (see merchant.proto), for messages.
constexpr absl::string_view kEditableFields =
    "displayName, description, contactPhone, contactEmail, websiteUrl";

// One unary call with the deadline and, if there is one, the bearer token.
template <typename Stub, typename Request, typename Response>
absl::StatusOr<Response> Call(Stub& stub,
                              grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                           Response*),
                              absl::string_view token, const Request& request) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + kCallDeadline));
  if (!token.empty()) context.AddMetadata("authorization", absl::StrCat("Bearer ", token));
  Response response;
  const grpc::Status status = (stub.*method)(&context, request, &response);
  if (!status.ok()) return core::FromGrpcStatus(status);
  return response;
}

const FieldDescriptor* MerchantField(absl::string_view name) {
  const google::protobuf::Descriptor* descriptor = v1::Merchant::descriptor();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor* field = descriptor->field(i);
    if (field->json_name() == name || field->name() == name) return field;
  }
  return nullptr;
}

}  // namespace

absl::StatusOr<v1::CreateSessionResponse> Login(AuthStub& auth, absl::string_view login,
                                                absl::string_view password) {
  v1::CreateSessionRequest request;
  request.set_login(std::string(login));
  request.set_password(std::string(password));
  return Call(auth, &AuthStub::CreateSession, /*token=*/"", request);
}

absl::Status Logout(AuthStub& auth, absl::string_view token) {
  return Call(auth, &AuthStub::DeleteSession, token, v1::DeleteSessionRequest()).status();
}

absl::StatusOr<v1::GetCurrentAccountResponse> WhoAmI(AuthStub& auth, absl::string_view token) {
  return Call(auth, &AuthStub::GetCurrentAccount, token, v1::GetCurrentAccountRequest());
}

absl::StatusOr<std::string> MerchantIdOrOwn(AuthStub& auth, absl::string_view token,
                                            absl::string_view id) {
  if (!id.empty()) return std::string(id);
  QRCLOUD_ASSIGN_OR_RETURN(v1::GetCurrentAccountResponse me, WhoAmI(auth, token));
  if (me.account().merchant_id().empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        me.account().login(), " acts for no merchant of its own; name the merchant by its id"));
  }
  return me.account().merchant_id();
}

absl::StatusOr<v1::Merchant> GetMerchant(MerchantStub& merchants, absl::string_view token,
                                         absl::string_view id) {
  v1::GetMerchantRequest request;
  request.set_id(std::string(id));
  return Call(merchants, &MerchantStub::GetMerchant, token, request);
}

absl::StatusOr<v1::Merchant> UpdateMerchant(MerchantStub& merchants, absl::string_view token,
                                            const v1::UpdateMerchantRequest& request) {
  return Call(merchants, &MerchantStub::UpdateMerchant, token, request);
}

absl::StatusOr<v1::SubmitQualificationResponse> SubmitQualification(
    MerchantStub& merchants, absl::string_view token,
    const v1::SubmitQualificationRequest& request) {
  return Call(merchants, &MerchantStub::SubmitQualification, token, request);
}

absl::StatusOr<v1::SetLocationResponse> SetLocation(MerchantStub& merchants,
                                                    absl::string_view token,
                                                    const v1::SetLocationRequest& request) {
  return Call(merchants, &MerchantStub::SetLocation, token, request);
}

absl::StatusOr<v1::UpdateMerchantRequest> ParseMerchantUpdate(
    const std::vector<std::string>& assignments) {
  if (assignments.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "name the fields to change as field=value; these can change: ", kEditableFields));
  }
  v1::UpdateMerchantRequest request;
  for (const std::string& assignment : assignments) {
    const size_t eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", assignment, "\" is not field=value, like displayName=\"New name\""));
    }
    const std::string name = assignment.substr(0, eq);
    const FieldDescriptor* field = MerchantField(name);
    if (field == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("a merchant has no field \"", name,
                                                     "\"; these can change: ", kEditableFields));
    }
    if (field->type() != FieldDescriptor::TYPE_STRING || field->is_repeated()) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", name, "\" is not a text field; the qualification and the location ",
                       "change with `merchant qualify` and `merchant locate`"));
    }
    for (const std::string& path : request.update_mask().paths()) {
      if (path == field->name()) {
        return absl::InvalidArgumentError(absl::StrCat("\"", name, "\" is given twice"));
      }
    }
    request.merchant().GetReflection()->SetString(request.mutable_merchant(), field,
                                                  assignment.substr(eq + 1));
    request.mutable_update_mask()->add_paths(field->name());
  }
  return request;
}

absl::StatusOr<double> ParseDegrees(absl::string_view name, absl::string_view text) {
  double degrees = 0;
  if (!absl::SimpleAtod(text, &degrees) || !std::isfinite(degrees)) {
    return absl::InvalidArgumentError(absl::StrCat(
        name, " must be decimal degrees, like 26.0745 or -33.8688; got \"", text, "\""));
  }
  return degrees;
}

}  // namespace qrcloud::ctl
