// Where uploaded media (campaign images, code logos) are kept, as the logic
// sees it: files under a directory with their metadata in MySQL in the
// service (mysql_media_store.h), memory in unit tests.
#ifndef QRCLOUD_SERVICES_CENTER_MEDIA_STORE_H_
#define QRCLOUD_SERVICES_CENTER_MEDIA_STORE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "qrcloud/v1/campaign.pb.h"

namespace qrcloud::center {

struct MediaFile {
  v1::Media meta;  // id, merchant, content type, size, sha256
  std::string data;
};

class MediaStore {
 public:
  virtual ~MediaStore() = default;
  // Keeps the bytes, then the metadata: metadata never names missing bytes.
  virtual absl::Status Put(const v1::Media& meta, absl::string_view data) = 0;
  // NOT_FOUND naming the id.
  virtual absl::StatusOr<MediaFile> Get(absl::string_view id) = 0;
  // How many images the person uploaded since `since`.
  virtual absl::StatusOr<int64_t> CountByAccountSince(absl::string_view account_id,
                                                      absl::Time since) = 0;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_MEDIA_STORE_H_
