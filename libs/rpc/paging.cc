#include "libs/rpc/paging.h"

#include "absl/strings/str_cat.h"
#include "libs/core/status.h"

namespace qrcloud::rpc {

absl::StatusOr<int> PageSize(const v1::PageRequest& page) {
  const int size = page.page_size();
  if (size < 0 || size > kMaxPageSize) {
    return core::InvalidField("page.pageSize", absl::StrCat("must be 1 to ", kMaxPageSize));
  }
  return size == 0 ? kDefaultPageSize : size;
}

}  // namespace qrcloud::rpc
