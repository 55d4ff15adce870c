// Media as files in a directory (a volume in production), metadata in
// MySQL's table media.
#ifndef QRCLOUD_SERVICES_CENTER_MYSQL_MEDIA_STORE_H_
#define QRCLOUD_SERVICES_CENTER_MYSQL_MEDIA_STORE_H_

#include <string>

#include "libs/store/mysql.h"
#include "services/center/media_store.h"

namespace qrcloud::center {

class MysqlMediaStore final : public MediaStore {
 public:
  MysqlMediaStore(store::MysqlPool& mysql, std::string dir) : mysql_(mysql), dir_(std::move(dir)) {}
  absl::Status Put(const v1::Media& meta, absl::string_view data) override;
  absl::StatusOr<MediaFile> Get(absl::string_view id) override;
  absl::StatusOr<int64_t> CountByAccountSince(absl::string_view account_id,
                                              absl::Time since) override;

 private:
  store::MysqlPool& mysql_;
  std::string dir_;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_MYSQL_MEDIA_STORE_H_
