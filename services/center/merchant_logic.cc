#include "services/center/merchant_logic.h"

#include <google/protobuf/util/json_util.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/auth/access.h"
#include "libs/core/credit_code.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"
#include "libs/core/validate.h"
#include "libs/rpc/paging.h"

namespace qrcloud::center {
namespace {

using auth::Access;

// The profile fields a merchant edits with UpdateMerchant, their checks, and
// how an edit is applied.
struct EditableField {
  absl::string_view path;  // as in update_mask
  absl::Status (*validate)(const v1::Merchant&);
  void (*apply)(const v1::Merchant& from, v1::Merchant& to);
};

const EditableField kEditable[] = {
    {"display_name",
     [](const v1::Merchant& m) {
       return core::ValidateText("displayName", m.display_name(), 1, 64);
     },
     [](const v1::Merchant& from, v1::Merchant& to) {
       to.set_display_name(std::string(absl::StripAsciiWhitespace(from.display_name())));
     }},
    {"description",
     [](const v1::Merchant& m) {
       return core::ValidateText("description", m.description(), 0, 2000);
     },
     [](const v1::Merchant& from, v1::Merchant& to) { to.set_description(from.description()); }},
    {"contact_phone",
     [](const v1::Merchant& m) {
       return m.contact_phone().empty() ? absl::OkStatus()
                                        : core::ValidatePhone("contactPhone", m.contact_phone());
     },
     [](const v1::Merchant& from, v1::Merchant& to) {
       to.set_contact_phone(from.contact_phone());
     }},
    {"contact_email",
     [](const v1::Merchant& m) {
       return m.contact_email().empty() ? absl::OkStatus()
                                        : core::ValidateEmail("contactEmail", m.contact_email());
     },
     [](const v1::Merchant& from, v1::Merchant& to) {
       to.set_contact_email(from.contact_email());
     }},
    {"website_url",
     [](const v1::Merchant& m) {
       return m.website_url().empty() ? absl::OkStatus()
                                      : core::ValidateWebUrl("websiteUrl", m.website_url());
     },
     [](const v1::Merchant& from, v1::Merchant& to) { to.set_website_url(from.website_url()); }},
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

// What the public pages show of `m`, and the same written back.
v1::ProfileEdit EditOf(const v1::Merchant& m) {
  v1::ProfileEdit e;
  e.set_display_name(m.display_name());
  e.set_description(m.description());
  e.set_contact_phone(m.contact_phone());
  e.set_contact_email(m.contact_email());
  e.set_website_url(m.website_url());
  return e;
}

void ApplyEdit(const v1::ProfileEdit& e, v1::Merchant& m) {
  m.set_display_name(e.display_name());
  m.set_description(e.description());
  m.set_contact_phone(e.contact_phone());
  m.set_contact_email(e.contact_email());
  m.set_website_url(e.website_url());
}

bool SameEdit(const v1::ProfileEdit& a, const v1::ProfileEdit& b) {
  return a.SerializeAsString() == b.SerializeAsString();
}

// Once a merchant has asked to be qualified, what its pages show is
// audited: at the qualification, and for every edit after it.
bool ProfileIsAudited(const v1::Merchant& m) {
  const auto state = m.qualification().state();
  return state == v1::Qualification::PENDING_AUDIT || state == v1::Qualification::APPROVED;
}

template <typename Request>
void Decide(Request* request, const v1::AuditDecision& decision, absl::Time now) {
  request->set_state(decision.approve() ? Request::APPROVED : Request::REJECTED);
  request->clear_reasons();
  if (!decision.approve()) {
    for (const auto& r : decision.reasons()) request->add_reasons(r);
  }
  core::ToProto(now, request->mutable_decide_time());
}

absl::Status NotPending(const v1::AuditDecision& decision, absl::string_view what) {
  // A decision on a request since replaced or withdrawn changes nothing.
  return absl::FailedPreconditionError(absl::StrCat("submission ", decision.submission_id(),
                                                    " is not the merchant's pending ", what));
}

// What search shows of a merchant beside its campaigns.
bool PublicFaceDiffers(const v1::Merchant& a, const v1::Merchant& b) {
  return a.display_name() != b.display_name() || a.has_location() != b.has_location() ||
         a.location().lat() != b.location().lat() || a.location().lng() != b.location().lng();
}

absl::Status CheckDecision(const rpc::CallContext& call, const v1::AuditDecision& req) {
  QRCLOUD_RETURN_IF_ERROR(auth::RequireRole(call.caller(), auth::Role::kAuditor));
  if (!req.approve() && req.reasons().empty()) {
    return core::InvalidField("reasons", "a rejection needs at least one reason");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status MerchantLogic::Get(const rpc::CallContext& call, const v1::GetMerchantRequest& req,
                                v1::Merchant& resp) {
  QRCLOUD_RETURN_IF_ERROR(auth::CheckMerchantAccess(call.caller(), req.id(), Access::kRead));
  QRCLOUD_ASSIGN_OR_RETURN(resp, merchants_.Get(req.id()));
  return absl::OkStatus();
}

absl::Status MerchantLogic::Change(
    absl::string_view id, const std::function<absl::Status(store::Tx&, MerchantRecord&)>& change,
    v1::Merchant& resp) {
  bool followed = false;
  const absl::Status done = runner_.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(MerchantRecord rec, merchants_.Get(tx, id, /*for_update=*/true));
    const v1::Merchant before = rec.merchant;
    QRCLOUD_RETURN_IF_ERROR(change(tx, rec));
    QRCLOUD_RETURN_IF_ERROR(merchants_.Save(tx, rec));
    QRCLOUD_ASSIGN_OR_RETURN(MerchantRecord saved, merchants_.Get(tx, id, /*for_update=*/false));
    if (follower_ != nullptr && PublicFaceDiffers(before, saved.merchant)) {
      QRCLOUD_RETURN_IF_ERROR(follower_->PublicFaceChanged(tx, saved.merchant));
      followed = true;
    }
    resp = std::move(saved.merchant);
    return absl::OkStatus();
  });
  if (done.ok() && followed) follower_->Committed();
  return done;
}

absl::StatusOr<std::string> MerchantLogic::SendToAudit(store::Tx& tx, const v1::Merchant& m,
                                                       absl::string_view type) {
  // The audit service picks this up from the `audit` stream; the event id
  // names the submission its decision must answer.
  std::string data;
  (void)google::protobuf::util::MessageToJsonString(m, &data);
  return tx.AppendEvent({"audit", std::string(type), data});
}

absl::Status MerchantLogic::Update(const rpc::CallContext& call,
                                   const v1::UpdateMerchantRequest& req, v1::Merchant& resp) {
  QRCLOUD_RETURN_IF_ERROR(auth::CheckMerchantAccess(call.caller(), req.id(), Access::kWrite));
  if (req.update_mask().paths().empty()) {
    return core::InvalidField("updateMask",
                              absl::StrCat("name the fields to change: ", EditableList()));
  }
  std::vector<const EditableField*> fields;
  for (const std::string& path : req.update_mask().paths()) {
    const EditableField* field = FindEditable(path);
    if (field == nullptr) {
      return core::InvalidField(
          "updateMask", absl::StrCat("\"", core::JsonFieldName(path), "\" cannot be changed here; ",
                                     "these can: ", EditableList()));
    }
    QRCLOUD_RETURN_IF_ERROR(field->validate(req.merchant()));
    fields.push_back(field);
  }
  return Change(
      req.id(),
      [&](store::Tx& tx, MerchantRecord& rec) -> absl::Status {
        if (!ProfileIsAudited(rec.merchant)) {
          for (const EditableField* f : fields) f->apply(req.merchant(), rec.merchant);
          return absl::OkStatus();
        }
        // The edit waits for audit, on top of any edit already waiting; the
        // pages keep the approved profile meanwhile.
        v1::ProfileReview& review = *rec.merchant.mutable_profile_review();
        const bool waiting = review.state() == v1::ProfileReview::PENDING_AUDIT;
        v1::Merchant view = rec.merchant;
        if (waiting) ApplyEdit(review.proposed(), view);
        for (const EditableField* f : fields) f->apply(req.merchant(), view);
        const v1::ProfileEdit edit = EditOf(view);
        if (!waiting && SameEdit(edit, EditOf(rec.merchant))) return absl::OkStatus();
        review.set_state(v1::ProfileReview::PENDING_AUDIT);
        review.clear_reasons();
        *review.mutable_proposed() = edit;
        core::ToProto(core::ToMicros(clock_.Now()), review.mutable_submit_time());
        review.clear_decide_time();
        // The audit judges the merchant as its pages would show it.
        view.clear_profile_review();
        QRCLOUD_ASSIGN_OR_RETURN(rec.profile_submission_id,
                                 SendToAudit(tx, view, "profile.submitted"));
        return absl::OkStatus();
      },
      resp);
}

absl::Status MerchantLogic::SubmitQualification(const rpc::CallContext& call,
                                                const v1::SubmitQualificationRequest& req,
                                                v1::SubmitQualificationResponse& resp) {
  QRCLOUD_RETURN_IF_ERROR(auth::CheckMerchantAccess(call.caller(), req.id(), Access::kWrite));
  QRCLOUD_RETURN_IF_ERROR(core::ValidateCreditCode(req.license_number(), "licenseNumber"));
  const std::string legal_name(absl::StripAsciiWhitespace(req.legal_name()));
  QRCLOUD_RETURN_IF_ERROR(core::ValidateText("legalName", legal_name, 1, 128));
  const std::string license = core::NormalizeCreditCode(req.license_number());
  return Change(
      req.id(),
      [&](store::Tx& tx, MerchantRecord& rec) -> absl::Status {
        v1::Qualification& q = *rec.merchant.mutable_qualification();
        if (q.state() == v1::Qualification::APPROVED) {
          return absl::FailedPreconditionError(
              "the qualification is already approved; a change of licence goes through support");
        }
        q.set_state(v1::Qualification::PENDING_AUDIT);
        q.set_license_number(license);
        q.set_legal_name(legal_name);
        q.clear_reasons();
        // The audit service cannot see other merchants; it is told.
        QRCLOUD_ASSIGN_OR_RETURN(const int holders,
                                 merchants_.CountLicenseHolders(tx, license, rec.merchant.id()));
        q.set_other_holders(holders);
        core::ToProto(core::ToMicros(clock_.Now()), q.mutable_submit_time());
        q.clear_decide_time();
        QRCLOUD_ASSIGN_OR_RETURN(rec.qualification_submission_id,
                                 SendToAudit(tx, rec.merchant, "qualification.submitted"));
        return absl::OkStatus();
      },
      *resp.mutable_merchant());
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
  return Change(
      req.id(),
      [&](store::Tx&, MerchantRecord& rec) {
        *rec.merchant.mutable_location() = req.location();
        rec.merchant.set_address(req.address());
        return absl::OkStatus();
      },
      *resp.mutable_merchant());
}

absl::Status MerchantLogic::List(const rpc::CallContext& call, const v1::ListMerchantsRequest& req,
                                 v1::ListMerchantsResponse& resp) {
  QRCLOUD_RETURN_IF_ERROR(
      auth::RequireAnyRole(call.caller(), {auth::Role::kAuditor, auth::Role::kAdmin}));
  QRCLOUD_ASSIGN_OR_RETURN(const int size, rpc::PageSize(req.page()));
  const std::string state = req.qualification_state() == v1::Qualification::STATE_UNSPECIFIED
                                ? ""
                                : v1::Qualification::State_Name(req.qualification_state());
  QRCLOUD_ASSIGN_OR_RETURN(auto merchants,
                           merchants_.List(state, req.page().page_token(), size + 1));
  if (std::string next = rpc::TakePage(merchants, size); !next.empty()) {
    resp.mutable_page()->set_next_page_token(next);
  }
  for (auto& m : merchants) *resp.add_merchants() = std::move(m);
  return absl::OkStatus();
}

absl::StatusOr<bool> MerchantLogic::SwitchLanding(store::Tx& tx, MerchantRecord& rec, bool on) {
  v1::Merchant& m = rec.merchant;
  v1::LandingReview& review = *m.mutable_landing_review();
  if (!on) {
    // Off at once; a pending request is withdrawn (its decision will find
    // nothing to apply).
    m.set_landing_business_enabled(false);
    if (review.state() == v1::LandingReview::PENDING_AUDIT) {
      review.set_state(v1::LandingReview::NONE);
      rec.landing_submission_id.clear();
    }
    return false;
  }
  if (m.landing_business_enabled() || review.state() == v1::LandingReview::PENDING_AUDIT) {
    return false;  // already on, or already asked
  }
  if (m.qualification().state() != v1::Qualification::APPROVED) {
    return absl::FailedPreconditionError(
        "landing business needs an approved qualification first (POST "
        "/v1/merchants/{id}/qualification)");
  }
  // On only through audit: ask, and stay off until approved.
  review.set_state(v1::LandingReview::PENDING_AUDIT);
  review.clear_reasons();
  core::ToProto(core::ToMicros(clock_.Now()), review.mutable_submit_time());
  review.clear_decide_time();
  QRCLOUD_ASSIGN_OR_RETURN(rec.landing_submission_id, SendToAudit(tx, m, "landing.requested"));
  return true;
}

absl::Status MerchantLogic::SetBusinessSwitches(const rpc::CallContext& call,
                                                const v1::SetBusinessSwitchesRequest& req,
                                                v1::Merchant& resp) {
  // The owner (role merchant) or an administrator; staff may not.
  QRCLOUD_RETURN_IF_ERROR(auth::CheckMerchantAccess(call.caller(), req.id(), Access::kWrite));
  QRCLOUD_RETURN_IF_ERROR(auth::RequireRole(call.caller(), auth::Role::kMerchant));
  return Change(
      req.id(),
      [&](store::Tx& tx, MerchantRecord& rec) -> absl::Status {
        rec.merchant.set_cloud_business_enabled(req.cloud_business_enabled());
        return SwitchLanding(tx, rec, req.landing_business_enabled()).status();
      },
      resp);
}

absl::Status MerchantLogic::RecordDecision(const rpc::CallContext& call,
                                           const v1::AuditDecision& req, const Pending& pending,
                                           v1::Merchant& resp) {
  QRCLOUD_RETURN_IF_ERROR(CheckDecision(call, req));
  return Change(
      req.subject_id(),
      [&](store::Tx&, MerchantRecord& rec) -> absl::Status {
        if (!pending.waiting(rec) || *pending.submission(rec) != req.submission_id()) {
          return NotPending(req, pending.what);
        }
        pending.decide(rec, req, core::ToMicros(clock_.Now()));
        return absl::OkStatus();
      },
      resp);
}

absl::Status MerchantLogic::RecordQualificationDecision(const rpc::CallContext& call,
                                                        const v1::AuditDecision& req,
                                                        v1::Merchant& resp) {
  const Pending qualification{
      "qualification",
      [](const MerchantRecord& r) {
        return r.merchant.qualification().state() == v1::Qualification::PENDING_AUDIT;
      },
      [](const MerchantRecord& r) { return &r.qualification_submission_id; },
      [](MerchantRecord& r, const v1::AuditDecision& d, absl::Time now) {
        Decide(r.merchant.mutable_qualification(), d, now);
      }};
  return RecordDecision(call, req, qualification, resp);
}

absl::Status MerchantLogic::RecordLandingDecision(const rpc::CallContext& call,
                                                  const v1::AuditDecision& req,
                                                  v1::Merchant& resp) {
  const Pending landing{"request for landing business",
                        [](const MerchantRecord& r) {
                          return r.merchant.landing_review().state() ==
                                 v1::LandingReview::PENDING_AUDIT;
                        },
                        [](const MerchantRecord& r) { return &r.landing_submission_id; },
                        [](MerchantRecord& r, const v1::AuditDecision& d, absl::Time now) {
                          Decide(r.merchant.mutable_landing_review(), d, now);
                          r.merchant.set_landing_business_enabled(d.approve());
                        }};
  return RecordDecision(call, req, landing, resp);
}

absl::Status MerchantLogic::RecordProfileDecision(const rpc::CallContext& call,
                                                  const v1::AuditDecision& req,
                                                  v1::Merchant& resp) {
  const Pending profile{"profile edit",
                        [](const MerchantRecord& r) {
                          return r.merchant.profile_review().state() ==
                                 v1::ProfileReview::PENDING_AUDIT;
                        },
                        [](const MerchantRecord& r) { return &r.profile_submission_id; },
                        [](MerchantRecord& r, const v1::AuditDecision& d, absl::Time now) {
                          v1::ProfileReview& review = *r.merchant.mutable_profile_review();
                          Decide(&review, d, now);
                          if (d.approve()) {
                            ApplyEdit(review.proposed(), r.merchant);
                            review.clear_proposed();  // it is the profile now
                          }
                        }};
  return RecordDecision(call, req, profile, resp);
}

absl::Status MerchantLogic::Stats(const rpc::CallContext& call,
                                  const v1::GetMerchantStatsRequest& req,
                                  v1::GetMerchantStatsResponse& resp) {
  QRCLOUD_RETURN_IF_ERROR(auth::CheckMerchantAccess(call.caller(), req.id(), Access::kRead));
  QRCLOUD_ASSIGN_OR_RETURN(StatsWindow window, StatsWindowOf(req, clock_.Now()));
  QRCLOUD_ASSIGN_OR_RETURN(resp, stats_.Read(req.id(), req.campaign_id(), window));
  return absl::OkStatus();
}

}  // namespace qrcloud::center
