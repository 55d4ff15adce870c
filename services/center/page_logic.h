// The mobile pages of published campaigns (/m/{slug}) and the merchants'
// electronic business cards (/m/{merchant id}), rendered by libs/web. A
// campaign page is rendered when the campaign goes live or changes, and
// kept in the page cache; a request renders it only if the cache lost it.
#ifndef QRCLOUD_SERVICES_CENTER_PAGE_LOGIC_H_
#define QRCLOUD_SERVICES_CENTER_PAGE_LOGIC_H_

#include <string>

#include "absl/strings/str_cat.h"
#include "google/api/httpbody.pb.h"
#include "libs/core/clock.h"
#include "libs/rpc/dispatcher.h"
#include "qrcloud/v1/page.pb.h"
#include "services/center/campaign_store.h"
#include "services/center/merchant_store.h"
#include "services/center/page_cache.h"

namespace qrcloud::center {

class PageLogic {
 public:
  PageLogic(CampaignStore& campaigns, MerchantStore& merchants, PageCache& pages,
            const core::Clock& clock, std::string public_url)
      : campaigns_(campaigns),
        merchants_(merchants),
        pages_(pages),
        clock_(clock),
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
  // The merchant if its qualification is approved; NOT_FOUND otherwise.
  absl::StatusOr<v1::Merchant> PublicMerchant(absl::string_view id);
  absl::StatusOr<std::string> Render(const v1::Campaign& campaign, const std::string& lang);
  std::string PageUrl(absl::string_view slug) const {
    return absl::StrCat(public_url_, "/m/", slug);
  }

  CampaignStore& campaigns_;
  MerchantStore& merchants_;
  PageCache& pages_;
  const core::Clock& clock_;
  std::string public_url_;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_PAGE_LOGIC_H_
