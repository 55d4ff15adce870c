#include "libs/cache/redis.h"

#include <hiredis/hiredis.h>

#include <poll.h>
#include <sys/time.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/core/metrics.h"
#include "libs/core/status.h"

namespace qrcloud::cache {
namespace {

timeval AsTimeval(absl::Duration d) { return absl::ToTimeval(d); }

// A connected hiredis context (the caller owns it), or why there is none.
absl::StatusOr<redisContext*> OpenContext(const RedisOptions& o) {
  redisContext* c = redisConnectWithTimeout(o.host.c_str(), o.port, AsTimeval(o.connect_timeout));
  if (c == nullptr || c->err) {
    std::string why = c ? c->errstr : "out of memory";
    if (c) redisFree(c);
    return absl::UnavailableError(
        absl::StrCat("cannot connect to Redis at ", o.host, ":", o.port, ": ", why));
  }
  return c;
}

constexpr absl::Duration kValidateAfterIdle = absl::Seconds(1);

core::Counter& ReconnectCounter() {
  static core::Counter& c = core::MetricsRegistry::Global().GetCounter(
      "redis_reconnects_total", "Redis connections replaced after a failure.");
  return c;
}

}  // namespace

// Reply ------------------------------------------------------------------------

bool Reply::is_nil() const { return node_ == nullptr || node_->type == REDIS_REPLY_NIL; }
bool Reply::is_array() const { return node_ && node_->type == REDIS_REPLY_ARRAY; }
bool Reply::is_integer() const { return node_ && node_->type == REDIS_REPLY_INTEGER; }
bool Reply::is_string() const {
  return node_ && (node_->type == REDIS_REPLY_STRING || node_->type == REDIS_REPLY_STATUS);
}
absl::string_view Reply::view() const {
  return is_string() ? absl::string_view(node_->str, node_->len) : absl::string_view();
}
std::string Reply::str() const { return std::string(view()); }
int64_t Reply::integer() const {
  if (!node_) return 0;
  if (node_->type == REDIS_REPLY_INTEGER) return node_->integer;
  if (is_string()) return std::strtoll(std::string(view()).c_str(), nullptr, 10);
  return 0;
}
size_t Reply::size() const { return is_array() ? node_->elements : 0; }
Reply Reply::operator[](size_t i) const {
  if (!is_array() || i >= node_->elements) return Reply(root_, nullptr);
  return Reply(root_, node_->element[i]);
}

std::string StreamEntry::Field(absl::string_view name) const {
  for (const auto& [k, v] : fields) {
    if (k == name) return v;
  }
  return "";
}

// RedisConnection --------------------------------------------------------------

absl::StatusOr<std::unique_ptr<RedisConnection>> RedisConnection::Connect(const RedisOptions& o) {
  QRCLOUD_ASSIGN_OR_RETURN(redisContext * c, OpenContext(o));
  std::unique_ptr<RedisConnection> conn(new RedisConnection(c));
  conn->SetTimeout(o.command_timeout);
  redisEnableKeepAlive(c);
  if (!o.password.empty()) {
    QRCLOUD_RETURN_IF_ERROR(conn->Command({"AUTH", o.password}).status());
  }
  if (o.db != 0) {
    QRCLOUD_RETURN_IF_ERROR(conn->Command({"SELECT", absl::StrCat(o.db)}).status());
  }
  return conn;
}

RedisConnection::~RedisConnection() { redisFree(ctx_); }

void RedisConnection::SetTimeout(absl::Duration d) { redisSetTimeout(ctx_, AsTimeval(d)); }

absl::Status RedisConnection::ContextError() {
  broken_ = true;
  return absl::UnavailableError(absl::StrCat("Redis unavailable: ", ctx_->errstr));
}

absl::StatusOr<Reply> RedisConnection::TakeReply(redisReply* raw) {
  if (raw == nullptr) return ContextError();
  std::shared_ptr<redisReply> root(raw, [](redisReply* r) { freeReplyObject(r); });
  if (raw->type == REDIS_REPLY_ERROR) {
    const std::string msg(raw->str, raw->len);
    // Redis refuses writes while loading its data after a restart.
    if (absl::StartsWith(msg, "LOADING") || absl::StartsWith(msg, "READONLY") ||
        absl::StartsWith(msg, "MASTERDOWN")) {
      return absl::UnavailableError(absl::StrCat("Redis unavailable: ", msg));
    }
    return absl::InternalError(absl::StrCat("Redis: ", msg));
  }
  return Reply(std::move(root), raw);
}

namespace {

void ToArgv(const Args& args, std::vector<const char*>& argv, std::vector<size_t>& lens) {
  argv.clear();
  lens.clear();
  for (const auto& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
}

}  // namespace

absl::StatusOr<Reply> RedisConnection::Command(const Args& args) {
  last_used_ = absl::Now();
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  ToArgv(args, argv, lens);
  void* raw = redisCommandArgv(ctx_, static_cast<int>(argv.size()), argv.data(), lens.data());
  return TakeReply(static_cast<redisReply*>(raw));
}

absl::StatusOr<std::vector<Reply>> RedisConnection::Pipeline(const std::vector<Args>& commands) {
  last_used_ = absl::Now();
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const auto& args : commands) {
    ToArgv(args, argv, lens);
    if (redisAppendCommandArgv(ctx_, static_cast<int>(argv.size()), argv.data(), lens.data()) !=
        REDIS_OK) {
      return ContextError();
    }
  }
  std::vector<Reply> replies;
  replies.reserve(commands.size());
  absl::Status first_error;
  for (size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(ctx_, &raw) != REDIS_OK) return ContextError();
    auto reply = TakeReply(static_cast<redisReply*>(raw));
    // Read every reply even after an error, so the connection stays in step.
    if (!reply.ok()) {
      if (first_error.ok()) first_error = reply.status();
      replies.emplace_back();
      continue;
    }
    replies.push_back(*std::move(reply));
  }
  if (!first_error.ok()) return first_error;
  return replies;
}

