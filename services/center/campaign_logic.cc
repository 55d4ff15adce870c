#include "services/center/campaign_logic.h"

#include <google/protobuf/util/json_util.h>

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/auth/access.h"
#include "libs/core/encoding.h"
#include "libs/core/ids.h"
#include "libs/core/log.h"
#include "libs/core/proto_time.h"
#include "libs/core/slug.h"
#include "libs/core/status.h"
#include "libs/core/validate.h"
#include "libs/qr/image_header.h"
#include "libs/rpc/paging.h"
#include "libs/web/page_limits.h"

namespace qrcloud::center {
namespace {

using auth::Access;
using auth::Role;
using v1::Campaign;

// The page budget (libs/web/page_limits.h) bounds what a campaign may hold.
constexpr int kMaxImages = web::kMaxImages;
constexpr int kMaxVideos = web::kMaxVideos;
constexpr int kMaxTags = 10;
constexpr int kMaxMenuItems = web::kMaxMenuItems;

absl::Status ValidateLink(const std::string& field, const std::string& url) {
  QRCLOUD_RETURN_IF_ERROR(core::ValidateWebUrl(field, url));
  if (url.size() > web::kMaxUrlBytes) {
    return core::InvalidField(field, absl::StrCat("must be at most ", web::kMaxUrlBytes, " bytes"));
  }
  return absl::OkStatus();
}

std::string F(absl::string_view prefix, absl::string_view field) {
  return prefix.empty() ? std::string(field) : absl::StrCat(prefix, ".", field);
}

// The fields a merchant edits: everything of the content, nothing of the
// platform's (state, page, code, stock left, times of record).
void CopyContent(const Campaign& from, Campaign& to) {
  to.set_title(from.title());
  to.set_description(from.description());
  *to.mutable_image_urls() = from.image_urls();
  *to.mutable_video_urls() = from.video_urls();
  to.set_external_url(from.external_url());
  to.set_mode(from.mode());
  to.set_template_(from.template_());
  *to.mutable_price() = from.price();
  to.set_stock(from.stock());
  to.set_per_person_limit(from.per_person_limit());
  if (from.has_start_time())
    *to.mutable_start_time() = from.start_time();
  else
    to.clear_start_time();
  if (from.has_end_time())
    *to.mutable_end_time() = from.end_time();
  else
    to.clear_end_time();
  *to.mutable_tags() = from.tags();
  if (from.has_fence())
    *to.mutable_fence() = from.fence();
  else
    to.clear_fence();
  *to.mutable_menu_items() = from.menu_items();
}

std::string DefaultTemplate(Campaign::Mode mode) {
  switch (mode) {
    case Campaign::ORDER:
      return "coupon";
    default:
      return "showcase";
  }
}

// An image given as an uploaded media id stands for its URL on the platform.
void ResolveMediaIds(Campaign& c, const std::string& public_url) {
  for (std::string& url : *c.mutable_image_urls()) {
    if (core::IsValidId(url)) url = absl::StrCat(public_url, "/media/", url);
  }
  for (auto& item : *c.mutable_menu_items()) {
    if (core::IsValidId(item.image_url()))
      item.set_image_url(absl::StrCat(public_url, "/media/", item.image_url()));
  }
}

// Tags are stored lower case, trimmed, without '#'.
void NormalizeTags(Campaign& c) {
  for (std::string& t : *c.mutable_tags()) {
    t = absl::AsciiStrToLower(absl::StripAsciiWhitespace(t));
    if (!t.empty() && t[0] == '#') t.erase(0, 1);
  }
}

absl::Status RequireMerchantWriter(const auth::Principal& p, absl::string_view merchant_id) {
  QRCLOUD_RETURN_IF_ERROR(auth::CheckMerchantAccess(p, merchant_id, Access::kWrite));
  return absl::OkStatus();
}

// Who may see a campaign: anyone once it is live; before that its merchant,
// auditors and administrators.
bool Visible(const Campaign& c, const auth::Principal* p) {
  if (c.state() == Campaign::PUBLISHED || c.state() == Campaign::PAUSED ||
      c.state() == Campaign::ENDED) {
    return true;
  }
  return p != nullptr && auth::CheckMerchantAccess(*p, c.merchant_id(), Access::kRead).ok();
}

// The text, mode and links of a campaign.
absl::Status ValidateContent(const Campaign& c, absl::string_view p) {
  QRCLOUD_RETURN_IF_ERROR(core::ValidateText(F(p, "title"), c.title(), 1, 60));
  QRCLOUD_RETURN_IF_ERROR(
      core::ValidateText(F(p, "description"), c.description(), 0, web::kMaxDescriptionChars));
  if (c.mode() == Campaign::MODE_UNSPECIFIED) {
    return core::InvalidField(F(p, "mode"), "is required: SHOWCASE, ORDER or EXTERNAL");
  }
  if (!c.template_().empty() && c.template_() != "showcase" && c.template_() != "coupon" &&
      c.template_() != "menu" && c.template_() != "event") {
    return core::InvalidField(F(p, "template"), "accepted: showcase, coupon, menu, event");
  }
  if (c.mode() == Campaign::EXTERNAL && c.external_url().empty()) {
    return core::InvalidField(F(p, "externalUrl"), "is required for mode EXTERNAL");
  }
  if (!c.external_url().empty()) {
    QRCLOUD_RETURN_IF_ERROR(ValidateLink(F(p, "externalUrl"), c.external_url()));
  }
  return absl::OkStatus();
}

absl::Status ValidateLinks(absl::string_view field, absl::string_view what, int max,
                           const google::protobuf::RepeatedPtrField<std::string>& links) {
  if (links.size() > max) {
    return core::InvalidField(field, absl::StrCat("at most ", max, " ", what));
  }
  for (int i = 0; i < links.size(); ++i) {
    QRCLOUD_RETURN_IF_ERROR(ValidateLink(absl::StrCat(field, "[", i, "]"), links[i]));
  }
  return absl::OkStatus();
}

// Price, stock, limit and window.
absl::Status ValidateTerms(const Campaign& c, absl::string_view p) {
  if (c.mode() == Campaign::ORDER && c.price().currency() != "CNY") {
    return core::InvalidField(F(p, "price.currency"), "an order campaign is priced in CNY");
  }
  if (c.price().minor() < 0) {
    return core::InvalidField(F(p, "price.minor"), "must be 0 (free) or more");
  }
  if (c.price().minor() > 100'000'000'00) {
    return core::InvalidField(F(p, "price.minor"), "must be at most 100000000.00");
  }
  if (c.stock() < 0 || c.stock() > 10'000'000) {
    return core::InvalidField(F(p, "stock"), "must be 0 (unlimited) to 10000000");
  }
  if (c.per_person_limit() < 0) {
    return core::InvalidField(F(p, "perPersonLimit"), "must be 0 (no limit) or more");
  }
  if (c.has_start_time() && c.has_end_time() &&
      core::FromProto(c.end_time()) <= core::FromProto(c.start_time())) {
    return core::InvalidField(F(p, "endTime"), "must be after startTime");
  }
  return absl::OkStatus();
}

absl::Status ValidateTags(const Campaign& c, absl::string_view p) {
  if (c.tags_size() > kMaxTags) {
    return core::InvalidField(F(p, "tags"), absl::StrCat("at most ", kMaxTags, " tags"));
  }
  for (int i = 0; i < c.tags_size(); ++i) {
    const std::string field = F(p, absl::StrCat("tags[", i, "]"));
    QRCLOUD_RETURN_IF_ERROR(core::ValidateText(field, c.tags(i), 1, 20));
    if (c.tags(i).find_first_of(" ,#") != std::string::npos) {
      return core::InvalidField(field, "is one word, without spaces, commas or '#'");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateFence(const Campaign& c, absl::string_view p) {
  if (!c.has_fence()) return absl::OkStatus();
  QRCLOUD_RETURN_IF_ERROR(core::ValidateLatLng(F(p, "fence.origin"), c.fence().origin().lat(),
                                               c.fence().origin().lng()));
  if (c.fence().radius_m() < 10 || c.fence().radius_m() > 100000) {
    return core::InvalidField(F(p, "fence.radiusM"), "must be 10 to 100000 metres");
  }
  return absl::OkStatus();
}

absl::Status ValidateMenu(const Campaign& c, absl::string_view p) {
  if (c.menu_items_size() > kMaxMenuItems) {
    return core::InvalidField(F(p, "menuItems"), absl::StrCat("at most ", kMaxMenuItems, " items"));
  }
  for (int i = 0; i < c.menu_items_size(); ++i) {
    const std::string item = F(p, absl::StrCat("menuItems[", i, "]"));
    const auto& m = c.menu_items(i);
    QRCLOUD_RETURN_IF_ERROR(
        core::ValidateText(item + ".name", m.name(), 1, web::kMaxMenuItemNameChars));
    QRCLOUD_RETURN_IF_ERROR(core::ValidateText(item + ".description", m.description(), 0,
                                               web::kMaxMenuItemDescriptionChars));
    if (!m.image_url().empty()) {
      QRCLOUD_RETURN_IF_ERROR(ValidateLink(item + ".imageUrl", m.image_url()));
    }
    if (m.price().minor() < 0)
      return core::InvalidField(item + ".price.minor", "must be 0 or more");
  }
  return absl::OkStatus();
}

// Sets `field` of `to` from `from`, as an update mask names it.
absl::Status CopyField(const google::protobuf::FieldDescriptor* field, const Campaign& from,
                       Campaign& to) {
  using google::protobuf::FieldDescriptor;
  const auto* in = from.GetReflection();
  const auto* r = to.GetReflection();
  r->ClearField(&to, field);
  if (field->is_repeated()) {
    for (int i = 0; i < in->FieldSize(from, field); ++i) {
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        r->AddMessage(&to, field)->CopyFrom(in->GetRepeatedMessage(from, field, i));
      } else {
        r->AddString(&to, field, in->GetRepeatedString(from, field, i));
      }
    }
    return absl::OkStatus();
  }
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_MESSAGE:
      if (in->HasField(from, field))
        r->MutableMessage(&to, field)->CopyFrom(in->GetMessage(from, field));
      return absl::OkStatus();
    case FieldDescriptor::CPPTYPE_STRING:
      r->SetString(&to, field, in->GetString(from, field));
      return absl::OkStatus();
    case FieldDescriptor::CPPTYPE_INT64:
      r->SetInt64(&to, field, in->GetInt64(from, field));
      return absl::OkStatus();
    case FieldDescriptor::CPPTYPE_INT32:
      r->SetInt32(&to, field, in->GetInt32(from, field));
      return absl::OkStatus();
    case FieldDescriptor::CPPTYPE_ENUM:
      r->SetEnumValue(&to, field, in->GetEnumValue(from, field));
      return absl::OkStatus();
    default:
      return absl::InternalError(absl::StrCat("field ", field->name(), " has an unexpected type"));
  }
}

// `next` with the fields the mask names taken from `in`; INVALID_ARGUMENT
// naming a field a merchant cannot change.
absl::Status ApplyMask(const google::protobuf::FieldMask& mask, const Campaign& in,
                       Campaign& next) {
  static const std::set<std::string> kEditable = {
      "title",      "description", "image_urls", "video_urls", "external_url",
      "mode",       "template",    "price",      "stock",      "per_person_limit",
      "start_time", "end_time",    "tags",       "fence",      "menu_items"};
  for (const std::string& path : mask.paths()) {
    const auto* field = Campaign::descriptor()->FindFieldByName(path);
    if (field == nullptr || kEditable.count(path) == 0) {
      return core::InvalidField(
          "updateMask", absl::StrCat("\"", core::JsonFieldName(path), "\" cannot be changed"));
    }
    QRCLOUD_RETURN_IF_ERROR(CopyField(field, in, next));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CampaignLogic::Validate(const Campaign& c, absl::string_view p) {
  QRCLOUD_RETURN_IF_ERROR(ValidateContent(c, p));
  QRCLOUD_RETURN_IF_ERROR(ValidateLinks(F(p, "imageUrls"), "images", kMaxImages, c.image_urls()));
  QRCLOUD_RETURN_IF_ERROR(
      ValidateLinks(F(p, "videoUrls"), "video links", kMaxVideos, c.video_urls()));
  QRCLOUD_RETURN_IF_ERROR(ValidateTerms(c, p));
  QRCLOUD_RETURN_IF_ERROR(ValidateTags(c, p));
  QRCLOUD_RETURN_IF_ERROR(ValidateFence(c, p));
  return ValidateMenu(c, p);
}

absl::Status CampaignLogic::Create(const rpc::CallContext& call,
                                   const v1::CreateCampaignRequest& req, v1::Campaign& resp) {
  QRCLOUD_RETURN_IF_ERROR(RequireMerchantWriter(call.caller(), req.merchant_id()));
  Campaign content = req.campaign();
  NormalizeTags(content);
  ResolveMediaIds(content, options_.public_url);
  QRCLOUD_RETURN_IF_ERROR(Validate(content, ""));
  QRCLOUD_ASSIGN_OR_RETURN(v1::Merchant merchant, merchants_.Get(req.merchant_id()));
  if (!merchant.cloud_business_enabled()) {
    return absl::FailedPreconditionError("cloud business is switched off for this merchant");
  }
  CampaignRecord rec;
  Campaign& c = rec.campaign;
  CopyContent(content, c);
  if (c.template_().empty()) c.set_template_(DefaultTemplate(c.mode()));
  c.set_id(core::NewId());
  c.set_merchant_id(req.merchant_id());
  c.set_state(Campaign::DRAFT);
  c.set_stock_left(c.stock());
  const absl::Time now = core::ToMicros(clock_.Now());
  core::ToProto(now, c.mutable_create_time());
  core::ToProto(now, c.mutable_update_time());
  QRCLOUD_RETURN_IF_ERROR(runner_.Run([&](store::Tx& tx) { return campaigns_.Insert(tx, rec); }));
  resp = c;
  return absl::OkStatus();
}

absl::Status CampaignLogic::Get(const rpc::CallContext& call, const v1::GetCampaignRequest& req,
                                v1::Campaign& resp) {
  if (req.id().empty()) return core::InvalidField("id", "is required");
  QRCLOUD_ASSIGN_OR_RETURN(CampaignRecord rec, campaigns_.Get(req.id()));
  if (!Visible(rec.campaign, call.principal)) {
    return absl::NotFoundError(absl::StrCat("campaign ", req.id(), " not found"));
  }
  resp = std::move(rec.campaign);
  // Why an auditor turned an edit down, and whether an edit awaits audit, are
  // between the auditor and the merchant, not for every visitor of a live
  // campaign.
  const bool staff =
      call.principal != nullptr &&
      auth::CheckMerchantAccess(*call.principal, resp.merchant_id(), Access::kRead).ok();
  if (!staff) {
    resp.clear_reject_reasons();
    resp.clear_has_pending_revision();
  }
  return absl::OkStatus();
}

absl::Status CampaignLogic::Change(
    const rpc::CallContext& call, absl::string_view id,
    const std::function<absl::Status(store::Tx&, CampaignRecord&)>& change, v1::Campaign& resp) {
  if (id.empty()) return core::InvalidField("id", "is required");
  QRCLOUD_RETURN_IF_ERROR(runner_.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(CampaignRecord rec, campaigns_.Get(tx, id, /*for_update=*/true));
    QRCLOUD_RETURN_IF_ERROR(RequireMerchantWriter(call.caller(), rec.campaign.merchant_id()));
    QRCLOUD_RETURN_IF_ERROR(change(tx, rec));
    rec.campaign.set_has_pending_revision(rec.pending.has_value());
    QRCLOUD_RETURN_IF_ERROR(Save(tx, rec));
    resp = rec.campaign;
    return absl::OkStatus();
  }));
  AfterChange(resp);
  return absl::OkStatus();
}

absl::Status CampaignLogic::SendToAudit(store::Tx& tx, CampaignRecord& rec,
                                        const Campaign& content) {
  Campaign snapshot = rec.campaign;
  CopyContent(content, snapshot);
  std::string data;
  (void)google::protobuf::util::MessageToJsonString(snapshot, &data);
  QRCLOUD_ASSIGN_OR_RETURN(rec.submission_id,
                           tx.AppendEvent({"audit", "campaign.submitted", data}));
  return absl::OkStatus();
}

absl::Status CampaignLogic::Update(const rpc::CallContext& call,
                                   const v1::UpdateCampaignRequest& req, v1::Campaign& resp) {
  if (req.update_mask().paths().empty()) {
    return core::InvalidField("updateMask",
                              "name the fields to change (over REST: the fields in the body)");
  }
  return Change(
      call, req.id(),
      [&](store::Tx& tx, CampaignRecord& rec) -> absl::Status {
        Campaign& live = rec.campaign;
        if (live.state() == Campaign::PENDING_AUDIT) {
          return absl::FailedPreconditionError(
              "the campaign is being audited; change it once the audit is done");
        }
        if (live.state() == Campaign::ENDED) {
          return absl::FailedPreconditionError("an ended campaign cannot change");
        }
        const bool live_now =
            live.state() == Campaign::PUBLISHED || live.state() == Campaign::PAUSED;
        // Start from the latest content: the pending edit if there is one.
        Campaign next = live_now && rec.pending ? *rec.pending : live;
        QRCLOUD_RETURN_IF_ERROR(ApplyMask(req.update_mask(), req.campaign(), next));
        NormalizeTags(next);
        ResolveMediaIds(next, options_.public_url);
        QRCLOUD_RETURN_IF_ERROR(Validate(next, "campaign"));
        return live_now ? Revise(tx, rec, next) : Redraft(rec, next);
      },
      resp);
}

absl::Status CampaignLogic::Redraft(CampaignRecord& rec, const Campaign& next) {
  // A draft or a rejected campaign changes in place and is a draft again.
  Campaign& live = rec.campaign;
  const int64_t sold = live.stock() - live.stock_left();
  CopyContent(next, live);
  live.set_stock_left(std::max<int64_t>(0, live.stock() - sold));
  live.set_state(Campaign::DRAFT);
  live.clear_reject_reasons();
  return absl::OkStatus();
}

absl::Status CampaignLogic::Revise(store::Tx& tx, CampaignRecord& rec, const Campaign& next) {
  Campaign& live = rec.campaign;
  const int64_t sold = live.stock() - live.stock_left();
  if (next.stock() != 0 && next.stock() < sold) {
    return core::InvalidField("campaign.stock",
                              absl::StrCat(sold, " are already sold; stock cannot go below that"));
  }
  // A live campaign stays as it is; the edit waits for the audit.
  rec.pending = next;
  live.clear_reject_reasons();
  return SendToAudit(tx, rec, next);
}

absl::Status CampaignLogic::List(const rpc::CallContext& call, const v1::ListCampaignsRequest& req,
                                 v1::ListCampaignsResponse& resp) {
  QRCLOUD_RETURN_IF_ERROR(
      auth::CheckMerchantAccess(call.caller(), req.merchant_id(), Access::kRead));
  QRCLOUD_ASSIGN_OR_RETURN(const int size, rpc::PageSize(req.page()));
  const std::string state =
      req.state() == Campaign::STATE_UNSPECIFIED ? "" : Campaign::State_Name(req.state());
  QRCLOUD_ASSIGN_OR_RETURN(
      auto list,
      campaigns_.ListForMerchant(req.merchant_id(), state, req.page().page_token(), size + 1));
  if (std::string next = rpc::TakePage(list, size); !next.empty()) {
    resp.mutable_page()->set_next_page_token(next);
  }
  for (auto& c : list) *resp.add_campaigns() = std::move(c);
  return absl::OkStatus();
}

absl::Status CampaignLogic::Submit(const rpc::CallContext& call,
                                   const v1::CampaignActionRequest& req, v1::Campaign& resp) {
  return Change(
      call, req.id(),
      [&](store::Tx& tx, CampaignRecord& rec) -> absl::Status {
        Campaign& c = rec.campaign;
        if (c.state() != Campaign::DRAFT && c.state() != Campaign::REJECTED) {
          return absl::FailedPreconditionError(
              absl::StrCat("a ", Campaign::State_Name(c.state()),
                           " campaign cannot be submitted; only a DRAFT or REJECTED one"));
        }
        QRCLOUD_ASSIGN_OR_RETURN(MerchantRecord owner, merchants_.Get(tx, c.merchant_id(), false));
        const v1::Merchant& merchant = owner.merchant;
        if (merchant.qualification().state() != v1::Qualification::APPROVED) {
          return absl::FailedPreconditionError(
              "the merchant's qualification must be approved first: submit the business licence "
              "(POST /v1/merchants/{id}/qualification)");
        }
        if (!merchant.cloud_business_enabled()) {
          return absl::FailedPreconditionError("cloud business is switched off for this merchant");
        }
        QRCLOUD_RETURN_IF_ERROR(Validate(c, ""));
        c.set_state(Campaign::PENDING_AUDIT);
        c.clear_reject_reasons();
        return SendToAudit(tx, rec, c);
      },
      resp);
}

absl::Status CampaignLogic::Pause(const rpc::CallContext& call,
                                  const v1::CampaignActionRequest& req, v1::Campaign& resp) {
  return Change(
      call, req.id(),
      [&](store::Tx&, CampaignRecord& rec) -> absl::Status {
        if (rec.campaign.state() != Campaign::PUBLISHED) {
          return absl::FailedPreconditionError("only a PUBLISHED campaign can be paused");
        }
        rec.campaign.set_state(Campaign::PAUSED);
        return absl::OkStatus();
      },
      resp);
}

absl::Status CampaignLogic::Resume(const rpc::CallContext& call,
                                   const v1::CampaignActionRequest& req, v1::Campaign& resp) {
  return Change(
      call, req.id(),
      [&](store::Tx&, CampaignRecord& rec) -> absl::Status {
        if (rec.campaign.state() != Campaign::PAUSED) {
          return absl::FailedPreconditionError("only a PAUSED campaign can be resumed");
        }
        rec.campaign.set_state(Campaign::PUBLISHED);
        return absl::OkStatus();
      },
      resp);
}

absl::Status CampaignLogic::End(const rpc::CallContext& call, const v1::CampaignActionRequest& req,
                                v1::Campaign& resp) {
  return Change(
      call, req.id(),
      [&](store::Tx&, CampaignRecord& rec) -> absl::Status {
        if (rec.campaign.state() != Campaign::PUBLISHED &&
            rec.campaign.state() != Campaign::PAUSED) {
          return absl::FailedPreconditionError("only a PUBLISHED or PAUSED campaign can be ended");
        }
        rec.campaign.set_state(Campaign::ENDED);
        rec.pending.reset();
        return absl::OkStatus();
      },
      resp);
}

absl::Status CampaignLogic::Search(const rpc::CallContext& call,
                                   const v1::SearchCampaignsRequest& req,
                                   v1::SearchCampaignsResponse& resp) {
  (void)call;  // anyone may search: only what is public is found
  return search_.Search(req, resp);
}

absl::Status CampaignLogic::StoreMedia(absl::string_view content_type, const std::string& data,
                                       v1::Media& meta) {
  if (data.empty())
    return core::InvalidField("data", "is required: the image bytes (base64 in JSON)");
  if (data.size() > kMaxMediaBytes) {
    return core::InvalidField("data",
                              absl::StrCat("is ", data.size(), " bytes; at most ", kMaxMediaBytes,
                                           " (3 MB, whose base64 fits a request)"));
  }
  QRCLOUD_ASSIGN_OR_RETURN(qr::ImageHeader image, qr::ProbeImage("data", data));
  if (content_type != image.content_type) {
    return core::InvalidField("contentType",
                              absl::StrCat("says ", content_type.empty() ? "nothing" : content_type,
                                           " but the data is ", image.content_type));
  }
  meta.set_id(core::NewId());
  meta.set_content_type(image.content_type);
  meta.set_size_bytes(static_cast<int64_t>(data.size()));
  meta.set_sha256(core::Sha256Hex(data));
  meta.set_url(absl::StrCat(options_.public_url, "/media/", meta.id()));
  return media_.Put(meta, data);
}

absl::Status CampaignLogic::UploadMedia(const rpc::CallContext& call,
                                        const v1::UploadMediaRequest& req, v1::Media& resp) {
  QRCLOUD_RETURN_IF_ERROR(RequireMerchantWriter(call.caller(), req.merchant_id()));
  resp.set_merchant_id(req.merchant_id());
  return StoreMedia(req.content_type(), req.data(), resp);
}

absl::Status CampaignLogic::UploadMyMedia(const rpc::CallContext& call,
                                          const v1::UploadMyMediaRequest& req, v1::Media& resp) {
  if (call.caller().kind != "PERSON") {
    return absl::PermissionDeniedError(
        "POST /v1/me/media is for people's accounts; merchants upload at "
        "/v1/merchants/{merchantId}/media");
  }
  const std::string& me = call.caller().account_id;
  QRCLOUD_ASSIGN_OR_RETURN(const int64_t today,
                           media_.CountByAccountSince(me, absl::Now() - absl::Hours(24)));
  if (today >= kMaxPersonMediaPerDay) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "at most ", kMaxPersonMediaPerDay, " images a day per person; try again tomorrow"));
  }
  resp.set_account_id(me);
  return StoreMedia(req.content_type(), req.data(), resp);
}

