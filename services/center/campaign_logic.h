// A merchant's promotions, from draft through audit to publication and
// their end (patent claim 7), and the media they carry.
#ifndef QRCLOUD_SERVICES_CENTER_CAMPAIGN_LOGIC_H_
#define QRCLOUD_SERVICES_CENTER_CAMPAIGN_LOGIC_H_

#include <functional>
#include <string>

#include "google/api/httpbody.pb.h"
#include "libs/core/clock.h"
#include "libs/rpc/dispatcher.h"
#include "libs/store/tx.h"
#include "qrcloud/v1/campaign.pb.h"
#include "services/center/campaign_search.h"
#include "services/center/campaign_store.h"
#include "services/center/code_store.h"
#include "services/center/geo_index.h"
#include "services/center/media_store.h"
#include "services/center/merchant_store.h"

namespace qrcloud::center {

// An upload's largest size: its base64 (4/3 of it) with the JSON around it
// fits the gateway's 4 MiB body limit.
inline constexpr size_t kMaxMediaBytes = 3'000'000;
// Images a person may upload in 24 hours (for reviews and shares).
inline constexpr int64_t kMaxPersonMediaPerDay = 50;

struct CampaignOptions {
  std::string public_url;  // base of page URLs (/m/{slug}), media URLs and short links
};

// What else happens when a campaign's public face changes (pages are
// re-rendered, stock gates reset). Set by the center's wiring.
using CampaignListener = std::function<void(const v1::Campaign&)>;

// A public campaign's changes (published, edited, paused, resumed, ended),
// published through the outbox in the unit that makes each: the `campaigns`
// stream, its data the campaign as any visitor sees it (JSON). Drafts and
// refusals are not published.
inline constexpr char kCampaignStream[] = "campaigns";
inline constexpr char kCampaignChanged[] = "campaign.changed";

class CampaignLogic {
 public:
  CampaignLogic(store::TxRunner& runner, CampaignStore& campaigns, MerchantStore& merchants,
                CodeStore& codes, SlugCache& slugs, GeoIndex& geo, MediaStore& media,
                CampaignSearch& search, const core::Clock& clock, CampaignOptions options)
      : runner_(runner),
        campaigns_(campaigns),
        merchants_(merchants),
        codes_(codes),
        slugs_(slugs),
        geo_(geo),
        media_(media),
        search_(search),
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
  // A person's image (for reviews and shares), with the same checks.
  absl::Status UploadMyMedia(const rpc::CallContext& call, const v1::UploadMyMediaRequest& req,
                             v1::Media& resp);
  absl::Status GetMedia(const rpc::CallContext& call, const v1::GetMediaRequest& req,
                        google::api::HttpBody& resp);
  absl::Status RecordAuditDecision(const rpc::CallContext& call, const v1::AuditDecision& req,
                                   v1::Campaign& resp);

  // Validates a campaign's content as a merchant edits it; `prefix` names
  // the fields ("" or "campaign").
  static absl::Status Validate(const v1::Campaign& c, absl::string_view prefix);

 private:
  // Checks an upload (size, a whole image of the type it claims) and keeps
  // it; `meta` carries its owner and gets the rest.
  absl::Status StoreMedia(absl::string_view content_type, const std::string& data, v1::Media& meta);
  // Loads for change, checks the caller may write, runs `change`, saves.
  absl::Status Change(const rpc::CallContext& call, absl::string_view id,
                      const std::function<absl::Status(store::Tx&, CampaignRecord&)>& change,
                      v1::Campaign& resp);
  absl::Status SendToAudit(store::Tx& tx, CampaignRecord& rec, const v1::Campaign& content);
  // An edit of a draft or rejected campaign: in place, a draft again.
  absl::Status Redraft(CampaignRecord& rec, const v1::Campaign& next);
  // An edit of a live campaign: kept beside it, and sent to audit.
  absl::Status Revise(store::Tx& tx, CampaignRecord& rec, const v1::Campaign& next);
  // Page URL and code: what a campaign gets when it goes live.
  absl::Status Publish(store::Tx& tx, CampaignRecord& rec);
  // After a commit: the code's state and resolution, the geo index, the
  // search index, the listener (pages, stock gate).
  void AfterChange(const v1::Campaign& c);
  // Writes `rec`, its search document and, when it is public, its
  // campaign.changed event.
  absl::Status Save(store::Tx& tx, const CampaignRecord& rec);

  store::TxRunner& runner_;
  CampaignStore& campaigns_;
  MerchantStore& merchants_;
  CodeStore& codes_;
  SlugCache& slugs_;
  GeoIndex& geo_;
  MediaStore& media_;
  CampaignSearch& search_;
  const core::Clock& clock_;
  CampaignOptions options_;
  CampaignListener listener_;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_CAMPAIGN_LOGIC_H_
