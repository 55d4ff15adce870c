// Calls any gRPC method by its descriptor: the request and the answers are
// protobuf messages of any kind (generated or built from server
// reflection), carried as bytes over the channel. Every call sends the
// bearer token, if there is one, and a request id, so that a retried call
// that changes something does not act twice.
#ifndef QRCLOUD_TOOLS_QRCLOUDCTL_RPC_CLIENT_H_
#define QRCLOUD_TOOLS_QRCLOUDCTL_RPC_CLIENT_H_

#include <functional>
#include <memory>
#include <string>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <grpcpp/channel.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace qrcloud::ctl {

class RpcClient {
 public:
  RpcClient(std::shared_ptr<grpc::Channel> channel, std::string token)
      : channel_(std::move(channel)), token_(std::move(token)) {}

  // A unary call; `response` must be of the method's output type.
  absl::Status Unary(const google::protobuf::MethodDescriptor& method,
                     const google::protobuf::Message& request, google::protobuf::Message* response,
                     absl::Duration deadline = absl::Seconds(30)) const;

  // A server-streaming call: `on_message` gets each answer (a message of the
  // output type, reused between calls) and returns false to stop early.
  // `deadline` InfiniteDuration: until the server ends the stream.
  // `on_open`, if given, runs once the server has opened the stream (sent
  // its headers), before the first message.
  absl::Status ServerStream(const google::protobuf::MethodDescriptor& method,
                            const google::protobuf::Message& request,
                            google::protobuf::Message* scratch,
                            const std::function<bool(const google::protobuf::Message&)>& on_message,
                            absl::Duration deadline = absl::InfiniteDuration(),
                            const std::function<void()>& on_open = nullptr) const;

  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }

 private:
  std::shared_ptr<grpc::Channel> channel_;
  std::string token_;
};

// "/package.Service/Method", the method's path on the wire.
std::string WirePath(const google::protobuf::MethodDescriptor& method);

// A method of the contracts compiled into qrcloudctl, by full name
// ("qrcloud.v1.CodeService.GetCode"). Aborts when there is none: a
// programming error, not a user's.
const google::protobuf::MethodDescriptor& ContractMethod(absl::string_view full_name);

}  // namespace qrcloud::ctl

#endif  // QRCLOUD_TOOLS_QRCLOUDCTL_RPC_CLIENT_H_