absl::Status CampaignLogic::GetMedia(const rpc::CallContext& call, const v1::GetMediaRequest& req,
                                     google::api::HttpBody& resp) {
  (void)call;
  QRCLOUD_ASSIGN_OR_RETURN(MediaFile file, media_.Get(req.id()));
  resp.set_content_type(file.meta.content_type());
  resp.set_data(std::move(file.data));
  return absl::OkStatus();
}

absl::Status CampaignLogic::Publish(store::Tx& tx, CampaignRecord& rec) {
  Campaign& c = rec.campaign;
  if (c.page_url().empty())
    c.set_page_url(absl::StrCat(options_.public_url, "/m/", core::NewSlug()));
  if (c.code_id().empty()) {
    QRCLOUD_ASSIGN_OR_RETURN(MerchantRecord owner, merchants_.Get(tx, c.merchant_id(), false));
    CodeRow code;
    code.target_kind = "CAMPAIGN";
    code.code.set_id(core::NewId());
    code.code.set_slug(core::NewSlug());
    code.code.set_short_url(ShortUrl(options_.public_url, code.code.slug()));
    code.code.set_owner_account_id(owner.merchant.owner_account_id());
    code.code.set_merchant_id(c.merchant_id());
    code.code.set_campaign_id(c.id());
    code.code.set_target_url(c.page_url());
    code.code.set_label(c.title().substr(0, 64));
    code.code.set_state(v1::Code::ACTIVE);
    code.code.set_error_correction(v1::Code::M);
    core::ToProto(core::ToMicros(clock_.Now()), code.code.mutable_create_time());
    QRCLOUD_RETURN_IF_ERROR(codes_.Insert(tx, code));
    c.set_code_id(code.code.id());
    // Published to Redis after commit, in AfterChange.
  }
  return absl::OkStatus();
}

