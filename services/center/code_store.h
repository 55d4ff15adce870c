// MySQL access for codes, batches and scan statistics, plus the Redis copy
// of each slug's resolution that the gateway's scan path reads.
#ifndef QRCLOUD_SERVICES_CENTER_CODE_STORE_H_
#define QRCLOUD_SERVICES_CENTER_CODE_STORE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/cache/redis.h"
#include "libs/store/mysql.h"
#include "qrcloud/v1/code.pb.h"

namespace qrcloud::center {

// Redis: the resolution of a slug (a serialized ResolveSlugResponse), and
// the channel that tells gateways to drop their cached copy.
inline constexpr char kSlugKeyPrefix[] = "qrcloud:slug:";
inline constexpr char kSlugChangedChannel[] = "qrcloud:slug-changed";

struct CodeRow {
  v1::Code code;
  std::string target_kind;  // URL, PAYLOAD, CAMPAIGN, MERCHANT
};

class CodeStore {
 public:
  CodeStore(store::MysqlPool& mysql, cache::RedisPool& redis, std::string public_url)
      : mysql_(mysql), redis_(redis), public_url_(std::move(public_url)) {}

  absl::Status Insert(store::Connection& conn, const CodeRow& row);
  // Many codes in multi-row INSERTs (a batch of table codes).
  absl::Status InsertMany(store::Connection& conn, const std::vector<CodeRow>& rows);
  // NOT_FOUND naming the id.
  absl::StatusOr<CodeRow> Get(absl::string_view id);
  absl::StatusOr<CodeRow> Get(store::Connection& conn, absl::string_view id, bool for_update);
  absl::StatusOr<CodeRow> GetBySlug(absl::string_view slug);
  absl::StatusOr<std::vector<CodeRow>> List(absl::string_view owner, absl::string_view campaign_id,
                                            absl::string_view batch_id, absl::string_view after_id,
                                            int limit);
  absl::Status Update(store::Connection& conn, const CodeRow& row);

  // Publishes a code's resolution to Redis and tells the gateways.
  absl::Status PublishResolution(const CodeRow& row);
  v1::ResolveSlugResponse Resolution(const CodeRow& row) const;

  absl::StatusOr<v1::CodeStats> Stats(absl::string_view code_id);

  std::string ShortUrl(absl::string_view slug) const;
  store::MysqlPool& mysql() { return mysql_; }
  cache::RedisPool& redis() { return redis_; }

 private:
  store::MysqlPool& mysql_;
  cache::RedisPool& redis_;
  std::string public_url_;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_CODE_STORE_H_
