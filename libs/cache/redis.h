// The one Redis client for qrcloud: a pool of hiredis connections with
// reconnect, Lua scripts by SHA with reload on NOSCRIPT, pipelines, and
// stream (XADD / consumer group) helpers.
//
// Failures: a connection or timeout problem is UNAVAILABLE (the connection is
// replaced on next use); an error reply from Redis is INTERNAL carrying Redis'
// message.
#ifndef QRCLOUD_LIBS_CACHE_REDIS_H_
#define QRCLOUD_LIBS_CACHE_REDIS_H_

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

struct redisContext;
struct redisReply;

namespace qrcloud::cache {

struct RedisOptions {
  std::string host = "127.0.0.1";
  int port = 6379;
  int db = 0;
  std::string password;
  int pool_size = 16;
  absl::Duration connect_timeout = absl::Seconds(1);
  absl::Duration command_timeout = absl::Seconds(2);
};

// A reply (or one element of an array reply). Cheap to copy: elements share
// the hiredis reply tree.
class Reply {
 public:
  Reply() = default;
  bool is_nil() const;
  bool is_array() const;
  bool is_integer() const;
  bool is_string() const;  // bulk string or status
  // String value (bulk or status), "" otherwise.
  std::string str() const;
  absl::string_view view() const;
  int64_t integer() const;
  size_t size() const;  // array length
  Reply operator[](size_t i) const;

 private:
  friend class RedisConnection;
  Reply(std::shared_ptr<redisReply> root, redisReply* node) : root_(std::move(root)), node_(node) {}
  std::shared_ptr<redisReply> root_;
  redisReply* node_ = nullptr;
};

using Args = std::vector<std::string>;

// One connection; not thread-safe. Most code uses RedisPool instead; a
// blocking reader (XREADGROUP BLOCK) keeps a connection of its own.
class RedisConnection {
 public:
  static absl::StatusOr<std::unique_ptr<RedisConnection>> Connect(const RedisOptions& options);
  ~RedisConnection();

  absl::StatusOr<Reply> Command(const Args& args);
  // Sends all commands, then reads all replies: one round trip.
  absl::StatusOr<std::vector<Reply>> Pipeline(const std::vector<Args>& commands);
  void SetTimeout(absl::Duration d);
  bool broken() const { return broken_; }
  absl::Time last_used() const { return last_used_; }

 private:
  explicit RedisConnection(redisContext* c) : ctx_(c), last_used_(absl::Now()) {}
  absl::Status ContextError();
  absl::StatusOr<Reply> TakeReply(redisReply* raw);

  redisContext* ctx_;
  bool broken_ = false;
  absl::Time last_used_;
};

// A Lua script, run by EVALSHA; loaded on first use and again after a
// server restart (NOSCRIPT).
class Script {
 public:
  explicit Script(std::string source) : source_(std::move(source)) {}
  const std::string& source() const { return source_; }

 private:
  std::string source_;
};

struct StreamEntry {
  std::string id;
  std::vector<std::pair<std::string, std::string>> fields;
  // The value of `name`, or "".
  std::string Field(absl::string_view name) const;
};

class RedisPool {
 public:
  // Connects once to check the server. UNAVAILABLE if it cannot be reached.
  static absl::StatusOr<std::unique_ptr<RedisPool>> Create(RedisOptions options);

  absl::StatusOr<Reply> Command(const Args& args);
  absl::StatusOr<std::vector<Reply>> Pipeline(const std::vector<Args>& commands);
  absl::StatusOr<Reply> Eval(const Script& script, const Args& keys, const Args& args);
  // The script once per (keys, args) of `calls`, in one pipeline; the
  // replies in order. After a server restart lost the script, the whole
  // pipeline runs again, so the script must be safe to repeat.
  absl::StatusOr<std::vector<Reply>> EvalEach(const Script& script,
                                              const std::vector<std::pair<Args, Args>>& calls);
  absl::Status Ping();

  // XADD stream [MAXLEN ~ max_len] * field value ...; returns the entry id.
  absl::StatusOr<std::string> XAdd(absl::string_view stream,
                                   const std::vector<std::pair<std::string, std::string>>& fields,
                                   int64_t max_len = 0);
  // XGROUP CREATE stream group 0 MKSTREAM; an existing group is fine.
  absl::Status EnsureGroup(absl::string_view stream, absl::string_view group);
  // XREADGROUP for new entries (">"), waiting up to `block` (zero: no wait).
  absl::StatusOr<std::vector<StreamEntry>> ReadGroup(absl::string_view stream,
                                                     absl::string_view group,
                                                     absl::string_view consumer, int count,
                                                     absl::Duration block);
  // XAUTOCLAIM: entries delivered to a consumer that died, idle >= min_idle.
  absl::StatusOr<std::vector<StreamEntry>> ClaimStale(absl::string_view stream,
                                                      absl::string_view group,
                                                      absl::string_view consumer,
                                                      absl::Duration min_idle, int count);
  absl::Status Ack(absl::string_view stream, absl::string_view group,
                   const std::vector<std::string>& ids);

  const RedisOptions& options() const { return options_; }

  // A connection returned to the pool when the lease is destroyed.
  class Lease {
   public:
    Lease(RedisPool* pool, std::unique_ptr<RedisConnection> conn)
        : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&&) = default;
    ~Lease();
    RedisConnection* operator->() { return conn_.get(); }

   private:
    RedisPool* pool_;
    std::unique_ptr<RedisConnection> conn_;
  };
  absl::StatusOr<Lease> Acquire();

 private:
  explicit RedisPool(RedisOptions options) : options_(std::move(options)) {}
  void Release(std::unique_ptr<RedisConnection> conn);
  absl::StatusOr<std::string> ScriptSha(const Script& script, bool reload);

  RedisOptions options_;
  absl::Mutex mu_;
  std::vector<std::unique_ptr<RedisConnection>> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Mutex scripts_mu_;
  std::vector<std::pair<std::string, std::string>> shas_
      ABSL_GUARDED_BY(scripts_mu_);  // source, sha
};

// A connection in subscribe mode, for Redis pub/sub. Not thread-safe.
class RedisSubscriber {
 public:
  static absl::StatusOr<std::unique_ptr<RedisSubscriber>> Connect(
      const RedisOptions& options, const std::vector<std::string>& channels);
  ~RedisSubscriber();
  // The next message published on a channel, nullopt if none came within
  // `wait`; UNAVAILABLE when the connection is lost (connect again).
  absl::StatusOr<std::optional<std::string>> Next(absl::Duration wait);

 private:
  explicit RedisSubscriber(redisContext* c) : ctx_(c) {}
  redisContext* ctx_;
};

// Parses XREADGROUP / XAUTOCLAIM entry arrays.
std::vector<StreamEntry> ParseEntries(const Reply& entries);

}  // namespace qrcloud::cache

#endif  // QRCLOUD_LIBS_CACHE_REDIS_H_
