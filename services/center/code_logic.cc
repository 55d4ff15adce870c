#include "services/center/code_logic.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/auth/access.h"
#include "libs/core/encoding.h"
#include "libs/core/ids.h"
#include "libs/core/log.h"
#include "libs/core/proto_time.h"
#include "libs/core/scan_event.h"
#include "libs/core/slug.h"
#include "libs/core/status.h"
#include "libs/core/validate.h"
#include "libs/qr/code_style.h"
#include "libs/qr/decoder.h"
#include "libs/qr/encoder.h"
#include "libs/qr/isolated_decoder.h"
#include "libs/qr/pdf_renderer.h"
#include "libs/qr/png_renderer.h"
#include "libs/qr/sticker.h"
#include "libs/qr/svg_renderer.h"
#include "libs/qr/wifi.h"
#include "libs/rpc/paging.h"
#include "libs/text/hosts.h"
#include "services/center/wifi_network.h"

namespace qrcloud::center {
namespace {

using auth::Role;

// Decoding a photo holds a worker for a while; keep uploads to a sane size.
constexpr size_t kMaxDecodeBytes = 3 * 1024 * 1024;

qr::EcLevel LevelOf(v1::Code::ErrorCorrection ec) {
  switch (ec) {
    case v1::Code::L:
      return qr::EcLevel::kLow;
    case v1::Code::Q:
      return qr::EcLevel::kQuartile;
    case v1::Code::H:
      return qr::EcLevel::kHigh;
    default:
      return qr::EcLevel::kMedium;
  }
}

// What the printed symbol holds: the short link (so every scan is counted),
// or for payload codes (Wi-Fi, text) the payload itself, which phones act on
// without any request.
std::string SymbolContent(const CodeRow& row) {
  return row.target_kind == "PAYLOAD" ? row.code.payload() : row.code.short_url();
}

// The symbol of an image request: a partner's placement carries its
// platform code in the link (the scan path reads it from ?p=).
absl::StatusOr<std::string> SymbolContent(const CodeRow& row, absl::string_view platform_code) {
  if (platform_code.empty()) return SymbolContent(row);
  if (!core::ValidPlatformCode(platform_code)) {
    return core::InvalidField("platformCode", "is 1 to 32 of A-Z, a-z, 0-9, '-' and '_'");
  }
  if (row.target_kind == "PAYLOAD") {
    return core::InvalidField("platformCode",
                              "a payload code holds no link to carry a platform code in");
  }
  return absl::StrCat(row.code.short_url(), "?p=", platform_code);
}

// A code's owner, its merchant's accounts and administrators read and
// change it; auditors (and the services that call as one: the partner
// service draws placements' codes) read it.
absl::Status CheckCodeAccess(const auth::Principal& p, const CodeRow& row, auth::Access access) {
  if (p.Has(Role::kAdmin) || p.account_id == row.code.owner_account_id()) return absl::OkStatus();
  if (access == auth::Access::kRead && p.Has(Role::kAuditor)) return absl::OkStatus();
  if ((p.Has(Role::kMerchant) || p.Has(Role::kMerchantStaff)) && !p.merchant_id.empty() &&
      p.merchant_id == row.code.merchant_id()) {
    return absl::OkStatus();
  }
  return absl::NotFoundError(absl::StrCat("code ", row.code.id(), " not found"));
}

}  // namespace

absl::Status CodeLogic::FillTarget(const rpc::CallContext& call, const v1::CreateCodeRequest& req,
                                   CodeRow& row, absl::string_view prefix) {
  const std::string p = prefix.empty() ? "" : absl::StrCat(prefix, ".");
  const int targets = !req.target_url().empty() + !req.campaign_id().empty() +
                      !req.merchant_id().empty() + !req.payload().empty() + req.has_wifi();
  if (targets != 1) {
    return core::InvalidField(p + "targetUrl",
                              "give exactly one target: targetUrl, campaignId, "
                              "merchantId, payload or wifi");
  }
  v1::Code& c = row.code;
  if (!req.target_url().empty()) {
    // A short link on the platform's own domain that redirects anywhere is
    // a gift to phishers: only to public sites, and only for a merchant
    // whose licence the platform has checked.
    QRCLOUD_RETURN_IF_ERROR(text::ValidateOutboundLink(p + "targetUrl", req.target_url()));
    QRCLOUD_RETURN_IF_ERROR(RequireQualified(call.caller()));
    row.target_kind = "URL";
    c.set_target_url(req.target_url());
  } else if (!req.payload().empty() || req.has_wifi()) {
    std::string payload = req.payload();
    if (req.has_wifi()) {
      QRCLOUD_RETURN_IF_ERROR(ValidateWifi(req.wifi(), p + "wifi"));
      payload = qr::WifiPayload(req.wifi().ssid(), req.wifi().password(),
                                SecurityName(req.wifi().security()), req.wifi().hidden());
    } else if (!core::IsValidUtf8(payload)) {
      return core::InvalidField(p + "payload", "must be UTF-8 text");
    }
    // Refuse now what could never be printed at the chosen level.
    qr::EncodeOptions options;
    options.level = LevelOf(req.error_correction());
    auto encoded = qr::Encode(payload, options);
    if (!encoded.ok()) {
      return core::InvalidField(p + (req.has_wifi() ? "wifi" : "payload"),
                                encoded.status().message());
    }
    row.target_kind = "PAYLOAD";
    c.set_payload(payload);
  } else {
    // Codes for campaign and merchant pages are made by the page service,
    // which renders those pages; until it runs there is nothing to link to.
    return absl::FailedPreconditionError(
        "codes for campaign and merchant pages are created when the page is published; create a "
        "code for a targetUrl, a payload or a wifi network here");
  }
  return absl::OkStatus();
}

absl::Status CodeLogic::RequireQualified(const auth::Principal& caller) {
  if (!caller.merchant_id.empty()) {
    QRCLOUD_ASSIGN_OR_RETURN(v1::Merchant merchant, merchants_.Get(caller.merchant_id));
    if (merchant.qualification().state() == v1::Qualification::APPROVED) return absl::OkStatus();
  }
  return absl::FailedPreconditionError(
      "a code that leads off the platform (targetUrl) needs a merchant whose qualification is "
      "approved; submit the business licence first (POST /v1/merchants/{id}/qualification)");
}

absl::Status CodeLogic::Create(const rpc::CallContext& call, const v1::CreateCodeRequest& req,
                               v1::Code& resp) {
  const auth::Principal& caller = call.caller();
  QRCLOUD_RETURN_IF_ERROR(
      auth::RequireAnyRole(caller, {Role::kMerchant, Role::kMerchantStaff, Role::kPartner}));
  CodeRow row;
  QRCLOUD_RETURN_IF_ERROR(FillTarget(call, req, row, ""));
  QRCLOUD_RETURN_IF_ERROR(core::ValidateText("label", req.label(), 0, 64));
  if (req.scan_limit() < 0) return core::InvalidField("scanLimit", "must be 0 (no limit) or more");
  const absl::Time now = core::ToMicros(clock_.Now());
  if (req.has_end_time()) {
    const absl::Time end = core::FromProto(req.end_time());
    if (end <= now) return core::InvalidField("endTime", "must be in the future");
    if (req.has_start_time() && end <= core::FromProto(req.start_time())) {
      return core::InvalidField("endTime", "must be after startTime");
    }
  }
  v1::Code& c = row.code;
  c.set_id(core::NewId());
  c.set_owner_account_id(caller.account_id);
  c.set_merchant_id(caller.merchant_id);
  c.set_label(req.label());
  c.set_state(v1::Code::ACTIVE);
  if (req.has_start_time()) *c.mutable_start_time() = req.start_time();
  if (req.has_end_time()) *c.mutable_end_time() = req.end_time();
  c.set_scan_limit(req.scan_limit());
  c.set_error_correction(req.error_correction() == v1::Code::ERROR_CORRECTION_UNSPECIFIED
                             ? v1::Code::M
                             : req.error_correction());
  core::ToProto(now, c.mutable_create_time());
  absl::Status inserted;
  for (int attempt = 0; attempt < 3; ++attempt) {
    c.set_slug(core::NewSlug());
    c.set_short_url(ShortUrl(options_.public_url, c.slug()));
    inserted = runner_.Run([&](store::Tx& tx) { return codes_.Insert(tx, row); });
    // A slug collision (about 1 in 10^14 per code) draws a new one.
    if (inserted.code() != absl::StatusCode::kAlreadyExists) break;
  }
  QRCLOUD_RETURN_IF_ERROR(inserted);
  // A gateway may remember the slug as unknown: tell them all.
  if (absl::Status s = slugs_.Changed(row); !s.ok()) {
    // The gateway falls back to ResolveSlug, so the code works regardless.
    spdlog::warn("code {}: resolution not cached in Redis: {}", c.id(), s.message());
  }
  resp = c;
  return absl::OkStatus();
}

absl::Status CodeLogic::BatchCreate(const rpc::CallContext& call,
                                    const v1::BatchCreateCodesRequest& req,
                                    v1::BatchCreateCodesResponse& resp) {
  const auth::Principal& caller = call.caller();
  QRCLOUD_RETURN_IF_ERROR(auth::RequireAnyRole(caller, {Role::kMerchant, Role::kMerchantStaff}));
  if (req.count() < 1 || req.count() > kMaxBatchCodes) {
    return core::InvalidField("count", absl::StrCat("a batch has 1 to ", kMaxBatchCodes, " codes"));
  }
  if (req.first_number() < 0 || req.first_number() > 1000000) {
    return core::InvalidField("firstNumber", "must be 0 to 1000000 (default 1)");
  }
  QRCLOUD_RETURN_IF_ERROR(core::ValidateText("caption", req.caption(), 0, 32));
  // Batches keep their own idempotency (the Redis layer keeps no answer of
  // megabytes): a retry answers with the batch the request id made.
  if (req.request_id().size() > 128) {
    return core::InvalidField("requestId", "must be at most 128 characters (a UUID is ideal)");
  }
  const std::string request_hash =
      req.request_id().empty() ? "" : core::Sha256Hex(req.SerializeAsString());
  if (!req.request_id().empty()) {
    QRCLOUD_ASSIGN_OR_RETURN(auto earlier,
                             codes_.BatchByRequest(caller.account_id, req.request_id()));
    if (earlier) return AnswerRetry(*earlier, req.request_id(), request_hash, resp);
  }
  CodeRow proto_row;
  QRCLOUD_RETURN_IF_ERROR(FillTarget(call, req.template_(), proto_row, "template"));
  const int first = req.first_number() == 0 ? 1 : req.first_number();
  const absl::Time now = core::ToMicros(clock_.Now());
  const std::string batch_id = core::NewId();

  std::vector<CodeRow> rows;
  rows.reserve(req.count());
  for (int i = 0; i < req.count(); ++i) {
    CodeRow row = proto_row;
    v1::Code& c = row.code;
    c.set_id(core::NewId());
    c.set_slug(core::NewSlug());
    c.set_short_url(ShortUrl(options_.public_url, c.slug()));
    c.set_owner_account_id(caller.account_id);
    c.set_merchant_id(caller.merchant_id);
    c.set_state(v1::Code::ACTIVE);
    c.set_number(first + i);
    c.set_label(req.caption().empty() ? absl::StrCat(first + i)
                                      : absl::StrCat(req.caption(), " ", first + i));
    c.set_batch_id(batch_id);
    c.set_error_correction(req.template_().error_correction() ==
                                   v1::Code::ERROR_CORRECTION_UNSPECIFIED
                               ? v1::Code::M
                               : req.template_().error_correction());
    core::ToProto(now, c.mutable_create_time());
    rows.push_back(std::move(row));
  }
  const CodeBatch batch{
      batch_id, caller.account_id, caller.merchant_id, req.count(), first, req.caption(),
      now,      req.request_id(),  request_hash};
  const absl::Status inserted =
      runner_.Run([&](store::Tx& tx) { return codes_.InsertBatch(tx, batch, rows); });
  if (inserted.code() == absl::StatusCode::kAlreadyExists && !req.request_id().empty()) {
    // A concurrent twin of this request made the batch first.
    QRCLOUD_ASSIGN_OR_RETURN(auto twin, codes_.BatchByRequest(caller.account_id, req.request_id()));
    if (twin) return AnswerRetry(*twin, req.request_id(), request_hash, resp);
  }
  QRCLOUD_RETURN_IF_ERROR(inserted);
  if (absl::Status s = slugs_.Put(rows); !s.ok()) {
    spdlog::warn("batch {}: resolutions not cached in Redis: {}", batch_id, s.message());
  }
  resp.set_batch_id(batch_id);
  for (CodeRow& row : rows) *resp.add_codes() = std::move(row.code);
  resp.set_sheet_url(absl::StrCat("/v1/codes/batches/", batch_id, "/sheet"));
  return absl::OkStatus();
}

absl::Status CodeLogic::AnswerRetry(const CodeBatch& batch, absl::string_view request_id,
                                    absl::string_view request_hash,
                                    v1::BatchCreateCodesResponse& resp) {
  if (batch.request_hash != request_hash) {
    return core::InvalidField("requestId", absl::StrCat("\"", request_id,
                                                        "\" was already used for a different "
                                                        "request; use a new request id"));
  }
  QRCLOUD_ASSIGN_OR_RETURN(std::vector<CodeRow> rows, BatchRows(batch.owner_account_id, batch.id));
  resp.set_batch_id(batch.id);
  for (CodeRow& row : rows) *resp.add_codes() = std::move(row.code);
  resp.set_sheet_url(absl::StrCat("/v1/codes/batches/", batch.id, "/sheet"));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<CodeRow>> CodeLogic::BatchRows(absl::string_view owner,
                                                          absl::string_view batch_id) {
  std::vector<CodeRow> rows;
  std::string after;
  while (true) {
    QRCLOUD_ASSIGN_OR_RETURN(auto page, codes_.List(owner, "", batch_id, after, 1000));
    if (page.empty()) break;
    after = page.back().code.id();
    for (auto& r : page) rows.push_back(std::move(r));
  }
  std::sort(rows.begin(), rows.end(),
            [](const CodeRow& a, const CodeRow& b) { return a.code.number() < b.code.number(); });
  return rows;
}

absl::StatusOr<CodeRow> CodeLogic::Owned(const rpc::CallContext& call, absl::string_view id) {
  if (id.empty()) return core::InvalidField("id", "is required");
  auto row = codes_.Get(id);
  if (!row.ok()) return row.status();
  QRCLOUD_RETURN_IF_ERROR(CheckCodeAccess(call.caller(), *row, auth::Access::kRead));
  return row;
}

absl::Status CodeLogic::Get(const rpc::CallContext& call, const v1::GetCodeRequest& req,
                            v1::Code& resp) {
  QRCLOUD_ASSIGN_OR_RETURN(CodeRow row, Owned(call, req.id()));
  resp = std::move(row.code);
  return absl::OkStatus();
}

absl::Status CodeLogic::List(const rpc::CallContext& call, const v1::ListCodesRequest& req,
                             v1::ListCodesResponse& resp) {
  QRCLOUD_ASSIGN_OR_RETURN(const int size, rpc::PageSize(req.page_size(), "pageSize"));
  QRCLOUD_ASSIGN_OR_RETURN(auto rows, codes_.List(call.caller().account_id, req.campaign_id(),
                                                  req.batch_id(), req.page_token(), size + 1));
  std::vector<v1::Code> codes;
  for (auto& r : rows) codes.push_back(std::move(r.code));
  resp.set_next_page_token(rpc::TakePage(codes, size));
  for (auto& c : codes) *resp.add_codes() = std::move(c);
  return absl::OkStatus();
}

absl::Status CodeLogic::Update(const rpc::CallContext& call, const v1::UpdateCodeRequest& req,
                               v1::Code& resp) {
  if (req.state() != v1::Code::STATE_UNSPECIFIED && req.state() != v1::Code::ACTIVE &&
      req.state() != v1::Code::PAUSED) {
    return core::InvalidField("state", "can be set to ACTIVE or PAUSED (EXPIRED follows endTime)");
  }
  QRCLOUD_RETURN_IF_ERROR(core::ValidateText("label", req.label(), 0, 64));
  if (req.has_end_time() && core::FromProto(req.end_time()) <= clock_.Now()) {
    return core::InvalidField("endTime", "must be in the future");
  }
  CodeRow updated;
  QRCLOUD_RETURN_IF_ERROR(runner_.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(updated, codes_.Get(tx, req.id(), /*for_update=*/true));
    QRCLOUD_RETURN_IF_ERROR(CheckCodeAccess(call.caller(), updated, auth::Access::kWrite));
    if (req.state() != v1::Code::STATE_UNSPECIFIED) updated.code.set_state(req.state());
    if (!req.label().empty()) updated.code.set_label(req.label());
    if (req.has_end_time()) *updated.code.mutable_end_time() = req.end_time();
    return codes_.Update(tx, updated);
  }));
  // The scan path must see a pause at once: publish before answering.
  QRCLOUD_RETURN_IF_ERROR(slugs_.Changed(updated));
  resp = std::move(updated.code);
  return absl::OkStatus();
}

