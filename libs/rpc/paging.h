// Pages of a list, the one way every list call pages: the client asks for
// `page.pageSize` items (1 to 200; 0 means 50) after `page.pageToken`; the
// store is asked for one more than that, which tells whether there is a next
// page; the token of the next page is the id of the last item given.
//
//   QRCLOUD_ASSIGN_OR_RETURN(int size, rpc::PageSize(req.page()));
//   QRCLOUD_ASSIGN_OR_RETURN(auto items, store.List(..., req.page().page_token(), size + 1));
//   if (std::string next = rpc::TakePage(items, size); !next.empty()) {
//     resp.mutable_page()->set_next_page_token(next);  // no page object on the last page
//   }
#ifndef QRCLOUD_LIBS_RPC_PAGING_H_
#define QRCLOUD_LIBS_RPC_PAGING_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "qrcloud/v1/common.pb.h"

namespace qrcloud::rpc {

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 200;

// The page size asked for; INVALID_ARGUMENT naming page.pageSize outside 0..200.
absl::StatusOr<int> PageSize(const v1::PageRequest& page);
// The same for a request that carries its page size as a field of its own.
absl::StatusOr<int> PageSize(int32_t size, absl::string_view field);

// Keeps the first `size` of `items` (fetched as size + 1) and returns the next
// page's token: the last kept item's id, or "" on the last page.
template <typename T>
std::string TakePage(std::vector<T>& items, int size) {
  if (static_cast<int>(items.size()) <= size) return "";
  items.resize(size);
  return items.back().id();
}

}  // namespace qrcloud::rpc

#endif  // QRCLOUD_LIBS_RPC_PAGING_H_
