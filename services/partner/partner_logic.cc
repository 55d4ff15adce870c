#include "services/partner/partner_logic.h"

#include <google/protobuf/util/json_util.h>

#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "libs/core/ids.h"
#include "libs/core/partner_events.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"
#include "libs/core/validate.h"
#include "libs/rpc/paging.h"
#include "services/partner/partner_rules.h"

namespace qrcloud::partner {
namespace {

using auth::Role;

absl::Status Publish(store::Tx& tx, const char* type, const google::protobuf::Message& data) {
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(data, &json).ok()) {
    return absl::InternalError(absl::StrCat("cannot write ", type, " as JSON"));
  }
  return tx.AppendEvent({core::kPartnerStream, type, std::move(json)}).status();
}

absl::Status PlacementNotFound(absl::string_view id) {
  return absl::NotFoundError(absl::StrCat("placement ", id.substr(0, 40), " not found"));
}

// A platform code nobody chose: "p" and 9 random lower-case characters.
std::string NewPlatformCode() {
  return absl::StrCat("p", absl::AsciiStrToLower(core::RandomHex(9)).substr(0, 9));
}

v1::Money Amount(const std::string& currency, int64_t minor) {
  v1::Money m;
  m.set_currency(currency);
  m.set_minor(minor);
  return m;
}

}  // namespace

absl::StatusOr<v1::Partner> PartnerLogic::Load(store::Tx& tx, absl::string_view id) {
  if (!core::IsValidId(id)) return PartnerNotFound(id);
  QRCLOUD_ASSIGN_OR_RETURN(std::optional<v1::Partner> partner, partners_.Get(tx, id));
  if (!partner) return PartnerNotFound(id);
  return *partner;
}

absl::Status PartnerLogic::Save(store::Tx& tx, v1::Partner& partner) {
  core::ToProto(core::ToMicros(clock_.Now()), partner.mutable_update_time());
  QRCLOUD_RETURN_IF_ERROR(partners_.Put(tx, partner));
  return Publish(tx, core::kPartnerUpdated, partner);
}

absl::StatusOr<std::string> PartnerLogic::Readable(const rpc::CallContext& call,
                                                   absl::string_view id) {
  const std::string resolved = ResolvePartnerId(call.caller(), id);
  QRCLOUD_RETURN_IF_ERROR(CheckPartnerAccess(call.caller(), resolved));
  return resolved;
}

absl::Status PartnerLogic::Register(const rpc::CallContext& call,
                                    const v1::RegisterPartnerRequest& req, v1::Partner& resp) {
  const auth::Principal& p = call.caller();
  const std::string id = ResolvePartnerId(p, req.id());
  if (!p.Has(Role::kPartner) || p.partner_id.empty() || p.partner_id != id) {
    if (p.Has(Role::kAdmin)) {
      return absl::PermissionDeniedError(
          "a partner registers itself, signed in as its PARTNER account");
    }
    return PartnerNotFound(id);
  }
  QRCLOUD_RETURN_IF_ERROR(core::ValidateText("displayName", req.display_name(), 1, 64));
  if (!req.website().empty())
    QRCLOUD_RETURN_IF_ERROR(core::ValidateWebUrl("website", req.website()));
  QRCLOUD_ASSIGN_OR_RETURN(v1::PartnerTerms terms, NormalizeTerms("terms", req.terms()));
  std::string code = NewPlatformCode();
  if (!req.platform_code().empty()) {
    QRCLOUD_ASSIGN_OR_RETURN(code, NormalizePlatformCode(req.platform_code()));
  }
  return runner_.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(std::optional<v1::Partner> existing, partners_.Get(tx, id));
    v1::Partner partner;
    if (existing) {
      if (existing->state() != v1::Partner::PENDING) {
        return absl::FailedPreconditionError(
            absl::StrCat("partner ", id, " is ", v1::Partner::State_Name(existing->state()),
                         " already; an administrator changes its terms"));
      }
      partner = *existing;
      // The code is fixed once registered: links may already carry it.
      if (!req.platform_code().empty() && code != partner.platform_code()) {
        return core::InvalidField("platformCode", absl::StrCat("is \"", partner.platform_code(),
                                                               "\" for good once registered"));
      }
    } else {
      partner.set_id(id);
      partner.set_account_id(p.account_id);
      partner.set_platform_code(code);
      partner.set_state(v1::Partner::PENDING);
      core::ToProto(core::ToMicros(clock_.Now()), partner.mutable_create_time());
    }
    partner.set_display_name(req.display_name());
    partner.set_website(req.website());
    *partner.mutable_terms() = terms;
    absl::Status saved = Save(tx, partner);
    if (absl::IsAlreadyExists(saved)) {
      return absl::AlreadyExistsError(absl::StrCat("platform code \"", partner.platform_code(),
                                                   "\" is another partner's; choose another"));
    }
    QRCLOUD_RETURN_IF_ERROR(saved);
    resp = partner;
    return absl::OkStatus();
  });
}

