#include "services/center/merchant_service.h"

#include <google/protobuf/util/json_util.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/auth/access.h"
#include "libs/core/credit_code.h"
#include "libs/core/status.h"
#include "libs/core/validate.h"
#include "services/center/merchant_stats.h"

namespace qrcloud::center {
namespace {

using auth::Access;
using store::Value;

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 200;

// The profile fields a merchant edits with UpdateMerchant, and their checks.
struct EditableField {
  absl::string_view path;  // as in update_mask
  absl::Status (*validate)(const v1::Merchant&);
  std::string (*value)(const v1::Merchant&);
};

const EditableField kEditable[] = {
    {"display_name",
     [](const v1::Merchant& m) {
       return core::ValidateText("displayName", m.display_name(), 1, 64);
     },
     [](const v1::Merchant& m) {
       return std::string(absl::StripAsciiWhitespace(m.display_name()));
     }},
    {"description",
     [](const v1::Merchant& m) {
       return core::ValidateText("description", m.description(), 0, 2000);
     },
     [](const v1::Merchant& m) { return m.description(); }},
    {"contact_phone",
     [](const v1::Merchant& m) {
       return m.contact_phone().empty() ? absl::OkStatus()
                                        : core::ValidatePhone("contactPhone", m.contact_phone());
     },
     [](const v1::Merchant& m) { return m.contact_phone(); }},
    {"contact_email",
     [](const v1::Merchant& m) {
       return m.contact_email().empty() ? absl::OkStatus()
                                        : core::ValidateEmail("contactEmail", m.contact_email());
     },
     [](const v1::Merchant& m) { return m.contact_email(); }},
    {"website_url",
     [](const v1::Merchant& m) {
       return m.website_url().empty() ? absl::OkStatus()
                                      : core::ValidateWebUrl("websiteUrl", m.website_url());
     },
     [](const v1::Merchant& m) { return m.website_url(); }},
};

const EditableField* FindEditable(absl::string_view path) {
  for (const auto& f : kEditable) {
    if (f.path == path) return &f;
  }
  return nullptr;
}

std::string EditableList() {
  std::vector<std::string> names;
  for (const auto& f : kEditable) names.push_back(core::JsonFieldName(f.path));
  return absl::StrJoin(names, ", ");
}

}  // namespace

absl::Status MerchantLogic::Get(const rpc::CallContext& call, const v1::GetMerchantRequest& req,
                                v1::Merchant& resp) {
  QRCLOUD_RETURN_IF_ERROR(auth::CheckMerchantAccess(call.caller(), req.id(), Access::kRead));
  QRCLOUD_ASSIGN_OR_RETURN(resp, merchants_.Get(req.id()));
  return absl::OkStatus();
}

absl::Status MerchantLogic::Update(const rpc::CallContext& call,
                                   const v1::UpdateMerchantRequest& req, v1::Merchant& resp) {
  QRCLOUD_RETURN_IF_ERROR(auth::CheckMerchantAccess(call.caller(), req.id(), Access::kWrite));
  if (req.update_mask().paths().empty()) {
    return core::InvalidField("updateMask",
                              absl::StrCat("name the fields to change: ", EditableList()));
  }
  std::vector<std::pair<std::string, Value>> columns;
  for (const std::string& path : req.update_mask().paths()) {
    const EditableField* field = FindEditable(path);
    if (field == nullptr) {
      return core::InvalidField(
          "updateMask", absl::StrCat("\"", core::JsonFieldName(path), "\" cannot be changed here; ",
                                     "these can: ", EditableList()));
    }
    QRCLOUD_RETURN_IF_ERROR(field->validate(req.merchant()));
    columns.emplace_back(std::string(field->path), field->value(req.merchant()));
  }
  return merchants_.mysql().Transaction([&](store::Connection& conn) -> absl::Status {
    QRCLOUD_RETURN_IF_ERROR(merchants_.Update(conn, req.id(), columns));
    QRCLOUD_ASSIGN_OR_RETURN(resp, merchants_.Get(conn, req.id()));
    return absl::OkStatus();
  });
}

absl::Status MerchantLogic::SubmitQualification(const rpc::CallContext& call,
                                                const v1::SubmitQualificationRequest& req,
                                                v1::SubmitQualificationResponse& resp) {
  QRCLOUD_RETURN_IF_ERROR(auth::CheckMerchantAccess(call.caller(), req.id(), Access::kWrite));
  QRCLOUD_RETURN_IF_ERROR(core::ValidateCreditCode(req.license_number(), "licenseNumber"));
  const std::string legal_name(absl::StripAsciiWhitespace(req.legal_name()));
  QRCLOUD_RETURN_IF_ERROR(core::ValidateText("legalName", legal_name, 1, 128));
  const std::string license = core::NormalizeCreditCode(req.license_number());

  QRCLOUD_RETURN_IF_ERROR(
      merchants_.mysql().Transaction([&](store::Connection& conn) -> absl::Status {
        QRCLOUD_ASSIGN_OR_RETURN(v1::Merchant current,
                                 merchants_.Get(conn, req.id(), /*for_update=*/true));
        if (current.qualification().state() == v1::Qualification::APPROVED) {
          return absl::FailedPreconditionError(
              "the qualification is already approved; a change of licence goes through support");
        }
        const absl::Time now = clock_.Now();
        QRCLOUD_RETURN_IF_ERROR(
            merchants_.Update(conn, req.id(),
                              {{"qualification_state", std::string("PENDING_AUDIT")},
                               {"license_number", license},
                               {"legal_name", legal_name},
                               {"qualification_reasons", nullptr},
                               {"qualification_submitted_at", now},
                               {"qualification_decided_at", nullptr}}));
        QRCLOUD_ASSIGN_OR_RETURN(*resp.mutable_merchant(), merchants_.Get(conn, req.id()));
        // The audit service picks this up from the `audit` stream; the event id
        // names the submission its decision must answer.
        std::string data;
        (void)google::protobuf::util::MessageToJsonString(resp.merchant(), &data);
        QRCLOUD_ASSIGN_OR_RETURN(
            std::string submission,
            store::AppendToOutbox(conn, {"audit", "qualification.submitted", data}));
        return merchants_.Update(conn, req.id(), {{"qualification_submission_id", submission}});
      }));
  if (relay_ != nullptr) relay_->Nudge();
  return absl::OkStatus();
}

absl::Status MerchantLogic::SetLocation(const rpc::CallContext& call,
                                        const v1::SetLocationRequest& req,
                                        v1::SetLocationResponse& resp) {
  QRCLOUD_RETURN_IF_ERROR(auth::CheckMerchantAccess(call.caller(), req.id(), Access::kWrite));
  if (!req.has_location()) {
    return core::InvalidField("location", "is required: {\"lat\": <degrees>, \"lng\": <degrees>}");
  }
  QRCLOUD_RETURN_IF_ERROR(
      core::ValidateLatLng("location", req.location().lat(), req.location().lng()));
  QRCLOUD_RETURN_IF_ERROR(core::ValidateText("address", req.address(), 0, 256));
  return merchants_.mysql().Transaction([&](store::Connection& conn) -> absl::Status {
    QRCLOUD_RETURN_IF_ERROR(merchants_.Update(conn, req.id(),
                                              {{"lat", req.location().lat()},
                                               {"lng", req.location().lng()},
                                               {"address", req.address()}}));
    QRCLOUD_ASSIGN_OR_RETURN(*resp.mutable_merchant(), merchants_.Get(conn, req.id()));
    return absl::OkStatus();
  });
}

absl::Status MerchantLogic::List(const rpc::CallContext& call, const v1::ListMerchantsRequest& req,
                                 v1::ListMerchantsResponse& resp) {
  QRCLOUD_RETURN_IF_ERROR(
      auth::RequireAnyRole(call.caller(), {auth::Role::kAuditor, auth::Role::kAdmin}));
  int size = req.page().page_size();
  if (size < 0 || size > kMaxPageSize) {
    return core::InvalidField("page.pageSize", absl::StrCat("must be 1 to ", kMaxPageSize));
  }
  if (size == 0) size = kDefaultPageSize;
  const std::string state = req.qualification_state() == v1::Qualification::STATE_UNSPECIFIED
                                ? ""
                                : v1::Qualification::State_Name(req.qualification_state());
  QRCLOUD_ASSIGN_OR_RETURN(auto merchants,
                           merchants_.List(state, req.page().page_token(), size + 1));
  const bool more = static_cast<int>(merchants.size()) > size;
  if (more) merchants.pop_back();
  for (auto& m : merchants) *resp.add_merchants() = std::move(m);
  if (more) resp.mutable_page()->set_next_page_token(resp.merchants().rbegin()->id());
  return absl::OkStatus();
}

absl::Status MerchantLogic::SetBusinessSwitches(const rpc::CallContext& call,
                                                const v1::SetBusinessSwitchesRequest& req,
                                                v1::Merchant& resp) {
  // The owner (role merchant) or an administrator; staff may not.
  QRCLOUD_RETURN_IF_ERROR(auth::CheckMerchantAccess(call.caller(), req.id(), Access::kWrite));
  QRCLOUD_RETURN_IF_ERROR(auth::RequireRole(call.caller(), auth::Role::kMerchant));
  bool asked = false;
  QRCLOUD_RETURN_IF_ERROR(
      merchants_.mysql().Transaction([&](store::Connection& conn) -> absl::Status {
        asked = false;
        QRCLOUD_ASSIGN_OR_RETURN(v1::Merchant current,
                                 merchants_.Get(conn, req.id(), /*for_update=*/true));
        std::vector<std::pair<std::string, store::Value>> columns = {
            {"cloud_business_enabled", req.cloud_business_enabled()}};
        if (!req.landing_business_enabled()) {
          // Off at once; a pending request is withdrawn (its decision will find
          // nothing to apply).
          columns.push_back({"landing_business_enabled", false});
          if (current.landing_review().state() == v1::LandingReview::PENDING_AUDIT) {
            columns.push_back({"landing_review_state", std::string("NONE")});
            columns.push_back({"landing_submission_id", nullptr});
          }
        } else if (!current.landing_business_enabled() &&
                   current.landing_review().state() != v1::LandingReview::PENDING_AUDIT) {
          if (current.qualification().state() != v1::Qualification::APPROVED) {
            return absl::FailedPreconditionError(
                "landing business needs an approved qualification first (POST "
                "/v1/merchants/{id}/qualification)");
          }
          // On only through audit: ask, and stay off until approved.
          columns.push_back({"landing_review_state", std::string("PENDING_AUDIT")});
          columns.push_back({"landing_review_reasons", nullptr});
          columns.push_back({"landing_submitted_at", clock_.Now()});
          columns.push_back({"landing_decided_at", nullptr});
          asked = true;
        }
        QRCLOUD_RETURN_IF_ERROR(merchants_.Update(conn, req.id(), columns));
        QRCLOUD_ASSIGN_OR_RETURN(resp, merchants_.Get(conn, req.id()));
        if (!asked) return absl::OkStatus();
        std::string data;
        (void)google::protobuf::util::MessageToJsonString(resp, &data);
        QRCLOUD_ASSIGN_OR_RETURN(std::string submission,
                                 store::AppendToOutbox(conn, {"audit", "landing.requested", data}));
        return merchants_.Update(conn, req.id(), {{"landing_submission_id", submission}});
      }));
  if (asked && relay_ != nullptr) relay_->Nudge();
  return absl::OkStatus();
}

// Both audited requests of a merchant (its qualification, landing business)
// are decided the same way; `Decided` names the request's columns.
struct MerchantLogic::Decided {
  absl::string_view what;          // for the error, e.g. "qualification"
  absl::string_view prefix;        // "qualification" or "landing": the columns' prefix
  absl::string_view state_column;  // "<prefix>_state" or "landing_review_state"
  absl::string_view reasons_column;
  bool (*pending)(const v1::Merchant&);
  std::vector<std::pair<std::string, store::Value>> on_decision;  // extra columns to set
};

absl::Status MerchantLogic::RecordDecision(const rpc::CallContext& call,
                                           const v1::AuditDecision& req, const Decided& d,
                                           v1::Merchant& resp) {
  QRCLOUD_RETURN_IF_ERROR(auth::RequireRole(call.caller(), auth::Role::kAuditor));
  if (!req.approve() && req.reasons().empty()) {
    return core::InvalidField("reasons", "a rejection needs at least one reason");
  }
  return merchants_.mysql().Transaction([&](store::Connection& conn) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(v1::Merchant current,
                             merchants_.Get(conn, req.subject_id(), /*for_update=*/true));
    QRCLOUD_ASSIGN_OR_RETURN(
        store::Row row,
        conn.QueryOne(
            absl::StrCat("SELECT ", d.prefix, "_submission_id AS s FROM merchants WHERE id = ?"),
            {req.subject_id()}));
    if (!d.pending(current) || row.String("s") != req.submission_id()) {
      // A decision on a request since replaced or withdrawn changes nothing.
      return absl::FailedPreconditionError(absl::StrCat("submission ", req.submission_id(),
                                                        " is not the merchant's pending ", d.what));
    }
    std::string reasons;
    for (const auto& r : req.reasons()) absl::StrAppend(&reasons, reasons.empty() ? "" : "\n", r);
    std::vector<std::pair<std::string, store::Value>> columns = {
        {std::string(d.state_column), std::string(req.approve() ? "APPROVED" : "REJECTED")},
        {std::string(d.reasons_column),
         req.approve() ? store::Value(nullptr) : store::Value(reasons)},
        {absl::StrCat(d.prefix, "_decided_at"), clock_.Now()}};
    columns.insert(columns.end(), d.on_decision.begin(), d.on_decision.end());
    QRCLOUD_RETURN_IF_ERROR(merchants_.Update(conn, req.subject_id(), columns));
    QRCLOUD_ASSIGN_OR_RETURN(resp, merchants_.Get(conn, req.subject_id()));
    return absl::OkStatus();
  });
}

