// CampaignService: a merchant's promotions, from draft through audit to
// publication and their end (patent claim 7), and the media they carry.
#ifndef QRCLOUD_SERVICES_CENTER_CAMPAIGN_SERVICE_H_
#define QRCLOUD_SERVICES_CENTER_CAMPAIGN_SERVICE_H_

#include <functional>
#include <string>

#include "google/api/httpbody.pb.h"
#include "libs/core/clock.h"
#include "libs/rpc/dispatcher.h"
#include "libs/store/outbox.h"
#include "qrcloud/v1/campaign.grpc.pb.h"
#include "services/center/campaign_store.h"
#include "services/center/code_store.h"
#include "services/center/geo_index.h"
#include "services/center/merchant_store.h"

namespace qrcloud::center {

inline constexpr size_t kMaxMediaBytes = 5 * 1024 * 1024;

struct CampaignOptions {
  std::string public_url;  // base of page URLs (/m/{slug}) and media URLs (/media/{id})
  std::string media_dir;   // where uploaded media files are kept
};

// What else happens when a campaign's public face changes (pages are
// re-rendered, stock gates reset). Set by the center's wiring.
using CampaignListener = std::function<void(const v1::Campaign&)>;

class CampaignLogic {
 public:
  CampaignLogic(CampaignStore& campaigns, MerchantStore& merchants, CodeStore& codes, GeoIndex& geo,
                store::OutboxRelay* relay, const core::Clock& clock, CampaignOptions options)
      : campaigns_(campaigns),
        merchants_(merchants),
        codes_(codes),
        geo_(geo),
        relay_(relay),
        clock_(clock),
        options_(std::move(options)) {}

  void set_listener(CampaignListener listener) { listener_ = std::move(listener); }

  absl::Status Create(const rpc::CallContext& call, const v1::CreateCampaignRequest& req,
                      v1::Campaign& resp);
  absl::Status Get(const rpc::CallContext& call, const v1::GetCampaignRequest& req,
                   v1::Campaign& resp);
  absl::Status Update(const rpc::CallContext& call, const v1::UpdateCampaignRequest& req,
                      v1::Campaign& resp);
  absl::Status List(const rpc::CallContext& call, const v1::ListCampaignsRequest& req,
                    v1::ListCampaignsResponse& resp);
  absl::Status Submit(const rpc::CallContext& call, const v1::CampaignActionRequest& req,
                      v1::Campaign& resp);
  absl::Status Pause(const rpc::CallContext& call, const v1::CampaignActionRequest& req,
                     v1::Campaign& resp);
  absl::Status Resume(const rpc::CallContext& call, const v1::CampaignActionRequest& req,
                      v1::Campaign& resp);
  absl::Status End(const rpc::CallContext& call, const v1::CampaignActionRequest& req,
                   v1::Campaign& resp);
  absl::Status Search(const rpc::CallContext& call, const v1::SearchCampaignsRequest& req,
                      v1::SearchCampaignsResponse& resp);
  absl::Status UploadMedia(const rpc::CallContext& call, const v1::UploadMediaRequest& req,
                           v1::Media& resp);
  absl::Status GetMedia(const rpc::CallContext& call, const v1::GetMediaRequest& req,
                        google::api::HttpBody& resp);
  absl::Status RecordAuditDecision(const rpc::CallContext& call, const v1::AuditDecision& req,
                                   v1::Campaign& resp);

  // Validates a campaign's content as a merchant edits it; `prefix` names
  // the fields ("" or "campaign").
  static absl::Status Validate(const v1::Campaign& c, absl::string_view prefix);

 private:
  // Loads for change, checks the caller may write, runs `change`, saves.
  absl::Status Change(
      const rpc::CallContext& call, absl::string_view id,
      const std::function<absl::Status(store::Connection&, CampaignRecord&)>& change,
      v1::Campaign& resp);
  absl::Status SendToAudit(store::Connection& conn, CampaignRecord& rec,
                           const v1::Campaign& content);
  // Page URL, code, geo index: what a campaign gets when it goes live.
  absl::Status Publish(store::Connection& conn, CampaignRecord& rec);
  void AfterChange(const v1::Campaign& c);

  CampaignStore& campaigns_;
  MerchantStore& merchants_;
  CodeStore& codes_;
  GeoIndex& geo_;
  store::OutboxRelay* relay_;
  const core::Clock& clock_;
  CampaignOptions options_;
  CampaignListener listener_;
};

class CampaignServiceImpl : public v1::CampaignService::CallbackService {
 public:
  CampaignServiceImpl(CampaignLogic& logic, rpc::DispatcherDeps deps)
      : logic_(logic), dispatcher_("qrcloud.v1.CampaignService", deps) {}

  grpc::ServerUnaryReactor* CreateCampaign(grpc::CallbackServerContext*,
                                           const v1::CreateCampaignRequest*,
                                           v1::Campaign*) override;
  grpc::ServerUnaryReactor* GetCampaign(grpc::CallbackServerContext*, const v1::GetCampaignRequest*,
                                        v1::Campaign*) override;
  grpc::ServerUnaryReactor* UpdateCampaign(grpc::CallbackServerContext*,
                                           const v1::UpdateCampaignRequest*,
                                           v1::Campaign*) override;
  grpc::ServerUnaryReactor* ListCampaigns(grpc::CallbackServerContext*,
                                          const v1::ListCampaignsRequest*,
                                          v1::ListCampaignsResponse*) override;
  grpc::ServerUnaryReactor* SubmitCampaign(grpc::CallbackServerContext*,
                                           const v1::CampaignActionRequest*,
                                           v1::Campaign*) override;
  grpc::ServerUnaryReactor* PauseCampaign(grpc::CallbackServerContext*,
                                          const v1::CampaignActionRequest*, v1::Campaign*) override;
  grpc::ServerUnaryReactor* ResumeCampaign(grpc::CallbackServerContext*,
                                           const v1::CampaignActionRequest*,
                                           v1::Campaign*) override;
  grpc::ServerUnaryReactor* EndCampaign(grpc::CallbackServerContext*,
                                        const v1::CampaignActionRequest*, v1::Campaign*) override;
  grpc::ServerUnaryReactor* SearchCampaigns(grpc::CallbackServerContext*,
                                            const v1::SearchCampaignsRequest*,
                                            v1::SearchCampaignsResponse*) override;
  grpc::ServerUnaryReactor* UploadMedia(grpc::CallbackServerContext*, const v1::UploadMediaRequest*,
                                        v1::Media*) override;
  grpc::ServerUnaryReactor* GetMedia(grpc::CallbackServerContext*, const v1::GetMediaRequest*,
                                     google::api::HttpBody*) override;
  grpc::ServerUnaryReactor* RecordAuditDecision(grpc::CallbackServerContext*,
                                                const v1::AuditDecision*, v1::Campaign*) override;

 private:
  CampaignLogic& logic_;
  rpc::Dispatcher dispatcher_;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_CAMPAIGN_SERVICE_H_