absl::Status CampaignLogic::RecordAuditDecision(const rpc::CallContext& call,
                                                const v1::AuditDecision& req, v1::Campaign& resp) {
  QRCLOUD_RETURN_IF_ERROR(auth::RequireRole(call.caller(), Role::kAuditor));
  if (!req.approve() && req.reasons().empty()) {
    return core::InvalidField("reasons", "a rejection needs at least one reason");
  }
  QRCLOUD_RETURN_IF_ERROR(runner_.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(CampaignRecord rec,
                             campaigns_.Get(tx, req.subject_id(), /*for_update=*/true));
    if (rec.submission_id != req.submission_id()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "submission ", req.submission_id(), " is not the campaign's pending submission"));
    }
    Campaign& c = rec.campaign;
    const bool revision = rec.pending.has_value();
    if (!revision && c.state() != Campaign::PENDING_AUDIT) {
      return absl::FailedPreconditionError("the campaign has no submission waiting for audit");
    }
    rec.submission_id.clear();
    if (!req.approve()) {
      c.clear_reject_reasons();
      for (const auto& r : req.reasons()) c.add_reject_reasons(r);
      if (revision) {
        rec.pending.reset();  // the live campaign stays; the edit is refused
      } else {
        c.set_state(Campaign::REJECTED);
      }
    } else {
      if (revision) {
        const int64_t sold = c.stock() - c.stock_left();
        CopyContent(*rec.pending, c);
        c.set_stock_left(std::max<int64_t>(0, c.stock() - sold));
        rec.pending.reset();
      } else {
        c.set_state(Campaign::PUBLISHED);
      }
      c.clear_reject_reasons();
      QRCLOUD_RETURN_IF_ERROR(Publish(tx, rec));
    }
    QRCLOUD_RETURN_IF_ERROR(Save(tx, rec));
    resp = c;
    resp.set_has_pending_revision(rec.pending.has_value());
    return absl::OkStatus();
  }));
  AfterChange(resp);
  return absl::OkStatus();
}

