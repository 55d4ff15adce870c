// Codes and batches in MySQL (tables codes, code_batches; statistics from
// code_scan_hours).
#ifndef QRCLOUD_SERVICES_CENTER_MYSQL_CODE_STORE_H_
#define QRCLOUD_SERVICES_CENTER_MYSQL_CODE_STORE_H_

#include <string>

#include "libs/store/mysql.h"
#include "services/center/code_store.h"

namespace qrcloud::center {

class MysqlCodeStore final : public CodeStore {
 public:
  // `public_url` makes the short links of codes read back.
  MysqlCodeStore(store::MysqlPool& mysql, std::string public_url)
      : mysql_(mysql), public_url_(std::move(public_url)) {}

  absl::Status Insert(store::Tx& tx, const CodeRow& row) override;
  absl::Status InsertBatch(store::Tx& tx, const CodeBatch& batch,
                           const std::vector<CodeRow>& rows) override;
  absl::StatusOr<std::optional<CodeBatch>> BatchByRequest(absl::string_view owner,
                                                          absl::string_view request_id) override;
  absl::StatusOr<CodeRow> Get(absl::string_view id) override;
  absl::StatusOr<CodeRow> Get(store::Tx& tx, absl::string_view id, bool for_update) override;
  absl::StatusOr<CodeRow> GetBySlug(absl::string_view slug) override;
  absl::StatusOr<std::vector<CodeRow>> List(absl::string_view owner, absl::string_view campaign_id,
                                            absl::string_view batch_id, absl::string_view after_id,
                                            int limit) override;
  absl::Status Update(store::Tx& tx, const CodeRow& row) override;
  absl::StatusOr<v1::CodeStats> Stats(absl::string_view code_id) override;

 private:
  absl::StatusOr<CodeRow> Load(store::Connection& conn, absl::string_view where,
                               absl::string_view key, bool for_update);
  CodeRow FromRow(const store::Row& r) const;

  store::MysqlPool& mysql_;
  std::string public_url_;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_MYSQL_CODE_STORE_H_
