// absl::Status conventions for qrcloud, and the one place where a status is
// mapped to gRPC and to HTTP.
//
// Inside the services every failure is an absl::Status whose message says what
// was wrong and what would be accepted. Input errors name the field: they are
// made with InvalidField(), which also attaches a google.rpc.BadRequest so
// that clients get the field in a machine-readable form.
#ifndef QRCLOUD_LIBS_CORE_STATUS_H_
#define QRCLOUD_LIBS_CORE_STATUS_H_

#include <optional>
#include <string>
#include <vector>
#include "absl/strings/string_view.h"

#include <grpcpp/support/status.h>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "google/rpc/status.pb.h"

namespace qrcloud::core {

struct FieldViolation {
  std::string field;        // lowerCamelCase path as clients see it, e.g. "price.minor"
  std::string description;  // what is wrong and what is accepted
};

// INVALID_ARGUMENT naming `field`; the message reads "<field>: <description>".
absl::Status InvalidField(absl::string_view field, absl::string_view description);
// INVALID_ARGUMENT for several fields at once.
absl::Status InvalidFields(const std::vector<FieldViolation>& violations);
// The field violations attached to `status` (empty if none).
std::vector<FieldViolation> FieldViolations(const absl::Status& status);

// RESOURCE_EXHAUSTED (or `code`) carrying a google.rpc.RetryInfo: the caller
// may try again after `delay`. The gateway sends it as `Retry-After`.
absl::Status RetryAfter(absl::Duration delay, absl::string_view message,
                        absl::StatusCode code = absl::StatusCode::kResourceExhausted);
// The delay of RetryAfter(), if `status` carries one.
std::optional<absl::Duration> RetryDelay(const absl::Status& status);

// snake_case → lowerCamelCase, per segment of a dotted path ("price.minor_units"
// → "price.minorUnits"): the names clients see in JSON.
std::string JsonFieldName(absl::string_view proto_path);

// The HTTP status for a canonical code, per google/rpc/code.proto.
int HttpStatusFor(absl::StatusCode code);

// absl::Status ↔ google.rpc.Status (payloads travel as `details`).
google::rpc::Status ToRpcStatus(const absl::Status& status);
absl::Status FromRpcStatus(const google::rpc::Status& status);

// absl::Status ↔ grpc::Status. The google.rpc.Status rides in the standard
// `grpc-status-details-bin` trailer, so any gRPC client can read the details.
grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

// Returns from the enclosing function if `expr` (an absl::Status) is not OK.
#define QRCLOUD_RETURN_IF_ERROR(expr)                     \
  do {                                                    \
    if (absl::Status _st = (expr); !_st.ok()) return _st; \
  } while (0)

#define QRCLOUD_CONCAT_INNER_(a, b) a##b
#define QRCLOUD_CONCAT_(a, b) QRCLOUD_CONCAT_INNER_(a, b)
// Declares `lhs` from an absl::StatusOr expression, or returns its error.
#define QRCLOUD_ASSIGN_OR_RETURN(lhs, expr) \
  QRCLOUD_ASSIGN_OR_RETURN_IMPL_(QRCLOUD_CONCAT_(_statusor_, __LINE__), lhs, expr)
#define QRCLOUD_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                   \
  if (!tmp.ok()) return std::move(tmp).status();       \
  lhs = std::move(tmp).value()

}  // namespace qrcloud::core

#endif  // QRCLOUD_LIBS_CORE_STATUS_H_
