// The first page of each person's feed, kept in Redis and checked against
// versions of what it was made from, so a feed is answered without MySQL
// until something it shows could have changed.
//
// Three kinds of version counter (Redis INCR):
//   - a person's: bumped when who they are to circles changes (their
//     interests, location, friendships, joins);
//   - a circle's: bumped when its shares change (a new share, a moderation
//     decision, a comment);
//   - all circles': bumped when a circle is made (a new location or friends
//     circle may hold anyone).
// A page is stored with the versions read *before* it was built; a lookup
// compares them with the current ones. A change commits, then bumps: a page
// built concurrently was stored with the old version and is never served.
// A process that dies between a commit and its bump leaves a page stale for
// at most the entries' time to live (--feed_cache_ttl). Redis errors only
// make misses. See docs/personal.md.
#ifndef QRCLOUD_SERVICES_PERSONAL_FEED_CACHE_H_
#define QRCLOUD_SERVICES_PERSONAL_FEED_CACHE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/cache/redis.h"
#include "qrcloud/v1/social.pb.h"

namespace qrcloud::personal {

// What changes a feed; told after the change committed.
class FeedEvents {
 public:
  virtual ~FeedEvents() = default;
  virtual void ViewerChanged(absl::string_view account_id) = 0;
  virtual void CircleChanged(absl::string_view circle_id) = 0;
  virtual void CircleAdded() = 0;
};

class FeedCache final : public FeedEvents {
 public:
  FeedCache(cache::RedisPool& redis, absl::Duration ttl) : redis_(redis), ttl_(ttl) {}

  // The versions a page for `viewer` is about to be built from.
  struct Versions {
    int64_t viewer = 0;
    int64_t circles = 0;
    std::vector<std::string> circle_ids;
    std::vector<int64_t> circle_versions;
  };
  // The person's and all circles' versions; nullopt when Redis failed.
  std::optional<Versions> Begin(absl::string_view viewer);
  // Adds the versions of the circles the page reads; false when Redis failed.
  bool AddCircles(Versions& versions, const std::vector<std::string>& circle_ids);

  // The stored first page of `page_size` items, if nothing it shows changed
  // (one round trip: a script compares the versions).
  std::optional<v1::ListFeedResponse> Lookup(absl::string_view viewer, int page_size);
  void Store(absl::string_view viewer, int page_size, const Versions& versions,
             const v1::ListFeedResponse& page);

  void ViewerChanged(absl::string_view account_id) override;
  void CircleChanged(absl::string_view circle_id) override;
  void CircleAdded() override;

 private:
  void Bump(std::string key);

  cache::RedisPool& redis_;
  const absl::Duration ttl_;
};

}  // namespace qrcloud::personal

#endif  // QRCLOUD_SERVICES_PERSONAL_FEED_CACHE_H_
