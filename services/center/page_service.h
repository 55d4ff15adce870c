// PageService: the mobile pages of published campaigns (/m/{slug}) and the
// merchants' electronic business cards (/m/{merchant id}), rendered by
// libs/web. A campaign page is rendered when the campaign goes live or
// changes, and kept in Redis; a request renders it only if Redis lost it.
#ifndef QRCLOUD_SERVICES_CENTER_PAGE_SERVICE_H_
#define QRCLOUD_SERVICES_CENTER_PAGE_SERVICE_H_

#include <string>

#include "google/api/httpbody.pb.h"
#include "libs/cache/redis.h"
#include "libs/rpc/dispatcher.h"
#include "qrcloud/v1/page.grpc.pb.h"
#include "services/center/campaign_store.h"
#include "services/center/merchant_store.h"

namespace qrcloud::center {

class PageLogic {
 public:
  PageLogic(CampaignStore& campaigns, MerchantStore& merchants, cache::RedisPool& redis,
            std::string public_url)
      : campaigns_(campaigns),
        merchants_(merchants),
        redis_(redis),
        public_url_(std::move(public_url)) {}

  absl::Status ListTemplates(const rpc::CallContext& call, const v1::ListTemplatesRequest& req,
                             v1::ListTemplatesResponse& resp);
  absl::Status GetPage(const rpc::CallContext& call, const v1::GetPageRequest& req,
                       google::api::HttpBody& resp);
  absl::Status GetMerchantCard(const rpc::CallContext& call, const v1::GetMerchantCardRequest& req,
                               v1::MerchantCard& resp);

  // Renders a campaign's page again (both languages) into Redis; called when
  // the campaign changes.
  absl::Status Refresh(const v1::Campaign& campaign);

 private:
  absl::StatusOr<std::string> Render(const v1::Campaign& campaign, const std::string& lang);
  std::string PageUrl(absl::string_view slug) const {
    return absl::StrCat(public_url_, "/m/", slug);
  }

  CampaignStore& campaigns_;
  MerchantStore& merchants_;
  cache::RedisPool& redis_;
  std::string public_url_;
};

class PageServiceImpl : public v1::PageService::CallbackService {
 public:
  PageServiceImpl(PageLogic& logic, rpc::DispatcherDeps deps)
      : logic_(logic), dispatcher_("qrcloud.v1.PageService", deps) {}

  grpc::ServerUnaryReactor* ListTemplates(grpc::CallbackServerContext*,
                                          const v1::ListTemplatesRequest*,
                                          v1::ListTemplatesResponse*) override;
  grpc::ServerUnaryReactor* GetPage(grpc::CallbackServerContext*, const v1::GetPageRequest*,
                                    google::api::HttpBody*) override;
  grpc::ServerUnaryReactor* GetMerchantCard(grpc::CallbackServerContext*,
                                            const v1::GetMerchantCardRequest*,
                                            v1::MerchantCard*) override;

 private:
  PageLogic& logic_;
  rpc::Dispatcher dispatcher_;
};

// Redis: a page's views per day (hash "YYYY-MM-DD" in UTC+8 → count).
std::string PageViewsKey(absl::string_view page_slug);

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_PAGE_SERVICE_H_
