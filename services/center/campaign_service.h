// CampaignService: the gRPC adapter of CampaignLogic.
#ifndef QRCLOUD_SERVICES_CENTER_CAMPAIGN_SERVICE_H_
#define QRCLOUD_SERVICES_CENTER_CAMPAIGN_SERVICE_H_

#include "google/api/httpbody.pb.h"
#include "libs/rpc/dispatcher.h"
#include "qrcloud/v1/campaign.grpc.pb.h"
#include "services/center/campaign_logic.h"

namespace qrcloud::center {

class CampaignServiceImpl : public v1::CampaignService::CallbackService {
 public:
  CampaignServiceImpl(CampaignLogic& logic, rpc::DispatcherDeps deps)
      : logic_(logic), dispatcher_("qrcloud.v1.CampaignService", deps) {}

  grpc::ServerUnaryReactor* CreateCampaign(grpc::CallbackServerContext* ctx,
                                           const v1::CreateCampaignRequest* req,
                                           v1::Campaign* resp) override {
    return dispatcher_.Unary(ctx, "CreateCampaign", req, resp, logic_, &CampaignLogic::Create);
  }
  grpc::ServerUnaryReactor* GetCampaign(grpc::CallbackServerContext* ctx,
                                        const v1::GetCampaignRequest* req,
                                        v1::Campaign* resp) override {
    return dispatcher_.Unary(ctx, "GetCampaign", req, resp, logic_, &CampaignLogic::Get);
  }
  grpc::ServerUnaryReactor* UpdateCampaign(grpc::CallbackServerContext* ctx,
                                           const v1::UpdateCampaignRequest* req,
                                           v1::Campaign* resp) override {
    return dispatcher_.Unary(ctx, "UpdateCampaign", req, resp, logic_, &CampaignLogic::Update);
  }
  grpc::ServerUnaryReactor* ListCampaigns(grpc::CallbackServerContext* ctx,
                                          const v1::ListCampaignsRequest* req,
                                          v1::ListCampaignsResponse* resp) override {
    return dispatcher_.Unary(ctx, "ListCampaigns", req, resp, logic_, &CampaignLogic::List);
  }
  grpc::ServerUnaryReactor* SubmitCampaign(grpc::CallbackServerContext* ctx,
                                           const v1::CampaignActionRequest* req,
                                           v1::Campaign* resp) override {
    return dispatcher_.Unary(ctx, "SubmitCampaign", req, resp, logic_, &CampaignLogic::Submit);
  }
  grpc::ServerUnaryReactor* PauseCampaign(grpc::CallbackServerContext* ctx,
                                          const v1::CampaignActionRequest* req,
                                          v1::Campaign* resp) override {
    return dispatcher_.Unary(ctx, "PauseCampaign", req, resp, logic_, &CampaignLogic::Pause);
  }
  grpc::ServerUnaryReactor* ResumeCampaign(grpc::CallbackServerContext* ctx,
                                           const v1::CampaignActionRequest* req,
                                           v1::Campaign* resp) override {
    return dispatcher_.Unary(ctx, "ResumeCampaign", req, resp, logic_, &CampaignLogic::Resume);
  }
  grpc::ServerUnaryReactor* EndCampaign(grpc::CallbackServerContext* ctx,
                                        const v1::CampaignActionRequest* req,
                                        v1::Campaign* resp) override {
    return dispatcher_.Unary(ctx, "EndCampaign", req, resp, logic_, &CampaignLogic::End);
  }
  grpc::ServerUnaryReactor* SearchCampaigns(grpc::CallbackServerContext* ctx,
                                            const v1::SearchCampaignsRequest* req,
                                            v1::SearchCampaignsResponse* resp) override {
    return dispatcher_.Unary(ctx, "SearchCampaigns", req, resp, logic_, &CampaignLogic::Search);
  }
  grpc::ServerUnaryReactor* UploadMedia(grpc::CallbackServerContext* ctx,
                                        const v1::UploadMediaRequest* req,
                                        v1::Media* resp) override {
    return dispatcher_.Unary(ctx, "UploadMedia", req, resp, logic_, &CampaignLogic::UploadMedia);
  }
  grpc::ServerUnaryReactor* UploadMyMedia(grpc::CallbackServerContext* ctx,
                                          const v1::UploadMyMediaRequest* req,
                                          v1::Media* resp) override {
    return dispatcher_.Unary(ctx, "UploadMyMedia", req, resp, logic_,
                             &CampaignLogic::UploadMyMedia);
  }
  grpc::ServerUnaryReactor* GetMedia(grpc::CallbackServerContext* ctx,
                                     const v1::GetMediaRequest* req,
                                     google::api::HttpBody* resp) override {
    return dispatcher_.Unary(ctx, "GetMedia", req, resp, logic_, &CampaignLogic::GetMedia);
  }
  grpc::ServerUnaryReactor* RecordAuditDecision(grpc::CallbackServerContext* ctx,
                                                const v1::AuditDecision* req,
                                                v1::Campaign* resp) override {
    return dispatcher_.Unary(ctx, "RecordAuditDecision", req, resp, logic_,
                             &CampaignLogic::RecordAuditDecision);
  }

 private:
  CampaignLogic& logic_;
  rpc::Dispatcher dispatcher_;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_CAMPAIGN_SERVICE_H_
