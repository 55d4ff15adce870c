#include "libs/store/outbox.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/core/ids.h"
#include "libs/core/log.h"
#include "libs/core/status.h"

namespace qrcloud::store {

absl::StatusOr<std::string> AppendToOutbox(Connection& conn, const OutboxEvent& event) {
  std::string id = core::NewId();
  QRCLOUD_RETURN_IF_ERROR(
      conn.Execute("INSERT INTO outbox (event_id, stream, type, data, created_at) "
                   "VALUES (?, ?, ?, ?, UTC_TIMESTAMP(6))",
                   {id, event.stream, event.type, event.data})
          .status());
  return id;
}

namespace {

// Events published per round, and how long a nudge waits for more: under a
// burst of commits (each nudges) rounds of a few milliseconds' worth of
// events, not one transaction per event.
constexpr int kBatch = 200;
constexpr absl::Duration kNudgeLinger = absl::Milliseconds(5);

}  // namespace

OutboxRelay::OutboxRelay(MysqlPool& mysql, cache::RedisPool& redis, absl::Duration poll)
    : mysql_(mysql),
      redis_(redis),
      loop_({.name = "outbox relay",
             .interval = poll,
             .first_wait = poll,
             .first_backoff = poll,
             .nudge_linger = kNudgeLinger},
            [this]() -> absl::StatusOr<bool> {
              QRCLOUD_ASSIGN_OR_RETURN(int n, PublishPending(kBatch));
              return n == kBatch;  // a full batch: there may be more
            }) {}

absl::StatusOr<int> OutboxRelay::PublishPending(int limit) {
  int published = 0;
  absl::Status s = mysql_.Transaction([&](Connection& conn) -> absl::Status {
    // SKIP LOCKED lets several replicas relay side by side without
    // publishing the same rows at the same time.
    QRCLOUD_ASSIGN_OR_RETURN(
        auto rows,
        conn.Query("SELECT id, event_id, stream, type, data FROM outbox "
                   "WHERE published_at IS NULL ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED",
                   {static_cast<int64_t>(limit)}));
    if (rows.empty()) return absl::OkStatus();
    std::vector<cache::Args> commands;
    std::vector<std::string> ids;
    for (const Row& r : rows) {
      commands.push_back({"XADD", r.String("stream"), "MAXLEN", "~", "1000000", "*", "event_id",
                          r.String("event_id"), "type", r.String("type"), "data",
                          r.String("data")});
      ids.push_back(r.String("id"));
    }
    QRCLOUD_RETURN_IF_ERROR(redis_.Pipeline(commands).status());
    QRCLOUD_RETURN_IF_ERROR(
        conn.ExecuteUnprepared(absl::StrCat("UPDATE outbox SET published_at = UTC_TIMESTAMP(6) "
                                            "WHERE id IN (",
                                            absl::StrJoin(ids, ","), ")")));
    published = static_cast<int>(rows.size());
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return published;
}

}  // namespace qrcloud::store
