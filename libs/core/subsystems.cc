#include "libs/core/subsystems.h"

#include <utility>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

ABSL_FLAG(std::string, disabled_subsystems, "",
          "Subsystems switched off in this deployment, comma-separated: landing, partner, agent, "
          "merchant-front, personal-front");

namespace qrcloud::core {
namespace {

struct Entry {
  absl::string_view method;  // a whole service ("qrcloud.v1.AgentService/") or one method
  Subsystem subsystem;
};

// Whole services first, then single methods of the center's shared services.
// A method not listed belongs to the platform itself and is never switched off.
constexpr Entry kMethods[] = {
    {"qrcloud.v1.LandingService/", Subsystem::kLanding},
    {"qrcloud.v1.LandingAdminService/", Subsystem::kLanding},
    {"qrcloud.v1.PartnerService/", Subsystem::kPartner},
    {"qrcloud.v1.AgentService/", Subsystem::kAgent},
    {"qrcloud.v1.PersonalService/", Subsystem::kPersonalFront},
    // The merchant cloud front: a merchant managing the business.
    {"qrcloud.v1.MerchantService/GetMerchant", Subsystem::kMerchantFront},
    {"qrcloud.v1.MerchantService/UpdateMerchant", Subsystem::kMerchantFront},
    {"qrcloud.v1.MerchantService/SubmitQualification", Subsystem::kMerchantFront},
    {"qrcloud.v1.MerchantService/SetLocation", Subsystem::kMerchantFront},
    {"qrcloud.v1.MerchantService/GetMerchantStats", Subsystem::kMerchantFront},
    {"qrcloud.v1.MerchantService/SetBusinessSwitches", Subsystem::kMerchantFront},
    {"qrcloud.v1.CampaignService/CreateCampaign", Subsystem::kMerchantFront},
    {"qrcloud.v1.CampaignService/UpdateCampaign", Subsystem::kMerchantFront},
    {"qrcloud.v1.CampaignService/ListCampaigns", Subsystem::kMerchantFront},
    {"qrcloud.v1.CampaignService/SubmitCampaign", Subsystem::kMerchantFront},
    {"qrcloud.v1.CampaignService/PauseCampaign", Subsystem::kMerchantFront},
    {"qrcloud.v1.CampaignService/ResumeCampaign", Subsystem::kMerchantFront},
    {"qrcloud.v1.CampaignService/EndCampaign", Subsystem::kMerchantFront},
    {"qrcloud.v1.CampaignService/UploadMedia", Subsystem::kMerchantFront},
    {"qrcloud.v1.CodeService/CreateCode", Subsystem::kMerchantFront},
    {"qrcloud.v1.CodeService/BatchCreateCodes", Subsystem::kMerchantFront},
    {"qrcloud.v1.CodeService/GetCode", Subsystem::kMerchantFront},
    {"qrcloud.v1.CodeService/ListCodes", Subsystem::kMerchantFront},
    {"qrcloud.v1.CodeService/UpdateCode", Subsystem::kMerchantFront},
    {"qrcloud.v1.CodeService/GetCodeImage", Subsystem::kMerchantFront},
    {"qrcloud.v1.CodeService/GetBatchSheet", Subsystem::kMerchantFront},
    {"qrcloud.v1.CodeService/GetCodeStats", Subsystem::kMerchantFront},
    {"qrcloud.v1.CodeService/DecodeImage", Subsystem::kMerchantFront},
    {"qrcloud.v1.OrderService/ListMerchantOrders", Subsystem::kMerchantFront},
    {"qrcloud.v1.OrderService/VerifyReceipt", Subsystem::kMerchantFront},
    {"qrcloud.v1.OrderService/RedeemReceipt", Subsystem::kMerchantFront},
    // The personal front: people finding offers, ordering, keeping receipts.
    {"qrcloud.v1.CampaignService/SearchCampaigns", Subsystem::kPersonalFront},
    {"qrcloud.v1.GeoService/NearbyCampaigns", Subsystem::kPersonalFront},
    {"qrcloud.v1.PageService/GetPage", Subsystem::kPersonalFront},
    {"qrcloud.v1.PageService/GetMerchantCard", Subsystem::kPersonalFront},
    {"qrcloud.v1.OrderService/CreateOrder", Subsystem::kPersonalFront},
    {"qrcloud.v1.OrderService/ListMyOrders", Subsystem::kPersonalFront},
    {"qrcloud.v1.OrderService/CancelOrder", Subsystem::kPersonalFront},
};

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

std::optional<Subsystem> SubsystemOf(absl::string_view full_method) {
  absl::ConsumePrefix(&full_method, "/");
  for (const Entry& e : kMethods) {
    if (absl::EndsWith(e.method, "/") ? absl::StartsWith(full_method, e.method) : full_method == e.method) {
      return e.subsystem;
    }
  }
  return std::nullopt;
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
      return absl::InvalidArgumentError(absl::StrCat(
          "disabled_subsystems: unknown subsystem \"", part,
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

absl::Status CheckMethodEnabled(absl::string_view full_method) {
  const std::set<Subsystem>& disabled = DisabledSubsystems();
  if (disabled.empty()) return absl::OkStatus();
  const std::optional<Subsystem> sub = SubsystemOf(full_method);
  if (!sub || disabled.count(*sub) == 0) return absl::OkStatus();
  return absl::UnimplementedError(
      absl::StrCat(SubsystemTitle(*sub), " is switched off in this deployment (", SubsystemName(*sub), ")"));
}

absl::Status ValidateSubsystemsFlag() {
  return ParseSubsystems(absl::GetFlag(FLAGS_disabled_subsystems)).status();
}

}  // namespace qrcloud::core
