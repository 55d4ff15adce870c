#include "libs/core/subsystems.h"

#include <utility>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

ABSL_FLAG(std::string, disabled_subsystems, "",
          "Subsystems switched off in this deployment, comma-separated: landing, partner, agent, "
          "merchant-front, personal-front");

namespace qrcloud::core {
namespace {

constexpr std::pair<absl::string_view, Subsystem> kNames[] = {
    {"landing", Subsystem::kLanding},
    {"partner", Subsystem::kPartner},
    {"agent", Subsystem::kAgent},
    {"merchant-front", Subsystem::kMerchantFront},
    {"personal-front", Subsystem::kPersonalFront},
};

}  // namespace

absl::string_view SubsystemName(Subsystem s) {
  for (const auto& [name, sub] : kNames) {
    if (sub == s) return name;
  }
  return "unknown";
}

absl::string_view SubsystemTitle(Subsystem s) {
  switch (s) {
    case Subsystem::kLanding:
      return "the landing (on-premise) subsystem";
    case Subsystem::kPartner:
      return "the third-party partner subsystem";
    case Subsystem::kAgent:
      return "the agent subsystem";
    case Subsystem::kMerchantFront:
      return "the merchant cloud front";
    case Subsystem::kPersonalFront:
      return "the personal front";
  }
  return "a subsystem";
}

absl::StatusOr<std::set<Subsystem>> ParseSubsystems(absl::string_view list) {
  std::set<Subsystem> out;
  for (absl::string_view part : absl::StrSplit(list, ',', absl::SkipWhitespace())) {
    part = absl::StripAsciiWhitespace(part);
    bool known = false;
    for (const auto& [name, sub] : kNames) {
      if (absl::EqualsIgnoreCase(part, name)) {
        out.insert(sub);
        known = true;
      }
    }
    if (!known) {
      return absl::InvalidArgumentError(
          absl::StrCat("disabled_subsystems: unknown subsystem \"", part,
                       "\"; accepted: landing, partner, agent, merchant-front, personal-front"));
    }
  }
  return out;
}

const std::set<Subsystem>& DisabledSubsystems() {
  static const std::set<Subsystem> disabled = [] {
    auto parsed = ParseSubsystems(absl::GetFlag(FLAGS_disabled_subsystems));
    return parsed.ok() ? *std::move(parsed) : std::set<Subsystem>();
  }();
  return disabled;
}

absl::Status CheckSubsystemEnabled(Subsystem s) {
  if (DisabledSubsystems().count(s) == 0) return absl::OkStatus();
  return absl::UnimplementedError(absl::StrCat(
      SubsystemTitle(s), " is switched off in this deployment (", SubsystemName(s), ")"));
}

absl::Status ValidateSubsystemsFlag() {
  return ParseSubsystems(absl::GetFlag(FLAGS_disabled_subsystems)).status();
}

}  // namespace qrcloud::core