absl::StatusOr<qr::Format> CodeLogic::ImageFormat(const v1::GetCodeImageRequest& req) {
  const std::string format = req.format().empty() ? "svg" : absl::AsciiStrToLower(req.format());
  if (format == "svg") return qr::Format::kSvg;
  if (format == "png") return qr::Format::kPng;
  if (format == "pdf") return qr::Format::kPdf;
  return core::InvalidField(
      "format", absl::StrCat("\"", req.format(), "\" is not a format; accepted: svg, png, pdf"));
}

absl::StatusOr<qr::CodeStyle> CodeLogic::ImageStyle(const v1::GetCodeImageRequest& req,
                                                    const CodeRow& row) {
  qr::CodeStyle style;
  if (!req.foreground().empty()) style.foreground = req.foreground();
  if (!req.background().empty()) style.background = req.background();
  if (req.logo_area() != 0 && req.logo().empty()) {
    return core::InvalidField("logoArea",
                              "is only for a logo: give logo (an uploaded PNG's id) too");
  }
  if (req.logo().empty()) return style;
  const double area = req.logo_area() == 0 ? 0.06 : req.logo_area();
  if (!(area > 0) || area > qr::kMaxLogoArea) {
    return core::InvalidField(
        "logoArea", absl::StrFormat("is %g: the logo is too large; it may cover more than 0 and "
                                    "at most %.2f of the code, or the code stops reading",
                                    area, qr::kMaxLogoArea));
  }
  QRCLOUD_ASSIGN_OR_RETURN(std::string png, LogoPng(row, req.logo()));
  style.logo = qr::Logo{std::move(png), area};
  return style;
}