absl::Status MerchantLogic::RecordLandingDecision(const rpc::CallContext& call,
                                                  const v1::AuditDecision& req,
                                                  v1::Merchant& resp) {
  const Decided landing{"request for landing business",
                        "landing",
                        "landing_review_state",
                        "landing_review_reasons",
                        [](const v1::Merchant& m) {
                          return m.landing_review().state() == v1::LandingReview::PENDING_AUDIT;
                        },
                        {{"landing_business_enabled", req.approve()}}};
  return RecordDecision(call, req, landing, resp);
}

absl::Status MerchantLogic::RecordQualificationDecision(const rpc::CallContext& call,
                                                        const v1::AuditDecision& req,
                                                        v1::Merchant& resp) {
  const Decided qualification{"qualification",
                              "qualification",
                              "qualification_state",
                              "qualification_reasons",
                              [](const v1::Merchant& m) {
                                return m.qualification().state() ==
                                       v1::Qualification::PENDING_AUDIT;
                              },
                              {}};
  return RecordDecision(call, req, qualification, resp);
}

absl::Status MerchantLogic::Stats(const rpc::CallContext& call,
                                  const v1::GetMerchantStatsRequest& req,
                                  v1::GetMerchantStatsResponse& resp) {
  QRCLOUD_RETURN_IF_ERROR(auth::CheckMerchantAccess(call.caller(), req.id(), Access::kRead));
  if (redis_ == nullptr) return absl::InternalError("statistics need Redis");
  QRCLOUD_ASSIGN_OR_RETURN(resp, MerchantStats(merchants_.mysql(), *redis_, req, clock_));
  return absl::OkStatus();
}

