#include "tools/qrcloudctl/reflection.h"

#include <algorithm>

#include <google/protobuf/descriptor.pb.h>
#include <grpcpp/client_context.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "libs/core/status.h"

namespace qrcloud::ctl {
namespace {

namespace refl = grpc::reflection::v1alpha;

// One question, one answer, on a stream of its own.
absl::StatusOr<refl::ServerReflectionResponse> Ask(const std::shared_ptr<grpc::Channel>& channel,
                                                   const refl::ServerReflectionRequest& request) {
  auto stub = refl::ServerReflection::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  auto stream = stub->ServerReflectionInfo(&context);
  refl::ServerReflectionResponse response;
  const bool sent = stream->Write(request) && stream->WritesDone();
  const bool got = sent && stream->Read(&response);
  const grpc::Status status = stream->Finish();
  if (!status.ok()) return core::FromGrpcStatus(status);
  if (!got) return absl::UnavailableError("the server did not answer the reflection request");
  if (response.has_error_response()) {
    return absl::Status(static_cast<absl::StatusCode>(response.error_response().error_code()),
                        response.error_response().error_message());
  }
  return response;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> Reflection::Services() {
  refl::ServerReflectionRequest request;
  request.set_list_services("");
  QRCLOUD_ASSIGN_OR_RETURN(refl::ServerReflectionResponse response, Ask(channel_, request));
  std::vector<std::string> names;
  for (const auto& s : response.list_services_response().service()) {
    if (absl::StartsWith(s.name(), "grpc.")) continue;
    names.push_back(s.name());
  }
  std::sort(names.begin(), names.end());
  return names;
}

absl::Status Reflection::LoadSymbol(const std::string& symbol) {
  refl::ServerReflectionRequest request;
  request.set_file_containing_symbol(symbol);
  QRCLOUD_ASSIGN_OR_RETURN(refl::ServerReflectionResponse response, Ask(channel_, request));
  // The answer holds the file and every file it imports.
  for (const std::string& bytes : response.file_descriptor_response().file_descriptor_proto()) {
    google::protobuf::FileDescriptorProto file;
    if (!file.ParseFromString(bytes)) {
      return absl::DataLossError("the server sent an unreadable descriptor");
    }
    google::protobuf::FileDescriptorProto known;
    if (database_.FindFileByName(file.name(), &known)) continue;
    database_.Add(file);
  }
  return absl::OkStatus();
}

absl::StatusOr<const google::protobuf::MethodDescriptor*> Reflection::FindMethod(
    absl::string_view name) {
  std::string full(name);
  if (const size_t slash = full.find('/'); slash != std::string::npos) full[slash] = '.';
  if (!full.empty() && full[0] == '.') full.erase(0, 1);
  const size_t dot = full.rfind('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == full.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", name, "\" is not Service.Method, like CodeService.GetCodeStats or ",
                     "qrcloud.v1.CodeService.GetCodeStats"));
  }
  std::string service = full.substr(0, dot);
  const std::string method = full.substr(dot + 1);
  if (service.find('.') == std::string::npos) service = absl::StrCat("qrcloud.v1.", service);

  QRCLOUD_ASSIGN_OR_RETURN(std::vector<std::string> services, Services());
  if (std::find(services.begin(), services.end(), service) == services.end()) {
    return absl::NotFoundError(absl::StrCat("the server has no service ", service,
                                            "; it has: ", absl::StrJoin(services, ", ")));
  }
  if (pool_.FindServiceByName(service) == nullptr) {
    QRCLOUD_RETURN_IF_ERROR(LoadSymbol(service));
  }
  const google::protobuf::ServiceDescriptor* descriptor = pool_.FindServiceByName(service);
  if (descriptor == nullptr) {
    return absl::DataLossError(absl::StrCat("the server did not describe ", service));
  }
  if (const auto* m = descriptor->FindMethodByName(method)) return m;
  std::vector<std::string> methods;
  for (int i = 0; i < descriptor->method_count(); ++i) {
    methods.push_back(descriptor->method(i)->name());
  }
  return absl::NotFoundError(
      absl::StrCat(service, " has no method ", method, "; it has: ", absl::StrJoin(methods, ", ")));
}

}  // namespace qrcloud::ctl