absl::Status PartnerLogic::Approve(const rpc::CallContext& call,
                                   const v1::ApprovePartnerRequest& req, v1::Partner& resp) {
  QRCLOUD_RETURN_IF_ERROR(auth::RequireRole(call.caller(), Role::kAdmin));
  std::optional<v1::PartnerTerms> terms;
  if (req.has_terms()) {
    QRCLOUD_ASSIGN_OR_RETURN(terms, NormalizeTerms("terms", req.terms()));
  }
  return runner_.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(v1::Partner partner, Load(tx, req.id()));
    if (terms) *partner.mutable_terms() = *terms;
    partner.set_state(v1::Partner::APPROVED);
    partner.clear_suspend_reason();
    core::ToProto(core::ToMicros(clock_.Now()), partner.mutable_approve_time());
    QRCLOUD_RETURN_IF_ERROR(Save(tx, partner));
    resp = partner;
    return absl::OkStatus();
  });
}

absl::Status PartnerLogic::Suspend(const rpc::CallContext& call,
                                   const v1::SuspendPartnerRequest& req, v1::Partner& resp) {
  QRCLOUD_RETURN_IF_ERROR(auth::RequireRole(call.caller(), Role::kAdmin));
  QRCLOUD_RETURN_IF_ERROR(core::ValidateText("reason", req.reason(), 1, 256));
  return runner_.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(v1::Partner partner, Load(tx, req.id()));
    partner.set_state(v1::Partner::SUSPENDED);
    partner.set_suspend_reason(req.reason());
    QRCLOUD_RETURN_IF_ERROR(Save(tx, partner));
    resp = partner;
    return absl::OkStatus();
  });
}

absl::Status PartnerLogic::Get(const rpc::CallContext& call, const v1::GetPartnerRequest& req,
                               v1::Partner& resp) {
  QRCLOUD_ASSIGN_OR_RETURN(const std::string id, Readable(call, req.id()));
  return runner_.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(resp, Load(tx, id));
    return absl::OkStatus();
  });
}

absl::Status PartnerLogic::List(const rpc::CallContext& call, const v1::ListPartnersRequest& req,
                                v1::ListPartnersResponse& resp) {
  QRCLOUD_RETURN_IF_ERROR(auth::RequireRole(call.caller(), Role::kAdmin));
  QRCLOUD_ASSIGN_OR_RETURN(const int size, rpc::PageSize(req.page()));
  return runner_.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(std::vector<v1::Partner> partners,
                             partners_.List(tx, req.state(), req.page().page_token(), size + 1));
    if (std::string next = rpc::TakePage(partners, size); !next.empty()) {
      resp.mutable_page()->set_next_page_token(next);
    }
    for (v1::Partner& p : partners) *resp.add_partners() = std::move(p);
    return absl::OkStatus();
  });
}

absl::StatusOr<std::pair<v1::Code, std::string>> PartnerLogic::CodeToPlace(
    const v1::CreatePlacementRequest& req) {
  if (req.campaign_id().empty() == req.code_id().empty()) {
    return core::InvalidField("campaignId", "give exactly one of campaignId or codeId");
  }
  std::string title;
  std::string code_id = req.code_id();
  if (!req.campaign_id().empty()) {
    absl::StatusOr<v1::Campaign> campaign = codes_.GetCampaign(req.campaign_id());
    if (absl::IsNotFound(campaign.status()) ||
        (campaign.ok() && campaign->state() != v1::Campaign::PUBLISHED)) {
      return core::InvalidField(
          "campaignId", absl::StrCat("no published campaign ", req.campaign_id().substr(0, 40)));
    }
    QRCLOUD_RETURN_IF_ERROR(campaign.status());
    if (campaign->code_id().empty()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "campaign ", campaign->id(), " has no code yet; the center makes it on publication"));
    }
    title = campaign->title();
    code_id = campaign->code_id();
  }
  absl::StatusOr<v1::Code> code = codes_.GetCode(code_id);
  if (absl::IsNotFound(code.status())) {
    return core::InvalidField("codeId", absl::StrCat("no code ", code_id.substr(0, 40)));
  }
  QRCLOUD_RETURN_IF_ERROR(code.status());
  if (!code->payload().empty()) {
    return core::InvalidField("codeId",
                              "is a payload code (text, Wi-Fi): it holds no link, so its scans "
                              "reach nobody and cannot be counted");
  }
  if (code->state() != v1::Code::ACTIVE) {
    return core::InvalidField("codeId", absl::StrCat("is ", v1::Code::State_Name(code->state()),
                                                     "; only an active code is placed"));
  }
  if (title.empty()) title = code->label();
  return std::make_pair(*std::move(code), title);
}

