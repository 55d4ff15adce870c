// CodeService: managed QR codes — creation (single and numbered batches),
// their images and print sheets, decoding uploaded photos, statistics, and
// the slug resolution behind the gateway's scan path.
#ifndef QRCLOUD_SERVICES_CENTER_CODE_SERVICE_H_
#define QRCLOUD_SERVICES_CENTER_CODE_SERVICE_H_

#include "google/api/httpbody.pb.h"
#include "libs/core/clock.h"
#include "libs/rpc/dispatcher.h"
#include "qrcloud/v1/code.grpc.pb.h"
#include "services/center/code_store.h"
#include "services/center/merchant_store.h"

namespace qrcloud::center {

inline constexpr int kMaxBatchCodes = 10000;

class CodeLogic {
 public:
  // `decoder_binary` is qrcloud-qr-decode, which decodes uploads in a child
  // process; `media_dir` holds uploaded media (logos).
  CodeLogic(CodeStore& codes, MerchantStore& merchants, const core::Clock& clock,
            std::string decoder_binary, std::string media_dir)
      : codes_(codes),
        merchants_(merchants),
        clock_(clock),
        decoder_binary_(std::move(decoder_binary)),
        media_dir_(std::move(media_dir)) {}

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
  absl::Status BatchSheet(const rpc::CallContext& call, const v1::GetBatchSheetRequest& req,
                          google::api::HttpBody& resp);
  absl::Status Stats(const rpc::CallContext& call, const v1::GetCodeStatsRequest& req,
                     v1::CodeStats& resp);
  absl::Status Decode(const rpc::CallContext& call, const v1::DecodeImageRequest& req,
                      v1::DecodeImageResponse& resp);
  absl::Status Resolve(const rpc::CallContext& call, const v1::ResolveSlugRequest& req,
                       v1::ResolveSlugResponse& resp);

 private:
  // Validates a create request's target and fills `row`'s target fields.
  absl::Status FillTarget(const rpc::CallContext& call, const v1::CreateCodeRequest& req,
                          CodeRow& row, absl::string_view field_prefix);
  absl::StatusOr<CodeRow> Owned(const rpc::CallContext& call, absl::string_view id);
  // The PNG bytes of `media_id`, an upload of the code's merchant.
  absl::StatusOr<std::string> LogoPng(const CodeRow& row, const std::string& media_id);
  absl::StatusOr<std::string> MerchantName(const CodeRow& row);

  CodeStore& codes_;
  MerchantStore& merchants_;
  const core::Clock& clock_;
  std::string decoder_binary_;
  std::string media_dir_;
};

class CodeServiceImpl : public v1::CodeService::CallbackService {
 public:
  CodeServiceImpl(CodeLogic& logic, rpc::DispatcherDeps deps)
      : logic_(logic), dispatcher_("qrcloud.v1.CodeService", deps) {}

  grpc::ServerUnaryReactor* CreateCode(grpc::CallbackServerContext* ctx,
                                       const v1::CreateCodeRequest* req, v1::Code* resp) override;
  grpc::ServerUnaryReactor* BatchCreateCodes(grpc::CallbackServerContext* ctx,
                                             const v1::BatchCreateCodesRequest* req,
                                             v1::BatchCreateCodesResponse* resp) override;
  grpc::ServerUnaryReactor* GetCode(grpc::CallbackServerContext* ctx, const v1::GetCodeRequest* req,
                                    v1::Code* resp) override;
  grpc::ServerUnaryReactor* ListCodes(grpc::CallbackServerContext* ctx,
                                      const v1::ListCodesRequest* req,
                                      v1::ListCodesResponse* resp) override;
  grpc::ServerUnaryReactor* UpdateCode(grpc::CallbackServerContext* ctx,
                                       const v1::UpdateCodeRequest* req, v1::Code* resp) override;
  grpc::ServerUnaryReactor* GetCodeImage(grpc::CallbackServerContext* ctx,
                                         const v1::GetCodeImageRequest* req,
                                         google::api::HttpBody* resp) override;
  grpc::ServerUnaryReactor* GetBatchSheet(grpc::CallbackServerContext* ctx,
                                          const v1::GetBatchSheetRequest* req,
                                          google::api::HttpBody* resp) override;
  grpc::ServerUnaryReactor* GetCodeStats(grpc::CallbackServerContext* ctx,
                                         const v1::GetCodeStatsRequest* req,
                                         v1::CodeStats* resp) override;
  grpc::ServerUnaryReactor* DecodeImage(grpc::CallbackServerContext* ctx,
                                        const v1::DecodeImageRequest* req,
                                        v1::DecodeImageResponse* resp) override;
  grpc::ServerUnaryReactor* ResolveSlug(grpc::CallbackServerContext* ctx,
                                        const v1::ResolveSlugRequest* req,
                                        v1::ResolveSlugResponse* resp) override;

 private:
  CodeLogic& logic_;
  rpc::Dispatcher dispatcher_;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_CODE_SERVICE_H_
