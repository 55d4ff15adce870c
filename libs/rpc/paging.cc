#include "libs/rpc/paging.h"

#include "absl/strings/str_cat.h"
#include "libs/core/status.h"

namespace qrcloud::rpc {

absl::StatusOr<int> PageSize(const v1::PageRequest& page) {
  return PageSize(page.page_size(), "page.pageSize");
}

absl::StatusOr<int> PageSize(int32_t size, absl::string_view field) {
  if (size < 0 || size > kMaxPageSize) {
    return core::InvalidField(field,
                              absl::StrCat("must be 1 to ", kMaxPageSize, " (got ", size, ")"));
  }
  return size == 0 ? kDefaultPageSize : size;
}

}  // namespace qrcloud::rpc
