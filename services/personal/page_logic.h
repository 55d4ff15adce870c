// A person's mobile pages, /me/wallet, /me/reminders and /me/feed
// (PersonalPageService; docs/pages.md). A page holds no personal data — its
// script signs the person in and reads their wallet, reminders and feed from
// the REST API — so every caller gets the same bytes: each page is rendered
// once per language when the service starts, and a request only picks one.
#ifndef QRCLOUD_SERVICES_PERSONAL_PAGE_LOGIC_H_
#define QRCLOUD_SERVICES_PERSONAL_PAGE_LOGIC_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "google/api/httpbody.pb.h"
#include "libs/rpc/dispatcher.h"
#include "qrcloud/v1/personal.pb.h"

namespace qrcloud::personal {

class PageLogic {
 public:
  // `public_url`: the platform's public base URL (images in shares are shown
  // only from its /media/).
  explicit PageLogic(const std::string& public_url);

  // The page `req.page` in `req.lang` (zh unless "en" or "en-…"), as
  // text/html. NOT_FOUND naming the pages there are for any other page.
  absl::Status GetPage(const rpc::CallContext& call, const v1::GetPersonalPageRequest& req,
                       google::api::HttpBody& resp);

 private:
  // "<page>:<zh|en>" → the page, or why it could not be rendered.
  std::map<std::string, absl::StatusOr<std::string>> pages_;
};

}  // namespace qrcloud::personal

#endif  // QRCLOUD_SERVICES_PERSONAL_PAGE_LOGIC_H_