absl::Status CodeLogic::Image(const rpc::CallContext& call, const v1::GetCodeImageRequest& req,
                              google::api::HttpBody& resp) {
  QRCLOUD_ASSIGN_OR_RETURN(CodeRow row, Owned(call, req.id()));
  QRCLOUD_ASSIGN_OR_RETURN(const qr::Format format, ImageFormat(req));
  const std::string style_name = req.style().empty() ? "plain" : req.style();
  if (style_name != "plain" && style_name != "sticker") {
    return core::InvalidField(
        "style", absl::StrCat("\"", req.style(), "\" is not a style; accepted: plain, sticker"));
  }
  if (!req.lang().empty() && req.lang() != "zh" && req.lang() != "en") {
    return core::InvalidField("lang", "accepted: zh, en");
  }
  QRCLOUD_ASSIGN_OR_RETURN(qr::CodeStyle style, ImageStyle(req, row));
  qr::EncodeOptions encode;
  // A logo hides modules: only level H recovers them.
  encode.level = style.logo ? qr::EcLevel::kHigh : LevelOf(row.code.error_correction());
  QRCLOUD_ASSIGN_OR_RETURN(const std::string content, SymbolContent(row, req.platform_code()));
  QRCLOUD_ASSIGN_OR_RETURN(qr::Matrix matrix, qr::Encode(content, encode));
  resp.set_content_type(format == qr::Format::kPng   ? "image/png"
                        : format == qr::Format::kPdf ? "application/pdf"
                                                     : "image/svg+xml");
  if (style_name == "sticker") {
    qr::StickerText text;
    text.caption = req.caption().empty() ? row.code.label() : req.caption();
    QRCLOUD_ASSIGN_OR_RETURN(text.merchant_name, MerchantName(row));
    if (req.lang() == "en") text.instruction = "Scan to see the offer";
    if (req.lang() == "zh") text.instruction = "扫码查看优惠";
    qr::StickerOptions options;
    options.style = style;
    QRCLOUD_ASSIGN_OR_RETURN(*resp.mutable_data(),
                             qr::RenderSticker(matrix, text, format, options));
    return absl::OkStatus();
  }
  QRCLOUD_ASSIGN_OR_RETURN(*resp.mutable_data(), RenderPlain(matrix, format, style, req.size()));
  return absl::OkStatus();
}

