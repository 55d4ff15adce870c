// What a server says it serves, through gRPC server reflection
// (grpc.reflection.v1alpha, which every qrcloud service enables): its
// services, and the descriptors of a method and of everything it uses, so
// that `qrcloudctl call` reaches methods this binary was built without.
#ifndef QRCLOUD_TOOLS_QRCLOUDCTL_REFLECTION_H_
#define QRCLOUD_TOOLS_QRCLOUDCTL_REFLECTION_H_

#include <memory>
#include <string>
#include <vector>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor_database.h>
#include <google/protobuf/dynamic_message.h>
#include <grpcpp/channel.h>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace qrcloud::ctl {

class Reflection {
 public:
  explicit Reflection(std::shared_ptr<grpc::Channel> channel) : channel_(std::move(channel)) {}

  // The full names of the services the server lists (reflection's own and
  // health left out), sorted.
  absl::StatusOr<std::vector<std::string>> Services();

  // `name` as "package.Service.Method", "Service.Method" (package
  // qrcloud.v1) or "package.Service/Method". NOT_FOUND naming what the
  // server has when it has no such service or method.
  absl::StatusOr<const google::protobuf::MethodDescriptor*> FindMethod(absl::string_view name);

  // Messages of the types the server described.
  google::protobuf::DynamicMessageFactory& factory() { return factory_; }

 private:
  // Adds the file that declares `symbol`, with its imports, to the pool.
  absl::Status LoadSymbol(const std::string& symbol);

  std::shared_ptr<grpc::Channel> channel_;
  google::protobuf::SimpleDescriptorDatabase database_;
  google::protobuf::DescriptorPool pool_{&database_};
  google::protobuf::DynamicMessageFactory factory_{&pool_};
};

}  // namespace qrcloud::ctl

#endif  // QRCLOUD_TOOLS_QRCLOUDCTL_REFLECTION_H_
