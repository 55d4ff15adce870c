#include "libs/service/center_caller.h"

#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/core/status.h"
#include "libs/service/host.h"

namespace qrcloud::service {

absl::StatusOr<std::unique_ptr<CenterCaller>> CenterCaller::Create(const std::string& address,
                                                                   std::string api_key_file,
                                                                   absl::Duration call_timeout) {
  grpc::ChannelArguments args;
  // Back soon after the center restarts: callers are waiting.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 200);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  auto channel = grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
  std::unique_ptr<CenterCaller> caller(
      new CenterCaller(std::move(channel), std::move(api_key_file), call_timeout));
  if (absl::Status loaded = caller->ReloadKey(); !loaded.ok()) return loaded;
  return caller;
}

absl::StatusOr<std::unique_ptr<CenterCaller>> CenterCaller::ForHost(Host& host,
                                                                    absl::Duration call_timeout) {
  QRCLOUD_ASSIGN_OR_RETURN(std::string center, host.AddressOf("center"));
  return Create(center, host.config().center_api_key_file, call_timeout);
}

absl::Status CenterCaller::ReloadKey() {
  std::ifstream in(api_key_file_);
  std::string line;
  if (!in || !std::getline(in, line) || absl::StripAsciiWhitespace(line).empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the center API key file ", api_key_file_.empty() ? "(none given)" : api_key_file_,
        " cannot be read; give the process center_roles in services/services.txt (tools/up "
        "then makes the key), or make one with `qrcloud-center ensure-service-account <login> "
        "<roles> <file>`, and pass --center_api_key_file"));
  }
  absl::MutexLock lock(&mu_);
  key_ = std::string(absl::StripAsciiWhitespace(line));
  return absl::OkStatus();
}

absl::Status CenterCaller::CallOnce(const std::function<grpc::Status(grpc::ClientContext&)>& call,
                                    const std::string& request_id) {
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + call_timeout_));
  {
    absl::MutexLock lock(&mu_);
    ctx.AddMetadata("authorization", absl::StrCat("Bearer ", key_));
  }
  if (!request_id.empty()) ctx.AddMetadata("x-request-id", request_id);
  return core::FromGrpcStatus(call(ctx));
}

absl::Status CenterCaller::Call(const std::function<grpc::Status(grpc::ClientContext&)>& call,
                                const std::string& request_id) {
  absl::Status status = CallOnce(call, request_id);
  if (status.code() != absl::StatusCode::kUnauthenticated) return status;
  QRCLOUD_RETURN_IF_ERROR(ReloadKey());
  return CallOnce(call, request_id);
}

}  // namespace qrcloud::service
