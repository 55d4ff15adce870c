#include "services/center/mysql_media_store.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "libs/core/ids.h"
#include "libs/core/status.h"

namespace qrcloud::center {
namespace {

absl::Status Missing(absl::string_view id) {
  return absl::NotFoundError(absl::StrCat("media ", id, " not found"));
}

}  // namespace

absl::Status MysqlMediaStore::Put(const v1::Media& meta, absl::string_view data) {
  {
    std::ofstream out(absl::StrCat(dir_, "/", meta.id()), std::ios::binary);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    out.flush();
    if (!out) return absl::UnavailableError("the media store cannot write the file");
  }
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  return conn
      ->Execute(
          "INSERT INTO media (id, merchant_id, account_id, content_type, size_bytes, sha256, "
          "created_at) VALUES (?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(6))",
          {meta.id(), meta.merchant_id(),
           meta.account_id().empty() ? store::Value(nullptr) : store::Value(meta.account_id()),
           meta.content_type(), meta.size_bytes(), meta.sha256()})
      .status();
}

absl::StatusOr<int64_t> MysqlMediaStore::CountByAccountSince(absl::string_view account_id,
                                                             absl::Time since) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  QRCLOUD_ASSIGN_OR_RETURN(
      store::Row row,
      conn->QueryOne("SELECT COUNT(*) AS n FROM media WHERE account_id = ? AND created_at >= ?",
                     {std::string(account_id), since}));
  return row.Int("n");
}

absl::StatusOr<MediaFile> MysqlMediaStore::Get(absl::string_view id) {
  // Ids are checked before they make a path.
  if (!core::IsValidId(id)) return Missing(id);
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  auto row = conn->QueryOne(
      "SELECT id, merchant_id, content_type, size_bytes, sha256 FROM media WHERE id = ?",
      {std::string(id)});
  if (row.status().code() == absl::StatusCode::kNotFound) return Missing(id);
  if (!row.ok()) return row.status();
  std::ifstream in(absl::StrCat(dir_, "/", id), std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("media ", id, " is missing from the store"));
  MediaFile file;
  file.meta.set_id(row->String("id"));
  file.meta.set_merchant_id(row->String("merchant_id"));
  file.meta.set_content_type(row->String("content_type"));
  file.meta.set_size_bytes(row->Int("size_bytes"));
  file.meta.set_sha256(row->String("sha256"));
  std::stringstream data;
  data << in.rdbuf();
  file.data = data.str();
  return file;
}

}  // namespace qrcloud::center