absl::Status PartnerLogic::CreatePlacement(const rpc::CallContext& call,
                                           const v1::CreatePlacementRequest& req,
                                           v1::Placement& resp) {
  QRCLOUD_ASSIGN_OR_RETURN(const std::string partner_id, Readable(call, req.partner_id()));
  if (req.channel() != v1::Placement::WEB && req.channel() != v1::Placement::PRINT) {
    return core::InvalidField("channel", "is WEB (web pages) or PRINT (printed media)");
  }
  QRCLOUD_RETURN_IF_ERROR(runner_.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(v1::Partner partner, Load(tx, partner_id));
    return CheckMayPlace(partner);
  }));
  // The center is asked outside the unit: no lock waits on the network.
  QRCLOUD_ASSIGN_OR_RETURN(auto code_and_title, CodeToPlace(req));
  const v1::Code& code = code_and_title.first;
  return runner_.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(v1::Partner partner, Load(tx, partner_id));
    QRCLOUD_RETURN_IF_ERROR(CheckMayPlace(partner));
    QRCLOUD_ASSIGN_OR_RETURN(std::optional<v1::Placement> existing,
                             placements_.Find(tx, partner_id, code.id()));
    if (existing) {
      return absl::AlreadyExistsError(
          absl::StrCat("placement ", existing->id(),
                       " puts this code on your channels already; its link, "
                       "image and sticker serve web and print alike"));
    }
    v1::Placement placement;
    placement.set_id(core::NewId());
    placement.set_partner_id(partner_id);
    placement.set_campaign_id(req.campaign_id().empty() ? code.campaign_id() : req.campaign_id());
    placement.set_code_id(code.id());
    placement.set_merchant_id(code.merchant_id());
    placement.set_channel(req.channel());
    placement.set_platform_code(partner.platform_code());
    placement.set_short_url(PlacementLink(code.short_url(), partner.platform_code()));
    placement.set_image_url(
        absl::StrCat("/v1/partners/", partner_id, "/placements/", placement.id(), "/image"));
    placement.set_title(code_and_title.second);
    core::ToProto(core::ToMicros(clock_.Now()), placement.mutable_create_time());
    QRCLOUD_RETURN_IF_ERROR(placements_.Insert(tx, placement));
    resp = placement;
    return absl::OkStatus();
  });
}

absl::StatusOr<v1::Placement> PartnerLogic::LoadPlacement(const rpc::CallContext& call,
                                                          absl::string_view partner_id,
                                                          absl::string_view id) {
  QRCLOUD_ASSIGN_OR_RETURN(const std::string pid, Readable(call, partner_id));
  if (!core::IsValidId(id)) return PlacementNotFound(id);
  std::optional<v1::Placement> placement;
  QRCLOUD_RETURN_IF_ERROR(runner_.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(placement, placements_.Get(tx, id));
    return absl::OkStatus();
  }));
  // Another partner's placement reads as none at all.
  if (!placement || placement->partner_id() != pid) return PlacementNotFound(id);
  return *placement;
}

absl::Status PartnerLogic::GetPlacement(const rpc::CallContext& call,
                                        const v1::GetPlacementRequest& req, v1::Placement& resp) {
  QRCLOUD_ASSIGN_OR_RETURN(resp, LoadPlacement(call, req.partner_id(), req.id()));
  return absl::OkStatus();
}

absl::Status PartnerLogic::ListPlacements(const rpc::CallContext& call,
                                          const v1::ListPlacementsRequest& req,
                                          v1::ListPlacementsResponse& resp) {
  QRCLOUD_ASSIGN_OR_RETURN(const std::string partner_id, Readable(call, req.partner_id()));
  QRCLOUD_ASSIGN_OR_RETURN(const int size, rpc::PageSize(req.page()));
  return runner_.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_RETURN_IF_ERROR(Load(tx, partner_id).status());
    QRCLOUD_ASSIGN_OR_RETURN(
        std::vector<v1::Placement> placements,
        placements_.OfPartner(tx, partner_id, req.page().page_token(), size + 1));
    if (std::string next = rpc::TakePage(placements, size); !next.empty()) {
      resp.mutable_page()->set_next_page_token(next);
    }
    for (v1::Placement& p : placements) *resp.add_placements() = std::move(p);
    return absl::OkStatus();
  });
}

