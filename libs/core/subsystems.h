// The subsystems a deployment can switch off (patent claim 2): the landing
// (on-premise) node, third-party partners, agents, the merchant cloud front
// and the personal front. `--disabled_subsystems` (or
// QRCLOUD_DISABLED_SUBSYSTEMS) lists the ones switched off, comma-separated;
// the gateway then serves none of their routes and every service refuses
// their methods. Which method belongs to which subsystem is declared in the
// protos (`qrcloud.v1.method_policy`, read by libs/service/policy.h), once,
// for the gateway and the services alike (docs/switches.md).
#ifndef QRCLOUD_LIBS_CORE_SUBSYSTEMS_H_
#define QRCLOUD_LIBS_CORE_SUBSYSTEMS_H_

#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace qrcloud::core {

enum class Subsystem { kLanding, kPartner, kAgent, kMerchantFront, kPersonalFront };

// "landing", "partner", "agent", "merchant-front", "personal-front".
absl::string_view SubsystemName(Subsystem s);
// What people call it in an error message, e.g. "the personal front".
absl::string_view SubsystemTitle(Subsystem s);

// Parses a comma-separated list of names; INVALID_ARGUMENT naming an unknown
// one and listing those accepted.
absl::StatusOr<std::set<Subsystem>> ParseSubsystems(absl::string_view list);

// The switched-off subsystems from the flag (parsed on first use; an unknown
// name was refused at start by InitProcess).
const std::set<Subsystem>& DisabledSubsystems();

// OK, or UNIMPLEMENTED saying that `s` is switched off in this deployment.
absl::Status CheckSubsystemEnabled(Subsystem s);

// For InitProcess: refuses an unknown name in the flag.
absl::Status ValidateSubsystemsFlag();

}  // namespace qrcloud::core

#endif  // QRCLOUD_LIBS_CORE_SUBSYSTEMS_H_