absl::Status CampaignLogic::Save(store::Tx& tx, const CampaignRecord& rec) {
  QRCLOUD_RETURN_IF_ERROR(campaigns_.Save(tx, rec));
  QRCLOUD_RETURN_IF_ERROR(search_.Index(tx, rec.campaign));
  const Campaign::State state = rec.campaign.state();
  if (state != Campaign::PUBLISHED && state != Campaign::PAUSED && state != Campaign::ENDED) {
    return absl::OkStatus();  // drafts and refusals are the merchant's own
  }
  // What every visitor may see of it, as GetCampaign shows them.
  Campaign published = rec.campaign;
  published.clear_reject_reasons();
  published.clear_has_pending_revision();
  std::string data;
  (void)google::protobuf::util::MessageToJsonString(published, &data);
  return tx.AppendEvent({kCampaignStream, kCampaignChanged, std::move(data)}).status();
}

void CampaignLogic::AfterChange(const Campaign& c) {
  // Derived copies that follow the database; each heals on the next change
  // if Redis is briefly unreachable.
  if (!c.code_id().empty()) {
    auto code = codes_.Get(c.code_id());
    if (code.ok()) {
      code->code.set_state(c.state() == Campaign::PUBLISHED ? v1::Code::ACTIVE
                           : c.state() == Campaign::ENDED   ? v1::Code::EXPIRED
                                                            : v1::Code::PAUSED);
      (void)runner_.Run([&](store::Tx& tx) { return codes_.Update(tx, *code); });
      if (absl::Status s = slugs_.Changed(*code); !s.ok()) {
        spdlog::warn("campaign {}: code resolution not published: {}", c.id(), s.message());
      }
    }
  }
  if (c.state() == Campaign::PUBLISHED) {
    v1::GeoPoint where;
    bool located = false;
    if (c.has_fence()) {
      where = c.fence().origin();
      located = true;
    } else if (auto m = merchants_.Get(c.merchant_id()); m.ok() && m->has_location()) {
      where = m->location();
      located = true;
    }
    if (located) (void)geo_.Put(c, where);
  } else {
    (void)geo_.Remove(c);
  }
  search_.Committed();
  if (listener_) listener_(c);
}

}  // namespace qrcloud::center