absl::StatusOr<std::string> CodeLogic::RenderPlain(const qr::Matrix& matrix, qr::Format format,
                                                   const qr::CodeStyle& style, int32_t size) {
  switch (format) {
    case qr::Format::kSvg:
      return qr::RenderSvg(matrix, qr::SvgOptions{style, size});
    case qr::Format::kPng: {
      qr::PngOptions o;
      o.style = style;
      if (size != 0) o.size = size;
      return qr::RenderPng(matrix, o);
    }
    default: {
      qr::PdfOptions o;
      o.style = style;
      if (size != 0) o.size_pt = size;
      return qr::RenderPdf(matrix, o);
    }
  }
}

absl::StatusOr<std::string> CodeLogic::LogoPng(const CodeRow& row, const std::string& media_id) {
  // Only the code's merchant's own uploads; anyone else's look like none.
  const auto not_found = [&] {
    return core::InvalidField(
        "logo", absl::StrCat("\"", media_id, "\" is not an image this merchant uploaded"));
  };
  if (!core::IsValidId(media_id) || row.code.merchant_id().empty()) return not_found();
  auto media = media_.Get(media_id);
  if (absl::IsNotFound(media.status())) return not_found();
  if (!media.ok()) return media.status();
  if (media->meta.merchant_id() != row.code.merchant_id()) return not_found();
  if (media->meta.content_type() != "image/png") {
    return core::InvalidField(
        "logo", absl::StrCat("is ", media->meta.content_type(), "; a logo must be a PNG"));
  }
  return std::move(media->data);
}