absl::Status PartnerLogic::GetImage(const rpc::CallContext& call,
                                    const v1::GetPlacementImageRequest& req,
                                    google::api::HttpBody& resp) {
  QRCLOUD_ASSIGN_OR_RETURN(v1::Placement placement,
                           LoadPlacement(call, req.partner_id(), req.id()));
  const bool print = placement.channel() == v1::Placement::PRINT;
  v1::GetCodeImageRequest image;
  image.set_id(placement.code_id());
  image.set_platform_code(placement.platform_code());
  image.set_format(req.format().empty() ? (print ? "pdf" : "png") : req.format());
  image.set_style(req.style().empty() ? (print ? "sticker" : "plain") : req.style());
  image.set_size(req.size());
  image.set_lang(req.lang());
  if (image.style() == "sticker") image.set_caption(placement.title());
  QRCLOUD_ASSIGN_OR_RETURN(resp, codes_.Image(image));
  return absl::OkStatus();
}

absl::Status PartnerLogic::GetEmbed(const rpc::CallContext& call, const v1::GetEmbedRequest& req,
                                    v1::Embed& resp) {
  QRCLOUD_ASSIGN_OR_RETURN(v1::Placement placement,
                           LoadPlacement(call, req.partner_id(), req.id()));
  v1::GetCodeImageRequest image;
  image.set_id(placement.code_id());
  image.set_platform_code(placement.platform_code());
  image.set_format("png");
  image.set_size(400);  // drawn at twice the snippet's 200 px, for sharp screens
  QRCLOUD_ASSIGN_OR_RETURN(google::api::HttpBody png, codes_.Image(image));
  resp.set_html(EmbedHtml(placement.short_url(), png.data(), placement.title()));
  resp.set_image_url(placement.image_url());
  resp.set_short_url(placement.short_url());
  return absl::OkStatus();
}

absl::StatusOr<std::vector<DayCounts>> PartnerLogic::DaysOf(absl::string_view partner_id,
                                                            const Period& period) {
  std::vector<DayCounts> days;
  const absl::Status read = runner_.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_RETURN_IF_ERROR(Load(tx, partner_id).status());
    QRCLOUD_ASSIGN_OR_RETURN(days,
                             traffic_.Days(tx, partner_id, DayOf(period.start), DayOf(period.end)));
    return absl::OkStatus();
  });
  QRCLOUD_RETURN_IF_ERROR(read);
  return days;
}

absl::Status PartnerLogic::Stats(const rpc::CallContext& call,
                                 const v1::GetPartnerStatsRequest& req, v1::PartnerStats& resp) {
  QRCLOUD_ASSIGN_OR_RETURN(const std::string id, Readable(call, req.id()));
  QRCLOUD_ASSIGN_OR_RETURN(const Period period, ParsePeriod(req.period(), clock_.Now()));
  QRCLOUD_ASSIGN_OR_RETURN(std::vector<DayCounts> days, DaysOf(id, period));
  resp.set_partner_id(id);
  resp.set_period(period.name);
  std::string currency = kDefaultCurrency;
  int64_t revenue = 0;
  for (const DayCounts& d : days) {
    if (!d.currency.empty()) currency = d.currency;
    resp.set_scans(resp.scans() + d.scans);
    resp.set_valid_scans(resp.valid_scans() + d.valid_scans);
    resp.set_orders(resp.orders() + d.orders);
    revenue += d.revenue_minor;
    v1::PartnerStats::Day& day = *resp.add_days();
    day.set_placement_id(d.placement_id);
    day.set_day(d.day);
    day.set_scans(d.scans);
    day.set_valid_scans(d.valid_scans);
    day.set_orders(d.orders);
    *day.mutable_revenue() = Amount(d.currency.empty() ? currency : d.currency, d.revenue_minor);
  }
  *resp.mutable_revenue() = Amount(currency, revenue);
  return absl::OkStatus();
}

absl::Status PartnerLogic::Statements(const rpc::CallContext& call,
                                      const v1::ListPartnerStatementsRequest& req,
                                      v1::ListPartnerStatementsResponse& resp) {
  QRCLOUD_ASSIGN_OR_RETURN(const std::string id, Readable(call, req.id()));
  QRCLOUD_ASSIGN_OR_RETURN(const Period period, ParsePeriod(req.period(), clock_.Now()));
  QRCLOUD_ASSIGN_OR_RETURN(std::vector<DayCounts> days, DaysOf(id, period));
  v1::PartnerStatement& s = *resp.add_statements();
  s.set_id(absl::StrCat(id, ":", period.name));
  s.set_period(period.name);
  std::string currency = kDefaultCurrency;
  int64_t earned = 0;
  for (const DayCounts& d : days) {
    if (!d.currency.empty()) currency = d.currency;
    s.set_valid_scans(s.valid_scans() + d.valid_scans);
    s.set_orders(s.orders() + d.orders);
    earned += d.earned_minor;
  }
  *s.mutable_earned() = Amount(currency, earned);
  resp.set_statements_url(
      absl::StrCat("/v1/statements?party=partner:", id, "&period=", period.name));
  return absl::OkStatus();
}

}  // namespace qrcloud::partner