// RedisPool --------------------------------------------------------------------

absl::StatusOr<std::unique_ptr<RedisPool>> RedisPool::Create(RedisOptions options) {
  std::unique_ptr<RedisPool> pool(new RedisPool(std::move(options)));
  auto conn = RedisConnection::Connect(pool->options_);
  if (!conn.ok()) return conn.status();
  absl::MutexLock lock(&pool->mu_);
  pool->idle_.push_back(*std::move(conn));
  pool->open_ = 1;
  return pool;
}

absl::StatusOr<RedisPool::Lease> RedisPool::Acquire() {
  std::unique_ptr<RedisConnection> conn;
  {
    absl::MutexLock lock(&mu_);
    auto available = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return !idle_.empty() || open_ < options_.pool_size;
    };
    if (!mu_.AwaitWithTimeout(absl::Condition(&available), options_.command_timeout)) {
      return absl::ResourceExhaustedError("all Redis connections are busy; try again shortly");
    }
    if (!idle_.empty()) {
      conn = std::move(idle_.back());
      idle_.pop_back();
    } else {
      ++open_;
    }
  }
  if (conn) {
    // A connection idle for a while may have died with a server restart: ping
    // it first, so a command is never lost on it (and never sent twice).
    if (absl::Now() - conn->last_used() < kValidateAfterIdle || conn->Command({"PING"}).ok()) {
      return Lease(this, std::move(conn));
    }
    conn.reset();
    ReconnectCounter().Inc();
  }
  auto fresh = RedisConnection::Connect(options_);
  if (!fresh.ok()) {
    absl::MutexLock lock(&mu_);
    --open_;
    return fresh.status();
  }
  return Lease(this, *std::move(fresh));
}

void RedisPool::Release(std::unique_ptr<RedisConnection> conn) {
  absl::MutexLock lock(&mu_);
  if (conn->broken()) {
    --open_;
    return;
  }
  idle_.push_back(std::move(conn));
}

RedisPool::Lease::~Lease() {
  if (conn_) pool_->Release(std::move(conn_));
}

absl::StatusOr<Reply> RedisPool::Command(const Args& args) {
  QRCLOUD_ASSIGN_OR_RETURN(Lease lease, Acquire());
  return lease->Command(args);
}

absl::StatusOr<std::vector<Reply>> RedisPool::Pipeline(const std::vector<Args>& commands) {
  QRCLOUD_ASSIGN_OR_RETURN(Lease lease, Acquire());
  return lease->Pipeline(commands);
}

absl::Status RedisPool::Ping() { return Command({"PING"}).status(); }