absl::StatusOr<std::string> CodeLogic::MerchantName(const CodeRow& row) {
  if (row.code.merchant_id().empty()) return std::string();
  auto merchant = merchants_.Get(row.code.merchant_id());
  if (merchant.status().code() == absl::StatusCode::kNotFound) return std::string();
  if (!merchant.ok()) return merchant.status();
  return merchant->display_name();
}

absl::Status CodeLogic::BatchSheet(const rpc::CallContext& call,
                                   const v1::GetBatchSheetRequest& req,
                                   rpc::StreamWriter<google::api::HttpBody>& out) {
  if (req.batch_id().empty()) return core::InvalidField("batchId", "is required");
  auto slot = sheet_slots_.TryTake();
  if (!slot) {
    return core::RetryAfter(absl::Seconds(5),
                            "print sheets are being drawn for other requests; retry shortly");
  }
  QRCLOUD_ASSIGN_OR_RETURN(std::vector<CodeRow> rows,
                           BatchRows(call.caller().account_id, req.batch_id()));
  if (rows.empty())
    return absl::NotFoundError(absl::StrCat("batch ", req.batch_id(), " not found"));
  QRCLOUD_ASSIGN_OR_RETURN(std::string merchant_name, MerchantName(rows.front()));
  std::vector<qr::StickerItem> items;
  items.reserve(rows.size());
  qr::EncodeOptions encode;
  encode.level = LevelOf(rows.front().code.error_correction());
  for (const CodeRow& row : rows) {
    QRCLOUD_ASSIGN_OR_RETURN(qr::Matrix matrix, qr::Encode(SymbolContent(row), encode));
    qr::StickerText text = qr::TableStickerText(row.code.number(), merchant_name);
    // A caption other than the default numbering names the batch ("Shelf 3").
    if (!row.code.label().empty() && row.code.label() != absl::StrCat(row.code.number())) {
      text.caption = row.code.label();
    }
    items.push_back({std::move(matrix), std::move(text)});
  }
  bool first = true;
  return qr::StreamStickerSheet(items, {}, kSheetPartBytes, [&](std::string part) {
    google::api::HttpBody body;
    if (first) body.set_content_type("application/pdf");
    first = false;
    *body.mutable_data() = std::move(part);
    return out.Write(body);
  });
}

