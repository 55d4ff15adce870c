// The qrcloudctl commands as plain functions. Each takes the stub it calls,
// the caller's bearer token and already-parsed arguments, makes the gRPC calls
// (each with a kCallDeadline deadline) and returns the response or the
// server's status. Reading the command line and printing are main.cc's and
// output.cc's business, so these can be driven by any front end or a test.
#ifndef QRCLOUD_TOOLS_QRCLOUDCTL_COMMANDS_H_
#define QRCLOUD_TOOLS_QRCLOUDCTL_COMMANDS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "qrcloud/v1/auth.grpc.pb.h"
#include "qrcloud/v1/merchant.grpc.pb.h"

namespace qrcloud::ctl {

inline constexpr absl::Duration kCallDeadline = absl::Seconds(10);

using AuthStub = v1::AuthService::StubInterface;
using MerchantStub = v1::MerchantService::StubInterface;

// Signs in; the response carries the session token.
absl::StatusOr<v1::CreateSessionResponse> Login(AuthStub& auth, absl::string_view login,
                                                absl::string_view password);
// Ends the session `token` names, on the server.
absl::Status Logout(AuthStub& auth, absl::string_view token);
absl::StatusOr<v1::GetCurrentAccountResponse> WhoAmI(AuthStub& auth, absl::string_view token);

// `id` if it is not empty, else the merchant the caller's account acts for;
// FAILED_PRECONDITION when the account has none.
absl::StatusOr<std::string> MerchantIdOrOwn(AuthStub& auth, absl::string_view token,
                                            absl::string_view id);

absl::StatusOr<v1::Merchant> GetMerchant(MerchantStub& merchants, absl::string_view token,
                                         absl::string_view id);
absl::StatusOr<v1::Merchant> UpdateMerchant(MerchantStub& merchants, absl::string_view token,
                                            const v1::UpdateMerchantRequest& request);
absl::StatusOr<v1::SubmitQualificationResponse> SubmitQualification(
    MerchantStub& merchants, absl::string_view token,
    const v1::SubmitQualificationRequest& request);
absl::StatusOr<v1::SetLocationResponse> SetLocation(MerchantStub& merchants,
                                                    absl::string_view token,
                                                    const v1::SetLocationRequest& request);

// Argument parsing (no calls). Errors are INVALID_ARGUMENT and mean a usage
// error.

// `field=value` arguments, fields named as in JSON ("displayName=New name"),
// to an UpdateMerchantRequest (without its id) whose update_mask names exactly
// the fields given. An empty value clears the field.
absl::StatusOr<v1::UpdateMerchantRequest> ParseMerchantUpdate(
    const std::vector<std::string>& assignments);

// A latitude or longitude in decimal degrees; `name` is for the message.
absl::StatusOr<double> ParseDegrees(absl::string_view name, absl::string_view text);

}  // namespace qrcloud::ctl

#endif  // QRCLOUD_TOOLS_QRCLOUDCTL_COMMANDS_H_
