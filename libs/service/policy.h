// The policy of a gRPC method, read from its proto options
// (protos/qrcloud/v1/options.proto): the process that serves it, the
// subsystem it belongs to, and how its caller authenticates. The dispatcher
// and the gateway ask here; no C++ table lists methods.
#ifndef QRCLOUD_LIBS_SERVICE_POLICY_H_
#define QRCLOUD_LIBS_SERVICE_POLICY_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "libs/core/subsystems.h"

namespace qrcloud::service {

enum class Auth {
  // A session token or an API key.
  kRequired,
  // Anyone; credentials, if sent, must be valid.
  kOptional,
  // An API key only.
  kApiKey,
};

struct MethodPolicy {
  std::string process;  // a name in services/services.txt
  // nullopt: the platform itself, which no switch turns off.
  std::optional<core::Subsystem> subsystem;
  Auth auth = Auth::kRequired;
};

// The policy of a method, its own options over its service's.
// FAILED_PRECONDITION naming what is missing when the method has no
// subsystem or auth, or its service no process.
absl::StatusOr<MethodPolicy> PolicyOf(const google::protobuf::MethodDescriptor& method);

// The same for "qrcloud.v1.OrderService/CreateOrder" (a leading '/' is
// allowed), looked up in the generated descriptor pool; NOT_FOUND for a
// method the pool does not hold.
absl::StatusOr<MethodPolicy> PolicyOf(absl::string_view full_method);

// The process that serves a service ("qrcloud.v1.OrderService").
absl::StatusOr<std::string> ProcessOf(const google::protobuf::ServiceDescriptor& service);

// True for a contract drafted but not served yet (`planned: true`): nothing
// routes to it, and no process may serve it.
bool IsPlanned(const google::protobuf::ServiceDescriptor& service);

// The services of package qrcloud.v1 in the generated pool (every contract
// linked into this binary).
std::vector<const google::protobuf::ServiceDescriptor*> ContractServices();

// OK, or UNIMPLEMENTED saying which subsystem is switched off in this
// deployment (--disabled_subsystems).
absl::Status CheckEnabled(const MethodPolicy& policy);

}  // namespace qrcloud::service

#endif  // QRCLOUD_LIBS_SERVICE_POLICY_H_
