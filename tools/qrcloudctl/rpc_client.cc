#include "tools/qrcloudctl/rpc_client.h"

#include <cstdio>
#include <cstdlib>
#include <vector>

#include <grpcpp/client_context.h>
#include <grpcpp/impl/codegen/client_unary_call.h>
#include <grpcpp/impl/codegen/rpc_method.h>
#include <grpcpp/impl/codegen/sync_stream.h>
#include <grpcpp/support/byte_buffer.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/core/ids.h"
#include "libs/core/status.h"

namespace qrcloud::ctl {
namespace {

using google::protobuf::Message;
using google::protobuf::MethodDescriptor;

grpc::ByteBuffer ToBuffer(const Message& message) {
  std::string bytes = message.SerializeAsString();
  grpc::Slice slice(std::move(bytes));
  return grpc::ByteBuffer(&slice, 1);
}

absl::Status FromBuffer(const grpc::ByteBuffer& buffer, Message* message) {
  std::vector<grpc::Slice> slices;
  if (!buffer.Dump(&slices).ok()) return absl::DataLossError("unreadable answer from the server");
  std::string bytes;
  for (const grpc::Slice& s : slices) {
    bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  if (!message->ParseFromString(bytes)) {
    return absl::DataLossError(
        absl::StrCat("the server's answer is not a ", message->GetDescriptor()->full_name()));
  }
  return absl::OkStatus();
}

void Prepare(grpc::ClientContext& context, const std::string& token, absl::Duration deadline) {
  if (deadline != absl::InfiniteDuration()) {
    context.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
  }
  if (!token.empty()) context.AddMetadata("authorization", absl::StrCat("Bearer ", token));
  // One id per call made: the server answers a retry of it with the first
  // result instead of acting again.
  context.AddMetadata("x-request-id", core::NewId());
}

}  // namespace

std::string WirePath(const MethodDescriptor& method) {
  return absl::StrCat("/", method.service()->full_name(), "/", method.name());
}

const MethodDescriptor& ContractMethod(absl::string_view full_name) {
  const MethodDescriptor* method =
      google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(std::string(full_name));
  if (method == nullptr) {
    std::fprintf(stderr, "qrcloudctl: no method %s in the contracts it was built with\n",
                 std::string(full_name).c_str());
    std::abort();
  }
  return *method;
}

absl::Status RpcClient::Unary(const MethodDescriptor& method, const Message& request,
                              Message* response, absl::Duration deadline) const {
  grpc::ClientContext context;
  Prepare(context, token_, deadline);
  const std::string path = WirePath(method);
  const grpc::internal::RpcMethod rpc(path.c_str(), grpc::internal::RpcMethod::NORMAL_RPC);
  grpc::ByteBuffer answer;
  const grpc::Status status = grpc::internal::BlockingUnaryCall<grpc::ByteBuffer, grpc::ByteBuffer>(
      channel_.get(), rpc, &context, ToBuffer(request), &answer);
  if (!status.ok()) return core::FromGrpcStatus(status);
  return FromBuffer(answer, response);
}

absl::Status RpcClient::ServerStream(const MethodDescriptor& method, const Message& request,
                                     Message* scratch,
                                     const std::function<bool(const Message&)>& on_message,
                                     absl::Duration deadline,
                                     const std::function<void()>& on_open) const {
  grpc::ClientContext context;
  Prepare(context, token_, deadline);
  const std::string path = WirePath(method);
  const grpc::internal::RpcMethod rpc(path.c_str(), grpc::internal::RpcMethod::SERVER_STREAMING);
  std::unique_ptr<grpc::ClientReader<grpc::ByteBuffer>> reader(
      grpc::internal::ClientReaderFactory<grpc::ByteBuffer>::Create(channel_.get(), rpc, &context,
                                                                    ToBuffer(request)));
  if (on_open) {
    reader->WaitForInitialMetadata();
    on_open();
  }
  grpc::ByteBuffer buffer;
  while (reader->Read(&buffer)) {
    scratch->Clear();
    if (absl::Status s = FromBuffer(buffer, scratch); !s.ok()) {
      context.TryCancel();
      reader->Finish();
      return s;
    }
    if (!on_message(*scratch)) {
      context.TryCancel();
      reader->Finish();
      return absl::OkStatus();
    }
  }
  const grpc::Status status = reader->Finish();
  return status.ok() ? absl::OkStatus() : core::FromGrpcStatus(status);
}

}  // namespace qrcloud::ctl
