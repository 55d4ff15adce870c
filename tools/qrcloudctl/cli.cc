#include "tools/qrcloudctl/cli.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <google/protobuf/dynamic_message.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "libs/core/json_input.h"
#include "libs/core/status.h"
#include "libs/service/registry.h"
#include "qrcloud/v1/auth.pb.h"
#include "qrcloud/v1/common.pb.h"
#include "qrcloud/v1/options.pb.h"
#include "tools/qrcloudctl/commands.h"
#include "tools/qrcloudctl/flags.h"

ABSL_DECLARE_FLAG(std::string, backends);  // libs/service/registry.cc

namespace qrcloud::ctl {

int ExitCodeOf(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return kExitOk;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
      return kExitRefused;
    case absl::StatusCode::kUnauthenticated:
    case absl::StatusCode::kPermissionDenied:
      return kExitDenied;
    case absl::StatusCode::kNotFound:
      return kExitNotFound;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kAborted:
      return kExitConflict;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kCancelled:
      return kExitUnavailable;
    default:
      return kExitFailed;
  }
}

RpcClient Context::ClientFor(const google::protobuf::MethodDescriptor& method) const {
  const auto& policy = method.service()->options().GetExtension(v1::service_policy);
  const std::string& process = policy.process();
  if (process == "audit") return RpcClient(audit_channel, token);
  auto info = service::FindProcess(process);
  if (process.empty() || process == "center" || !info.ok()) return RpcClient(channel, token);
  std::shared_ptr<grpc::Channel>& other = others_[process];
  if (other == nullptr) {
    // --backends=<process>=host:port names it; else the center's host.
    auto named = absl::GetFlag(FLAGS_backends).empty() ? absl::NotFoundError("")
                                                       : service::BackendAddress(process);
    const std::string address =
        named.ok() ? *named
                   : absl::StrCat(center.substr(0, center.rfind(':')), ":", info->grpc_port);
    other = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  }
  return RpcClient(other, token);
}

std::string UsageLine(const Command& command) {
  return absl::StrCat("qrcloudctl ", command.name, *command.usage ? " " : "", command.usage);
}

int UsageFailure(absl::string_view message, const Command& command) {
  std::fprintf(stderr, "error: %s\nusage: %s\n", std::string(message).c_str(),
               UsageLine(command).c_str());
  return kExitUsage;
}

int Failure(const absl::Status& status, const Context& ctx) {
  std::fputs(RenderError(status, ctx.colour_err).c_str(), stderr);
  if (status.code() == absl::StatusCode::kUnavailable) {
    std::fprintf(stderr,
                 "  (no answer from %s; --center, --audit or QRCLOUD_CENTER pick another)\n",
                 ctx.center.c_str());
  }
  return ExitCodeOf(status.code());
}

void Print(const google::protobuf::Message& message, const Context& ctx) {
  std::fputs(Render(message, ctx.output, ctx.colour_out).c_str(), stdout);
  std::fflush(stdout);
}

absl::StatusOr<std::string> RequireToken(const Context& ctx) {
  if (!ctx.token.empty()) return ctx.token;
  return absl::UnauthenticatedError(ctx.no_token_reason);
}

absl::StatusOr<std::unique_ptr<google::protobuf::Message>> CallContract(
    Context& ctx, absl::string_view full_name, const google::protobuf::Message& request) {
  QRCLOUD_RETURN_IF_ERROR(RequireToken(ctx).status());
  const google::protobuf::MethodDescriptor& method = ContractMethod(full_name);
  std::unique_ptr<google::protobuf::Message> response(
      google::protobuf::MessageFactory::generated_factory()
          ->GetPrototype(method.output_type())
          ->New());
  QRCLOUD_RETURN_IF_ERROR(ctx.ClientFor(method).Unary(method, request, response.get()));
  return response;
}

int CallAndPrint(Context& ctx, absl::string_view full_name,
                 const google::protobuf::Message& request) {
  auto response = CallContract(ctx, full_name, request);
  if (!response.ok()) return Failure(response.status(), ctx);
  Print(**response, ctx);
  return kExitOk;
}

absl::StatusOr<std::string> OwnMerchant(Context& ctx) {
  QRCLOUD_ASSIGN_OR_RETURN(std::string token, RequireToken(ctx));
  auto auth = v1::AuthService::NewStub(ctx.channel);
  return MerchantIdOrOwn(*auth, token, absl::GetFlag(FLAGS_merchant));
}

absl::Status WriteOutputFile(const std::string& path, absl::string_view data) {
  if (path == "-") {
    std::fwrite(data.data(), 1, data.size(), stdout);
    std::fflush(stdout);
    return absl::OkStatus();
  }
  const std::string temp = absl::StrCat(path, ".part");
  const int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot write ", path, ": ", std::strerror(errno)));
  }
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int e = errno;
      close(fd);
      unlink(temp.c_str());
      return absl::FailedPreconditionError(
          absl::StrCat("cannot write ", path, ": ", std::strerror(e)));
    }
    done += static_cast<size_t>(n);
  }
  if (close(fd) != 0 || rename(temp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    unlink(temp.c_str());
    return absl::FailedPreconditionError(
        absl::StrCat("cannot write ", path, ": ", std::strerror(e)));
  }
  return absl::OkStatus();
}

int FileFailure(const std::string& path, const absl::Status& status) {
  const std::vector<core::FieldViolation> violations = core::FieldViolations(status);
  if (violations.empty()) {
    std::fprintf(stderr, "error: %s: %s\n", path.c_str(), std::string(status.message()).c_str());
  } else {
    for (const core::FieldViolation& v : violations) {
      std::fprintf(stderr, "error: %s: %s: %s\n", path.c_str(), v.field.c_str(),
                   v.description.c_str());
    }
  }
  return kExitUsage;
}

std::string GetStringFlag(absl::string_view name) {
  const absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
  return flag == nullptr ? "" : flag->CurrentValue();
}

absl::Status ParseEnumFlag(absl::string_view flag, const google::protobuf::EnumDescriptor* type,
                           int* value) {
  const std::string text = absl::AsciiStrToUpper(GetStringFlag(flag));
  *value = 0;
  if (text.empty()) return absl::OkStatus();
  const google::protobuf::EnumValueDescriptor* found = type->FindValueByName(text);
  if (found == nullptr || found->number() == 0) {
    return absl::InvalidArgumentError(absl::StrCat("--", flag, " must be one of ",
                                                   core::EnumNames(type), "; got \"", text, "\""));
  }
  *value = found->number();
  return absl::OkStatus();
}

absl::Status PageFlags(v1::PageRequest* page) {
  const int size = absl::GetFlag(FLAGS_page_size);
  if (size < 0 || size > 200) {
    return absl::InvalidArgumentError(
        absl::StrCat("--page-size must be 1 to 200 (0: the server's default); got ", size));
  }
  page->set_page_size(size);
  page->set_page_token(absl::GetFlag(FLAGS_page_token));
  return absl::OkStatus();
}

}  // namespace qrcloud::ctl
