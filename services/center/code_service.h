// CodeService: the gRPC adapter of CodeLogic.
#ifndef QRCLOUD_SERVICES_CENTER_CODE_SERVICE_H_
#define QRCLOUD_SERVICES_CENTER_CODE_SERVICE_H_

#include "google/api/httpbody.pb.h"
#include "libs/rpc/dispatcher.h"
#include "qrcloud/v1/code.grpc.pb.h"
#include "services/center/code_logic.h"

namespace qrcloud::center {

class CodeServiceImpl : public v1::CodeService::CallbackService {
 public:
  CodeServiceImpl(CodeLogic& logic, rpc::DispatcherDeps deps)
      : logic_(logic), dispatcher_("qrcloud.v1.CodeService", deps) {
    // A batch's answer can be megabytes: its request id is kept in MySQL.
    dispatcher_.KeepsOwnIdempotency("BatchCreateCodes");
  }

  grpc::ServerUnaryReactor* CreateCode(grpc::CallbackServerContext* ctx,
                                       const v1::CreateCodeRequest* req, v1::Code* resp) override {
    return dispatcher_.Unary(ctx, "CreateCode", req, resp, logic_, &CodeLogic::Create);
  }
  grpc::ServerUnaryReactor* BatchCreateCodes(grpc::CallbackServerContext* ctx,
                                             const v1::BatchCreateCodesRequest* req,
                                             v1::BatchCreateCodesResponse* resp) override {
    return dispatcher_.Unary(ctx, "BatchCreateCodes", req, resp, logic_, &CodeLogic::BatchCreate);
  }
  grpc::ServerUnaryReactor* GetCode(grpc::CallbackServerContext* ctx, const v1::GetCodeRequest* req,
                                    v1::Code* resp) override {
    return dispatcher_.Unary(ctx, "GetCode", req, resp, logic_, &CodeLogic::Get);
  }
  grpc::ServerUnaryReactor* ListCodes(grpc::CallbackServerContext* ctx,
                                      const v1::ListCodesRequest* req,
                                      v1::ListCodesResponse* resp) override {
    return dispatcher_.Unary(ctx, "ListCodes", req, resp, logic_, &CodeLogic::List);
  }
  grpc::ServerUnaryReactor* UpdateCode(grpc::CallbackServerContext* ctx,
                                       const v1::UpdateCodeRequest* req, v1::Code* resp) override {
    return dispatcher_.Unary(ctx, "UpdateCode", req, resp, logic_, &CodeLogic::Update);
  }
  grpc::ServerUnaryReactor* GetCodeImage(grpc::CallbackServerContext* ctx,
                                         const v1::GetCodeImageRequest* req,
                                         google::api::HttpBody* resp) override {
    return dispatcher_.Unary(ctx, "GetCodeImage", req, resp, logic_, &CodeLogic::Image);
  }
  grpc::ServerWriteReactor<google::api::HttpBody>* GetBatchSheet(
      grpc::CallbackServerContext* ctx, const v1::GetBatchSheetRequest* req) override {
    return dispatcher_.ServerStream(ctx, "GetBatchSheet", req, logic_, &CodeLogic::BatchSheet);
  }
  grpc::ServerUnaryReactor* GetCodeStats(grpc::CallbackServerContext* ctx,
                                         const v1::GetCodeStatsRequest* req,
                                         v1::CodeStats* resp) override {
    return dispatcher_.Unary(ctx, "GetCodeStats", req, resp, logic_, &CodeLogic::Stats);
  }
  grpc::ServerUnaryReactor* DecodeImage(grpc::CallbackServerContext* ctx,
                                        const v1::DecodeImageRequest* req,
                                        v1::DecodeImageResponse* resp) override {
    return dispatcher_.Unary(ctx, "DecodeImage", req, resp, logic_, &CodeLogic::Decode);
  }
  grpc::ServerUnaryReactor* ResolveSlug(grpc::CallbackServerContext* ctx,
                                        const v1::ResolveSlugRequest* req,
                                        v1::ResolveSlugResponse* resp) override {
    return dispatcher_.Unary(ctx, "ResolveSlug", req, resp, logic_, &CodeLogic::Resolve);
  }

 private:
  CodeLogic& logic_;
  rpc::Dispatcher dispatcher_;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_CODE_SERVICE_H_