absl::StatusOr<std::string> RedisPool::ScriptSha(const Script& script, bool reload) {
  if (!reload) {
    absl::MutexLock lock(&scripts_mu_);
    for (const auto& [source, sha] : shas_) {
      if (source == script.source()) return sha;
    }
  }
  QRCLOUD_ASSIGN_OR_RETURN(Reply r, Command({"SCRIPT", "LOAD", script.source()}));
  absl::MutexLock lock(&scripts_mu_);
  for (auto& [source, sha] : shas_) {
    if (source == script.source()) {
      sha = r.str();
      return sha;
    }
  }
  shas_.emplace_back(script.source(), r.str());
  return r.str();
}

absl::StatusOr<Reply> RedisPool::Eval(const Script& script, const Args& keys, const Args& args) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    QRCLOUD_ASSIGN_OR_RETURN(std::string sha, ScriptSha(script, /*reload=*/attempt > 0));
    Args argv = {"EVALSHA", sha, absl::StrCat(keys.size())};
    argv.insert(argv.end(), keys.begin(), keys.end());
    argv.insert(argv.end(), args.begin(), args.end());
    auto reply = Command(argv);
    if (reply.ok() || !absl::StrContains(reply.status().message(), "NOSCRIPT")) return reply;
  }
  return absl::InternalError("Redis kept forgetting a Lua script");
}

absl::StatusOr<std::vector<Reply>> RedisPool::EvalEach(
    const Script& script, const std::vector<std::pair<Args, Args>>& calls) {
  if (calls.empty()) return std::vector<Reply>();
  for (int attempt = 0; attempt < 2; ++attempt) {
    QRCLOUD_ASSIGN_OR_RETURN(std::string sha, ScriptSha(script, /*reload=*/attempt > 0));
    std::vector<Args> commands;
    commands.reserve(calls.size());
    for (const auto& [keys, args] : calls) {
      Args argv = {"EVALSHA", sha, absl::StrCat(keys.size())};
      argv.insert(argv.end(), keys.begin(), keys.end());
      argv.insert(argv.end(), args.begin(), args.end());
      commands.push_back(std::move(argv));
    }
    auto replies = Pipeline(commands);
    if (replies.ok() || !absl::StrContains(replies.status().message(), "NOSCRIPT")) return replies;
  }
  return absl::InternalError("Redis kept forgetting a Lua script");
}

absl::StatusOr<std::string> RedisPool::XAdd(
    absl::string_view stream, const std::vector<std::pair<std::string, std::string>>& fields,
    int64_t max_len) {
  Args argv = {"XADD", std::string(stream)};
  if (max_len > 0) {
    argv.insert(argv.end(), {"MAXLEN", "~", absl::StrCat(max_len)});
  }
  argv.push_back("*");
  for (const auto& [k, v] : fields) {
    argv.push_back(k);
    argv.push_back(v);
  }
  QRCLOUD_ASSIGN_OR_RETURN(Reply r, Command(argv));
  return r.str();
}

absl::Status RedisPool::EnsureGroup(absl::string_view stream, absl::string_view group) {
  auto r = Command({"XGROUP", "CREATE", std::string(stream), std::string(group), "0", "MKSTREAM"});
  if (!r.ok() && absl::StrContains(r.status().message(), "BUSYGROUP")) return absl::OkStatus();
  return r.status();
}

absl::StatusOr<std::unique_ptr<RedisSubscriber>> RedisSubscriber::Connect(
    const RedisOptions& o, const std::vector<std::string>& channels) {
  // Pub/sub ignores the database number, so there is no SELECT.
  QRCLOUD_ASSIGN_OR_RETURN(redisContext * c, OpenContext(o));
  std::unique_ptr<RedisSubscriber> sub(new RedisSubscriber(c));
  redisSetTimeout(c, AsTimeval(o.command_timeout));
  auto command = [&](const Args& args) -> absl::Status {
    std::vector<const char*> argv;
    std::vector<size_t> lens;
    for (const auto& a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    auto* r = static_cast<redisReply*>(
        redisCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lens.data()));
    if (r == nullptr) return absl::UnavailableError(absl::StrCat("Redis unavailable: ", c->errstr));
    const bool error = r->type == REDIS_REPLY_ERROR;
    const std::string msg = error ? std::string(r->str, r->len) : "";
    freeReplyObject(r);
    return error ? absl::InternalError(absl::StrCat("Redis: ", msg)) : absl::OkStatus();
  };
  if (!o.password.empty()) QRCLOUD_RETURN_IF_ERROR(command({"AUTH", o.password}));
  // SUBSCRIBE answers once per channel; read the confirmations.
  Args subscribe = {"SUBSCRIBE"};
  subscribe.insert(subscribe.end(), channels.begin(), channels.end());
  QRCLOUD_RETURN_IF_ERROR(command(subscribe));
  for (size_t i = 1; i < channels.size(); ++i) {
    void* r = nullptr;
    if (redisGetReply(c, &r) != REDIS_OK)
      return absl::UnavailableError("Redis subscription failed");
    freeReplyObject(r);
  }
  return sub;
}

