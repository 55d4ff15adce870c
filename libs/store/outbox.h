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
#include <thread>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "libs/cache/redis.h"
#include "libs/store/mysql.h"

namespace qrcloud::store {

struct OutboxEvent {
  std::string stream;  // e.g. "audit"
  std::string type;    // e.g. "qualification.submitted"
  std::string data;    // JSON
};

// Appends `event` inside the caller's transaction; returns its event id.
absl::StatusOr<std::string> AppendToOutbox(Connection& conn, const OutboxEvent& event);

// A service using the outbox creates this table in one of its migrations:
//   CREATE TABLE outbox (
//     id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
//     event_id CHAR(26) NOT NULL UNIQUE,
//     stream VARCHAR(64) NOT NULL, type VARCHAR(64) NOT NULL, data MEDIUMTEXT NOT NULL,
//     created_at DATETIME(6) NOT NULL, published_at DATETIME(6) NULL,
//     KEY outbox_pending (published_at, id));

class OutboxRelay {
 public:
  OutboxRelay(MysqlPool& mysql, cache::RedisPool& redis, absl::Duration poll = absl::Milliseconds(200))
      : mysql_(mysql), redis_(redis), poll_(poll) {}
  ~OutboxRelay() { Stop(); }

  void Start();
  void Stop();
  // Wakes the relay now (after a commit that appended events).
  void Nudge();
  // Publishes what is pending, once; returns how many events went out.
  absl::StatusOr<int> PublishPending(int limit = 200);

 private:
  void Loop();

  MysqlPool& mysql_;
  cache::RedisPool& redis_;
  absl::Duration poll_;
  absl::Mutex mu_;
  bool nudged_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace qrcloud::store

#endif  // QRCLOUD_LIBS_STORE_OUTBOX_H_
