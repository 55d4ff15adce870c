// The transactional outbox: an event is written to MySQL in the same
// transaction as the change it describes, and a relay appends it to its Redis
// stream afterwards. So an event is never lost when a change commits, and
// never published for a change that rolled back. The relay may publish an
// event twice (a crash between XADD and marking it published); consumers are
// idempotent on the event id.
//
#ifndef QRCLOUD_LIBS_STORE_OUTBOX_H_
#define QRCLOUD_LIBS_STORE_OUTBOX_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/cache/redis.h"
#include "libs/core/background_loop.h"
#include "libs/store/migrations.h"
#include "libs/store/mysql.h"

namespace qrcloud::store {

struct OutboxEvent {
  std::string stream;  // e.g. "audit"
  std::string type;    // e.g. "qualification.submitted"
  std::string data;    // JSON
};

// Appends `event` inside the caller's transaction; returns its event id.
absl::StatusOr<std::string> AppendToOutbox(Connection& conn, const OutboxEvent& event);

// The table's migrations (libs/store/migrations/), applied as the component
// "outbox" of a service's database: the service kit applies them for every
// service that sets `outbox` (libs/service/host.h); nobody re-types the DDL.
namespace outbox {
std::vector<Migration> Migrations();
}  // namespace outbox

// Publishes pending events every `poll`, at once when nudged, and again at
// once while a round found a full batch.
class OutboxRelay {
 public:
  OutboxRelay(MysqlPool& mysql, cache::RedisPool& redis,
              absl::Duration poll = absl::Milliseconds(200));

  void Start() { loop_.Start(); }
  void Stop() { loop_.Stop(); }
  // Wakes the relay now (after a commit that appended events).
  void Nudge() { loop_.Nudge(); }
  // Publishes what is pending, once; returns how many events went out.
  absl::StatusOr<int> PublishPending(int limit = 200);

 private:
  MysqlPool& mysql_;
  cache::RedisPool& redis_;
  core::BackgroundLoop loop_;
};

}  // namespace qrcloud::store

#endif  // QRCLOUD_LIBS_STORE_OUTBOX_H_