absl::Status CodeLogic::Stats(const rpc::CallContext& call, const v1::GetCodeStatsRequest& req,
                              v1::CodeStats& resp) {
  QRCLOUD_ASSIGN_OR_RETURN(CodeRow row, Owned(call, req.id()));
  QRCLOUD_ASSIGN_OR_RETURN(resp, codes_.Stats(row.code.id()));
  return absl::OkStatus();
}

absl::Status CodeLogic::Decode(const rpc::CallContext& call, const v1::DecodeImageRequest& req,
                               v1::DecodeImageResponse& resp) {
  (void)call;
  if (req.image().empty()) {
    return core::InvalidField("image", "is required: a PNG or JPEG image, base64-encoded in JSON");
  }
  if (req.image().size() > kMaxDecodeBytes) {
    return core::InvalidField("image", absl::StrCat("is ", req.image().size(), " bytes; at most ",
                                                    kMaxDecodeBytes, " are accepted"));
  }
  // In a child process: a decoder crash on a hostile image must not take the center down.
  QRCLOUD_ASSIGN_OR_RETURN(auto results, qr::DecodeIsolated(req.image(), options_.decoder_binary));
  for (const auto& r : results) {
    auto* out = resp.add_results();
    out->set_text(r.text);
    out->set_format(r.format == "QRCode" ? "QR_CODE" : r.format);
  }
  return absl::OkStatus();
}

absl::Status CodeLogic::Resolve(const rpc::CallContext& call, const v1::ResolveSlugRequest& req,
                                v1::ResolveSlugResponse& resp) {
  (void)call;
  auto slug = core::NormalizeSlug(req.slug());
  if (!slug) return absl::NotFoundError(absl::StrCat("no code has the link /s/", req.slug()));
  QRCLOUD_ASSIGN_OR_RETURN(CodeRow row, codes_.GetBySlug(*slug));
  resp = ResolutionOf(row);
  // Cache for the next gateway; a failure here only costs a later lookup.
  (void)slugs_.Put({row});
  return absl::OkStatus();
}

}  // namespace qrcloud::center