RedisSubscriber::~RedisSubscriber() { redisFree(ctx_); }

absl::StatusOr<std::optional<std::string>> RedisSubscriber::Next(absl::Duration wait) {
  void* raw = nullptr;
  // A reply may already be buffered; otherwise wait for the socket, so the
  // connection never sees a read timeout (which would end it).
  if (redisGetReplyFromReader(ctx_, &raw) != REDIS_OK) {
    return absl::UnavailableError("Redis subscription broken");
  }
  if (raw == nullptr) {
    pollfd p{ctx_->fd, POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(wait)));
    if (ready == 0) return std::optional<std::string>();
    if (ready < 0 || (p.revents & (POLLERR | POLLHUP)) != 0) {
      return absl::UnavailableError("Redis subscription connection lost");
    }
    if (redisGetReply(ctx_, &raw) != REDIS_OK || raw == nullptr) {
      return absl::UnavailableError(absl::StrCat("Redis subscription: ", ctx_->errstr));
    }
  }
  std::unique_ptr<redisReply, void (*)(void*)> reply(static_cast<redisReply*>(raw),
                                                     freeReplyObject);
  // ["message", channel, payload]
  if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 3 &&
      reply->element[2]->type == REDIS_REPLY_STRING) {
    return std::optional<std::string>(std::string(reply->element[2]->str, reply->element[2]->len));
  }
  return std::optional<std::string>();
}

std::vector<StreamEntry> ParseEntries(const Reply& entries) {
  std::vector<StreamEntry> out;
  for (size_t i = 0; i < entries.size(); ++i) {
    Reply e = entries[i];
    if (e.size() < 2) continue;  // deleted entry (nil fields)
    StreamEntry entry;
    entry.id = e[0].str();
    Reply kv = e[1];
    for (size_t j = 0; j + 1 < kv.size(); j += 2)
      entry.fields.emplace_back(kv[j].str(), kv[j + 1].str());
    out.push_back(std::move(entry));
  }
  return out;
}

absl::StatusOr<std::vector<StreamEntry>> RedisPool::ReadGroup(absl::string_view stream,
                                                              absl::string_view group,
                                                              absl::string_view consumer, int count,
                                                              absl::Duration block) {
  QRCLOUD_ASSIGN_OR_RETURN(Lease lease, Acquire());
  Args argv = {"XREADGROUP",          "GROUP", std::string(group),
               std::string(consumer), "COUNT", absl::StrCat(count)};
  if (block > absl::ZeroDuration()) {
    argv.insert(argv.end(), {"BLOCK", absl::StrCat(absl::ToInt64Milliseconds(block))});
    lease->SetTimeout(block + options_.command_timeout);
  }
  argv.insert(argv.end(), {"STREAMS", std::string(stream), ">"});
  auto r = lease->Command(argv);
  if (block > absl::ZeroDuration()) lease->SetTimeout(options_.command_timeout);
  if (!r.ok()) return r.status();
  if (r->is_nil() || r->size() == 0) return std::vector<StreamEntry>{};
  return ParseEntries((*r)[0][1]);
}

absl::StatusOr<std::vector<StreamEntry>> RedisPool::ClaimStale(absl::string_view stream,
                                                               absl::string_view group,
                                                               absl::string_view consumer,
                                                               absl::Duration min_idle, int count) {
  QRCLOUD_ASSIGN_OR_RETURN(
      Reply r, Command({"XAUTOCLAIM", std::string(stream), std::string(group),
                        std::string(consumer), absl::StrCat(absl::ToInt64Milliseconds(min_idle)),
                        "0", "COUNT", absl::StrCat(count)}));
  return ParseEntries(r[1]);
}

absl::Status RedisPool::Ack(absl::string_view stream, absl::string_view group,
                            const std::vector<std::string>& ids) {
  if (ids.empty()) return absl::OkStatus();
  Args argv = {"XACK", std::string(stream), std::string(group)};
  argv.insert(argv.end(), ids.begin(), ids.end());
  return Command(argv).status();
}

}  // namespace qrcloud::cache
