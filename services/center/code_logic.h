// Managed QR codes: creation (single and numbered batches), their images
// and print sheets, decoding uploaded photos, statistics, and the slug
// resolution behind the gateway's scan path.
#ifndef QRCLOUD_SERVICES_CENTER_CODE_LOGIC_H_
#define QRCLOUD_SERVICES_CENTER_CODE_LOGIC_H_

#include <string>

#include "google/api/httpbody.pb.h"
#include "libs/core/clock.h"
#include "libs/core/slots.h"
#include "libs/qr/code_style.h"
#include "libs/qr/encoder.h"
#include "libs/qr/sticker.h"
#include "libs/rpc/dispatcher.h"
#include "libs/store/tx.h"
#include "qrcloud/v1/code.pb.h"
#include "services/center/code_store.h"
#include "services/center/media_store.h"
#include "services/center/merchant_store.h"

namespace qrcloud::center {

inline constexpr int kMaxBatchCodes = 10000;
// A batch's sheet is streamed in parts of about this size.
inline constexpr size_t kSheetPartBytes = 1 << 20;

struct CodeOptions {
  std::string public_url;      // base of short links (/s/{slug})
  std::string decoder_binary;  // qrcloud-qr-decode: decodes uploads in a child process
  // Sheets drawn at once: a 10,000-code sheet is seconds of CPU, so more
  // wait (RESOURCE_EXHAUSTED with a retry delay) rather than starve the
  // other calls of the workers and cores.
  int max_concurrent_sheets = 2;
};

class CodeLogic {
 public:
  CodeLogic(store::TxRunner& runner, CodeStore& codes, SlugCache& slugs, MerchantStore& merchants,
            MediaStore& media, const core::Clock& clock, CodeOptions options)
      : runner_(runner),
        codes_(codes),
        slugs_(slugs),
        merchants_(merchants),
        media_(media),
        clock_(clock),
        options_(std::move(options)) {}

  absl::Status Create(const rpc::CallContext& call, const v1::CreateCodeRequest& req,
                      v1::Code& resp);
  absl::Status BatchCreate(const rpc::CallContext& call, const v1::BatchCreateCodesRequest& req,
                           v1::BatchCreateCodesResponse& resp);
  absl::Status Get(const rpc::CallContext& call, const v1::GetCodeRequest& req, v1::Code& resp);
  absl::Status List(const rpc::CallContext& call, const v1::ListCodesRequest& req,
                    v1::ListCodesResponse& resp);
  absl::Status Update(const rpc::CallContext& call, const v1::UpdateCodeRequest& req,
                      v1::Code& resp);
  absl::Status Image(const rpc::CallContext& call, const v1::GetCodeImageRequest& req,
                     google::api::HttpBody& resp);
  // Streams the PDF: the first part carries the content type.
  absl::Status BatchSheet(const rpc::CallContext& call, const v1::GetBatchSheetRequest& req,
                          rpc::StreamWriter<google::api::HttpBody>& out);
  absl::Status Stats(const rpc::CallContext& call, const v1::GetCodeStatsRequest& req,
                     v1::CodeStats& resp);
  absl::Status Decode(const rpc::CallContext& call, const v1::DecodeImageRequest& req,
                      v1::DecodeImageResponse& resp);
  absl::Status Resolve(const rpc::CallContext& call, const v1::ResolveSlugRequest& req,
                       v1::ResolveSlugResponse& resp);

 private:
  // Validates a create request's target and fills `row`'s target fields.
  absl::Status RequireQualified(const auth::Principal& caller);
  absl::Status FillTarget(const rpc::CallContext& call, const v1::CreateCodeRequest& req,
                          CodeRow& row, absl::string_view field_prefix);
  absl::StatusOr<CodeRow> Owned(const rpc::CallContext& call, absl::string_view id);
  // The answer to a retried batch request: the batch it made, or
  // INVALID_ARGUMENT if the request id came with a different request.
  absl::Status AnswerRetry(const CodeBatch& batch, absl::string_view request_id,
                           absl::string_view request_hash, v1::BatchCreateCodesResponse& resp);
  // A batch's codes in number order; none when `owner` has no such batch.
  absl::StatusOr<std::vector<CodeRow>> BatchRows(absl::string_view owner,
                                                 absl::string_view batch_id);
  // The PNG bytes of `media_id`, an upload of the code's merchant.
  absl::StatusOr<std::string> LogoPng(const CodeRow& row, const std::string& media_id);
  absl::StatusOr<std::string> MerchantName(const CodeRow& row);
  static absl::StatusOr<qr::Format> ImageFormat(const v1::GetCodeImageRequest& req);
  absl::StatusOr<qr::CodeStyle> ImageStyle(const v1::GetCodeImageRequest& req, const CodeRow& row);
  static absl::StatusOr<std::string> RenderPlain(const qr::Matrix& matrix, qr::Format format,
                                                 const qr::CodeStyle& style, int32_t size);

  store::TxRunner& runner_;
  CodeStore& codes_;
  SlugCache& slugs_;
  MerchantStore& merchants_;
  MediaStore& media_;
  const core::Clock& clock_;
  const CodeOptions options_;
  core::Slots sheet_slots_{options_.max_concurrent_sheets};
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_CODE_LOGIC_H_
