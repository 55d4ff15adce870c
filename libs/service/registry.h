// The platform's list of gRPC service processes (services/services.txt,
// compiled in) and where each one is reached. The gateway routes by it, a
// service finds the processes it calls by it, and tools/up, tools/down and
// the test stack start processes from the same file.
//
// Addresses: `--backends=center=10.0.0.5:50051,audit=...` names processes
// explicitly, and then only those are reached; without it every listed
// process is at `--backend_address_template` with {name} and {port} filled
// in (`localhost:{port}` by default, `qrcloud-{name}:{port}` in Kubernetes).
#ifndef QRCLOUD_LIBS_SERVICE_REGISTRY_H_
#define QRCLOUD_LIBS_SERVICE_REGISTRY_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace qrcloud::service {

// One line of services/services.txt.
struct ProcessInfo {
  std::string name;  // "center"; the binary is qrcloud-<name>
  int grpc_port = 0;
  int metrics_port = 0;
  std::string database;  // "qrcloud_center"
  // Roles of the service account it calls the center as; empty: none.
  std::vector<std::string> center_roles;
  // An on-premise process (database column `on-premise`): it runs at a
  // merchant's site, keeps its own store under --data_dir (no MySQL, no
  // Redis) and reaches the center over the internet. Nothing in the cloud
  // routes to it: it is not among BackendAddresses() (so the gateway serves
  // none of its contracts), tools/up does not start it and it has no
  // Kubernetes manifests. `database` is "" for it.
  bool on_premise = false;
};

// The database column of an on-premise process.
inline constexpr char kOnPremise[] = "on-premise";

// Parses the list's text; INVALID_ARGUMENT naming the line that is wrong.
absl::StatusOr<std::vector<ProcessInfo>> ParseServiceList(absl::string_view text);

// The list compiled into this binary (parsed once; a malformed list fails
// the build's tests, and aborts at first use).
const std::vector<ProcessInfo>& Processes();

// The listed process called `name`; NOT_FOUND naming the known ones.
absl::StatusOr<ProcessInfo> FindProcess(absl::string_view name);

// (process name, host:port) of every process this one can reach, from the
// flags as described above. On-premise processes are left out of the
// template's list (the cloud never dials them); --backends may name one.
absl::StatusOr<std::vector<std::pair<std::string, std::string>>> BackendAddresses();

// The address of one process; NOT_FOUND if it is not reachable by the flags.
absl::StatusOr<std::string> BackendAddress(absl::string_view process);

// Parses a `--backends` value ("name=host:port,..."); INVALID_ARGUMENT naming
// the entry that is wrong. Exposed for tests.
absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ParseBackends(
    absl::string_view list);

// Fills in a `--backend_address_template`. Exposed for tests.
std::string ExpandAddressTemplate(absl::string_view address_template, const ProcessInfo& process);

// Checks the address flags (for InitProcess-style start-up validation).
absl::Status ValidateBackendFlags();

}  // namespace qrcloud::service

#endif  // QRCLOUD_LIBS_SERVICE_REGISTRY_H_