// gRPC adapters -------------------------------------------------------------

using rpc::CallContext;

grpc::ServerUnaryReactor* MerchantServiceImpl::GetMerchant(grpc::CallbackServerContext* ctx,
                                                           const v1::GetMerchantRequest* req,
                                                           v1::Merchant* resp) {
  return dispatcher_.Unary(ctx, "GetMerchant", req, resp,
                           [=, this](const CallContext& c) { return logic_.Get(c, *req, *resp); });
}

grpc::ServerUnaryReactor* MerchantServiceImpl::UpdateMerchant(grpc::CallbackServerContext* ctx,
                                                              const v1::UpdateMerchantRequest* req,
                                                              v1::Merchant* resp) {
  return dispatcher_.Unary(ctx, "UpdateMerchant", req, resp, [=, this](const CallContext& c) {
    return logic_.Update(c, *req, *resp);
  });
}

grpc::ServerUnaryReactor* MerchantServiceImpl::SubmitQualification(
    grpc::CallbackServerContext* ctx, const v1::SubmitQualificationRequest* req,
    v1::SubmitQualificationResponse* resp) {
  return dispatcher_.Unary(ctx, "SubmitQualification", req, resp, [=, this](const CallContext& c) {
    return logic_.SubmitQualification(c, *req, *resp);
  });
}

grpc::ServerUnaryReactor* MerchantServiceImpl::SetLocation(grpc::CallbackServerContext* ctx,
                                                           const v1::SetLocationRequest* req,
                                                           v1::SetLocationResponse* resp) {
  return dispatcher_.Unary(ctx, "SetLocation", req, resp, [=, this](const CallContext& c) {
    return logic_.SetLocation(c, *req, *resp);
  });
}

grpc::ServerUnaryReactor* MerchantServiceImpl::ListMerchants(grpc::CallbackServerContext* ctx,
                                                             const v1::ListMerchantsRequest* req,
                                                             v1::ListMerchantsResponse* resp) {
  return dispatcher_.Unary(ctx, "ListMerchants", req, resp,
                           [=, this](const CallContext& c) { return logic_.List(c, *req, *resp); });
}

grpc::ServerUnaryReactor* MerchantServiceImpl::GetMerchantStats(
    grpc::CallbackServerContext* ctx, const v1::GetMerchantStatsRequest* req,
    v1::GetMerchantStatsResponse* resp) {
  return dispatcher_.Unary(ctx, "GetMerchantStats", req, resp, [=, this](const CallContext& c) {
    return logic_.Stats(c, *req, *resp);
  });
}

grpc::ServerUnaryReactor* MerchantServiceImpl::RecordQualificationDecision(
    grpc::CallbackServerContext* ctx, const v1::AuditDecision* req, v1::Merchant* resp) {
  return dispatcher_.Unary(ctx, "RecordQualificationDecision", req, resp,
                           [=, this](const CallContext& c) {
                             return logic_.RecordQualificationDecision(c, *req, *resp);
                           });
}

grpc::ServerUnaryReactor* MerchantServiceImpl::SetBusinessSwitches(
    grpc::CallbackServerContext* ctx, const v1::SetBusinessSwitchesRequest* req,
    v1::Merchant* resp) {
  return dispatcher_.Unary(ctx, "SetBusinessSwitches", req, resp, [=, this](const CallContext& c) {
    return logic_.SetBusinessSwitches(c, *req, *resp);
  });
}

grpc::ServerUnaryReactor* MerchantServiceImpl::RecordLandingDecision(
    grpc::CallbackServerContext* ctx, const v1::AuditDecision* req, v1::Merchant* resp) {
  return dispatcher_.Unary(
      ctx, "RecordLandingDecision", req, resp,
      [=, this](const CallContext& c) { return logic_.RecordLandingDecision(c, *req, *resp); });
}

}  // namespace qrcloud::center
