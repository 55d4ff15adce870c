#include "gateway/h2_client.h"

#include <nghttp2/nghttp2.h>

#include <algorithm>
#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <deque>
#include <optional>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gateway/path_template.h"
#include "libs/core/log.h"

namespace qrcloud::gateway {
namespace h2 {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using Strand = net::strand<net::io_context::executor_type>;

constexpr size_t kMaxResponseBytes = 32 * 1024 * 1024;
constexpr int32_t kWindow = 16 * 1024 * 1024;  // per stream and per connection
constexpr absl::Duration kConnectTimeout = absl::Seconds(5);
constexpr absl::Duration kFirstBackoff = absl::Milliseconds(200);
constexpr absl::Duration kMaxBackoff = absl::Seconds(2);
constexpr auto kSweepPeriod = std::chrono::milliseconds(50);
constexpr absl::Duration kPingTimeout = absl::Seconds(5);

// The gRPC status for an answer without grpc-status, from its HTTP status
// (gRPC's "HTTP to gRPC status code mapping").
grpc::StatusCode FromHttpStatus(int http) {
  switch (http) {
    case 400:
      return grpc::StatusCode::INTERNAL;
    case 401:
      return grpc::StatusCode::UNAUTHENTICATED;
    case 403:
      return grpc::StatusCode::PERMISSION_DENIED;
    case 404:
      return grpc::StatusCode::UNIMPLEMENTED;
    case 429:
    case 502:
    case 503:
    case 504:
      return grpc::StatusCode::UNAVAILABLE;
    default:
      return grpc::StatusCode::UNKNOWN;
  }
}

// grpc-timeout: at most 8 digits and a unit.
std::string TimeoutHeader(absl::Duration left) {
  int64_t ms =
      std::max<int64_t>(1, absl::ToInt64Milliseconds(absl::Ceil(left, absl::Milliseconds(1))));
  if (ms < 100000000) return absl::StrCat(ms, "m");
  const int64_t s = std::min<int64_t>(99999999, ms / 1000);
  return absl::StrCat(s, "S");
}

}  // namespace

// One call on the wire.
struct Stream {
  UnaryCall call;
  UnaryDone done;
  std::string body;  // the gRPC frame: flag, length, message
  size_t sent = 0;
  int32_t id = -1;
  int http_status = 0;
  bool has_grpc_status = false;
  int grpc_status = 0;
  std::string grpc_message;
  std::string details;
  std::string data;  // DATA received: gRPC frames
  bool headers_seen = false;
  bool retried = false;  // sent again once after REFUSED_STREAM
  bool too_big = false;  // answer over the limit: reset, and nothing more read into it
  absl::Time started;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(net::io_context& ioc, std::string host, std::string port, std::string authority)
      : strand_(net::make_strand(ioc)),
        resolver_(strand_),
        socket_(strand_),
        sweep_(strand_),
        host_(std::move(host)),
        port_(std::move(port)),
        authority_(std::move(authority)) {}

  ~Connection() {
    if (session_ != nullptr) nghttp2_session_del(session_);
  }

  const Strand& strand() const { return strand_; }

  // On the strand.
  void Start(std::unique_ptr<Stream> s) {
    if (closed_)
      return Finish(std::move(s),
                    grpc::Status(grpc::StatusCode::UNAVAILABLE, "the gateway is shutting down"));
    s->started = absl::Now();
    if (state_ == State::kReady && !going_away_) {
      Submit(std::move(s));
      Flush();
      return;
    }
    if (state_ == State::kBackoff) {
      if (absl::Now() < retry_at_) {
        return Finish(std::move(s), grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                                 absl::StrCat("failed to connect to ", authority_,
                                                              ": ", last_error_)));
      }
      state_ = State::kIdle;
    }
    waiting_.push_back(std::move(s));
    if (state_ == State::kIdle) Connect();
    ScheduleSweep();
  }

  // On the strand.
  void Close() {
    closed_ = true;
    FailAll(grpc::Status(grpc::StatusCode::CANCELLED, "the gateway is shutting down"));
    boost::system::error_code ignored;
    socket_.close(ignored);
    resolver_.cancel();
    sweep_.cancel();
  }

 private:
  enum class State { kIdle, kConnecting, kReady, kBackoff };

  // ------------------------------------------------------------ connecting
  void Connect() {
    state_ = State::kConnecting;
    connect_deadline_ = absl::Now() + kConnectTimeout;
    const uint64_t attempt =
        ++connect_attempt_;  // a late answer to an abandoned attempt is ignored
    resolver_.async_resolve(
        host_, port_,
        [self = shared_from_this(), attempt](boost::system::error_code ec,
                                             tcp::resolver::results_type results) {
          if (self->closed_ || attempt != self->connect_attempt_) return;
          if (ec)
            return self->ConnectFailed(
                absl::StrCat("cannot resolve ", self->host_, ": ", ec.message()));
          net::async_connect(self->socket_, results,
                             [self, attempt](boost::system::error_code ec2, const tcp::endpoint&) {
                               if (self->closed_ || attempt != self->connect_attempt_) return;
                               if (ec2) return self->ConnectFailed(ec2.message());
                               self->Connected();
                             });
        });
  }

  void ConnectFailed(const std::string& why) {
    if (state_ != State::kConnecting) return;
    boost::system::error_code ignored;
    socket_.close(ignored);
    last_error_ = why;
    backoff_ =
        backoff_ == absl::ZeroDuration() ? kFirstBackoff : std::min(backoff_ * 2, kMaxBackoff);
    retry_at_ = absl::Now() + backoff_;
    state_ = State::kBackoff;
    spdlog::warn("gateway: cannot connect to {}: {}", authority_, why);
    const grpc::Status status(grpc::StatusCode::UNAVAILABLE,
                              absl::StrCat("failed to connect to ", authority_, ": ", why));
    auto waiting = std::move(waiting_);
    waiting_.clear();
    for (auto& s : waiting) Finish(std::move(s), status);
  }

  void Connected() {
    boost::system::error_code ignored;
    socket_.set_option(tcp::no_delay(true), ignored);
    if (session_ != nullptr) nghttp2_session_del(session_);
    session_ = nullptr;
    nghttp2_session_callbacks* callbacks = nullptr;
    nghttp2_session_callbacks_new(&callbacks);
    nghttp2_session_callbacks_set_on_header_callback(callbacks, &OnHeader);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, &OnData);
    nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, &OnStreamClose);
    nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, &OnFrame);
    nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, &OnBeginHeaders);
    const int rv = nghttp2_session_client_new(&session_, callbacks, this);
    nghttp2_session_callbacks_del(callbacks);
    if (rv != 0) return ConnectFailed(nghttp2_strerror(rv));
    const nghttp2_settings_entry settings[] = {
        {NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
        {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, static_cast<uint32_t>(kWindow)},
        {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, 64 * 1024},
    };
    nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings, std::size(settings));
    nghttp2_session_set_local_window_size(session_, NGHTTP2_FLAG_NONE, 0, kWindow);
    state_ = State::kReady;
    going_away_ = false;
    backoff_ = absl::ZeroDuration();
    last_frame_ = absl::Now();
    ping_sent_.reset();
    ++generation_;
    auto waiting = std::move(waiting_);
    waiting_.clear();
    for (auto& s : waiting) Submit(std::move(s));
    Read();
    Flush();
  }

  // The connection failed after it was up: calls in flight fail, calls
  // waiting get a new connection.
  void Lost(const std::string& why) {
    if (state_ != State::kReady) return;
    spdlog::warn("gateway: connection to {} lost: {}", authority_, why);
    boost::system::error_code ignored;
    socket_.close(ignored);
    ++generation_;  // what is still queued for the old socket is ignored
    state_ = State::kIdle;
    writing_ = false;
    ping_sent_.reset();
    FailStreams(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                             absl::StrCat("connection to ", authority_, " lost: ", why)));
    if (session_ != nullptr) nghttp2_session_del(session_);
    session_ = nullptr;
    if (!waiting_.empty() && !closed_) Connect();
  }

  // ------------------------------------------------------------ sending
  void Submit(std::unique_ptr<Stream> s) {
    const std::string& msg = s->call.request;
    s->body.clear();
    s->body.reserve(5 + msg.size());
    s->body.push_back('\0');
    const auto n = static_cast<uint32_t>(msg.size());
    for (int shift = 24; shift >= 0; shift -= 8)
      s->body.push_back(static_cast<char>((n >> shift) & 0xff));
    s->body.append(msg);
    s->sent = 0;
    const std::string timeout = s->call.deadline == absl::InfiniteFuture()
                                    ? ""
                                    : TimeoutHeader(s->call.deadline - absl::Now());
    std::vector<nghttp2_nv> nv;
    nv.reserve(8 + s->call.metadata.size());
    auto add = [&nv](absl::string_view name, absl::string_view value) {
      nv.push_back({reinterpret_cast<uint8_t*>(const_cast<char*>(name.data())),
                    reinterpret_cast<uint8_t*>(const_cast<char*>(value.data())), name.size(),
                    value.size(), NGHTTP2_NV_FLAG_NONE});
    };
    add(":method", "POST");
    add(":scheme", "http");
    add(":path", s->call.path);
    add(":authority", authority_);
    add("content-type", "application/grpc");
    add("te", "trailers");
    add("user-agent", "qrcloud-gateway");
    if (!timeout.empty()) add("grpc-timeout", timeout);
    for (const auto& [name, value] : s->call.metadata) add(name, value);
    nghttp2_data_provider provider;
    provider.source.ptr = s.get();
    provider.read_callback = &ReadBody;
    Stream* raw = s.get();
    const int32_t id =
        nghttp2_submit_request(session_, nullptr, nv.data(), nv.size(), &provider, raw);
    if (id < 0) {
      if (id == NGHTTP2_ERR_STREAM_ID_NOT_AVAILABLE) going_away_ = true;
      return Finish(std::move(s), grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                               absl::StrCat("cannot start a call to ", authority_,
                                                            ": ", nghttp2_strerror(id))));
    }
    raw->id = id;
    streams_.emplace(id, std::move(s));
    ScheduleSweep();
  }

  static ssize_t ReadBody(nghttp2_session*, int32_t, uint8_t* buf, size_t length, uint32_t* flags,
                          nghttp2_data_source* source, void*) {
    auto* s = static_cast<Stream*>(source->ptr);
    const size_t n = std::min(length, s->body.size() - s->sent);
    std::memcpy(buf, s->body.data() + s->sent, n);
    s->sent += n;
    if (s->sent == s->body.size()) *flags |= NGHTTP2_DATA_FLAG_EOF;
    return static_cast<ssize_t>(n);
  }

  // Writes what nghttp2 has to send, one write at a time; more queues up in
  // nghttp2 meanwhile and goes out in the next.
  void Flush() {
    if (writing_ || session_ == nullptr || state_ != State::kReady) return;
    out_.clear();
    for (;;) {
      const uint8_t* data = nullptr;
      const ssize_t n = nghttp2_session_mem_send(session_, &data);
      if (n < 0) return Lost(absl::StrCat("HTTP/2: ", nghttp2_strerror(static_cast<int>(n))));
      if (n == 0) break;
      out_.append(reinterpret_cast<const char*>(data), static_cast<size_t>(n));
    }
    if (!out_.empty()) {
      writing_ = true;
      net::async_write(socket_, net::buffer(out_),
                       [self = shared_from_this(), generation = generation_](
                           boost::system::error_code ec, size_t) {
                         if (generation != self->generation_ || self->closed_) return;
                         self->writing_ = false;
                         if (ec) return self->Lost(ec.message());
                         self->Flush();
                       });
    }
    // Sending can close streams too (a reset of ours, a request refused
    // after a GOAWAY): hand those on now, not at the next read.
    RunCompleted();
  }

  // ------------------------------------------------------------ receiving
  void Read() {
    socket_.async_read_some(net::buffer(in_), [self = shared_from_this(), generation = generation_](
                                                  boost::system::error_code ec, size_t n) {
      if (generation != self->generation_ || self->closed_ || self->session_ == nullptr) return;
      if (ec) return self->Lost(ec == net::error::eof ? "closed by the server" : ec.message());
      self->last_frame_ = absl::Now();
      const ssize_t used = nghttp2_session_mem_recv(self->session_, self->in_.data(), n);
      self->RunCompleted();
      if (used < 0)
        return self->Lost(absl::StrCat("HTTP/2: ", nghttp2_strerror(static_cast<int>(used))));
      if (self->state_ != State::kReady) return;
      self->Flush();
      self->Read();
    });
  }

  static Stream* StreamOf(nghttp2_session* session, int32_t id) {
    return static_cast<Stream*>(nghttp2_session_get_stream_user_data(session, id));
  }

  static int OnBeginHeaders(nghttp2_session* session, const nghttp2_frame* frame, void*) {
    if (frame->hd.type != NGHTTP2_HEADERS) return 0;
    if (Stream* s = StreamOf(session, frame->hd.stream_id)) s->headers_seen = true;
    return 0;
  }

  static int OnHeader(nghttp2_session* session, const nghttp2_frame* frame, const uint8_t* name,
                      size_t namelen, const uint8_t* value, size_t valuelen, uint8_t, void*) {
    Stream* s = StreamOf(session, frame->hd.stream_id);
    if (s == nullptr || s->too_big) return 0;
    const absl::string_view n(reinterpret_cast<const char*>(name), namelen);
    const absl::string_view v(reinterpret_cast<const char*>(value), valuelen);
    if (n == ":status") {
      (void)absl::SimpleAtoi(v, &s->http_status);
    } else if (n == "grpc-status") {
      s->has_grpc_status = absl::SimpleAtoi(v, &s->grpc_status);
    } else if (n == "grpc-message") {
      // Percent-encoded; a malformed escape is kept as it came, as gRPC says.
      s->grpc_message = PercentDecode(v).value_or(std::string(v));
    } else if (n == "grpc-status-details-bin") {
      std::string padded(v);
      while (padded.size() % 4 != 0) padded.push_back('=');
      if (!absl::Base64Unescape(padded, &s->details)) s->details.clear();
    }
    return 0;
  }

  static int OnData(nghttp2_session* session, uint8_t, int32_t id, const uint8_t* data, size_t len,
                    void*) {
    Stream* s = StreamOf(session, id);
    if (s == nullptr || s->too_big) return 0;
    if (s->data.size() + len > kMaxResponseBytes + 5) {
      s->too_big = true;
      s->data.clear();
      s->has_grpc_status = true;
      s->grpc_status = grpc::StatusCode::RESOURCE_EXHAUSTED;
      s->grpc_message =
          absl::StrCat("the answer exceeds the limit of ", kMaxResponseBytes, " bytes");
      nghttp2_submit_rst_stream(session, NGHTTP2_FLAG_NONE, id, NGHTTP2_CANCEL);
      return 0;
    }
    s->data.append(reinterpret_cast<const char*>(data), len);
    return 0;
  }

  static int OnFrame(nghttp2_session*, const nghttp2_frame* frame, void* user) {
    if (frame->hd.type == NGHTTP2_GOAWAY) static_cast<Connection*>(user)->going_away_ = true;
    return 0;
  }

  static int OnStreamClose(nghttp2_session*, int32_t id, uint32_t error_code, void* user) {
    auto* self = static_cast<Connection*>(user);
    auto it = self->streams_.find(id);
    if (it == self->streams_.end()) return 0;  // finished already (deadline)
    std::unique_ptr<Stream> s = std::move(it->second);
    self->streams_.erase(it);
    if (error_code == NGHTTP2_REFUSED_STREAM && !s->headers_seen && !s->retried) {
      // The server never looked at it: send it again on the next connection.
      s->retried = true;
      self->retry_.push_back(std::move(s));
      return 0;
    }
    self->completed_.emplace_back(std::move(s), error_code);
    return 0;
  }

  // The answers nghttp2 finished in the last read: handed on once nghttp2
  // has returned, so that a `done` starting a new call does not re-enter it.
  void RunCompleted() {
    auto completed = std::move(completed_);
    completed_.clear();
    for (auto& [s, error_code] : completed) {
      grpc::Status status = StatusOf(*s, error_code);
      Finish(std::move(s), std::move(status));
    }
    if (!retry_.empty()) {
      auto retry = std::move(retry_);
      retry_.clear();
      if (state_ == State::kReady && !going_away_) {
        for (auto& s : retry) Submit(std::move(s));
        Flush();
      } else {
        for (auto& s : retry) waiting_.push_back(std::move(s));
        if (state_ == State::kIdle && !closed_) Connect();
      }
    }
    MaybeRecycle();
  }

  grpc::Status StatusOf(Stream& s, uint32_t error_code) {
    if (!s.has_grpc_status) {
      if (s.http_status != 0 && s.http_status != 200) {
        return grpc::Status(FromHttpStatus(s.http_status),
                            absl::StrCat("the backend answered HTTP ", s.http_status));
      }
      if (error_code == NGHTTP2_REFUSED_STREAM) {
        return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                            absl::StrCat(authority_, " refused the call"));
      }
      if (error_code == NGHTTP2_CANCEL)
        return grpc::Status(grpc::StatusCode::CANCELLED, "the call was cancelled");
      return grpc::Status(grpc::StatusCode::INTERNAL,
                          absl::StrCat("the call ended without a status (HTTP/2 error ",
                                       nghttp2_http2_strerror(error_code), ")"));
    }
    if (s.grpc_status != 0) {
      return grpc::Status(static_cast<grpc::StatusCode>(s.grpc_status), s.grpc_message, s.details);
    }
    // OK: exactly one uncompressed message.
    if (s.data.size() < 5)
      return grpc::Status(grpc::StatusCode::INTERNAL, "the backend sent no answer message");
    if (s.data[0] != 0)
      return grpc::Status(grpc::StatusCode::INTERNAL, "the backend sent a compressed answer");
    uint32_t n = 0;
    for (int i = 1; i <= 4; ++i) n = (n << 8) | static_cast<uint8_t>(s.data[i]);
    if (s.data.size() != 5 + static_cast<size_t>(n)) {
      return grpc::Status(grpc::StatusCode::INTERNAL,
                          "the backend's answer is not one whole message");
    }
    s.data.erase(0, 5);
    return grpc::Status::OK;
  }

  void Finish(std::unique_ptr<Stream> s, grpc::Status status) {
    UnaryDone done = std::move(s->done);
    std::string response = status.ok() ? std::move(s->data) : std::string();
    s.reset();
    done(std::move(status), std::move(response));
  }

  // A connection told to go away is replaced once its calls are done.
  void MaybeRecycle() {
    if (!going_away_ || state_ != State::kReady || !streams_.empty() || writing_) return;
    boost::system::error_code ignored;
    socket_.close(ignored);
    nghttp2_session_del(session_);
    session_ = nullptr;
    ++generation_;  // what is still pending on the old socket is ignored
    state_ = State::kIdle;
    going_away_ = false;
    if (!waiting_.empty() && !closed_) Connect();
  }

  void FailStreams(const grpc::Status& status) {
    auto streams = std::move(streams_);
    streams_.clear();
    auto completed = std::move(completed_);
    completed_.clear();
    for (auto& [id, s] : streams) Finish(std::move(s), status);
    for (auto& entry : completed) Finish(std::move(entry.first), status);
    for (auto& s : retry_) waiting_.push_back(std::move(s));
    retry_.clear();
  }

  void FailAll(const grpc::Status& status) {
    FailStreams(status);
    auto waiting = std::move(waiting_);
    waiting_.clear();
    for (auto& s : waiting) Finish(std::move(s), status);
  }

  // ------------------------------------------------------------ deadlines
  void ScheduleSweep() {
    if (sweeping_) return;
    sweeping_ = true;
    sweep_.expires_after(kSweepPeriod);
    sweep_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      self->sweeping_ = false;
      if (ec || self->closed_) return;
      self->Sweep();
    });
  }

  // Every 50 ms while calls are open: ends calls past their deadline (a
  // reset for those on the wire), gives up a connect that takes too long,
  // and checks a connection that seems dead with a PING. Answers are handed
  // on only after the lists are done with, as `done` may start new calls.
  void Sweep() {
    const absl::Time now = absl::Now();
    std::vector<std::unique_ptr<Stream>> expired;
    bool quiet = false;  // a call expired with nothing heard on the connection since it began
    for (auto it = streams_.begin(); it != streams_.end();) {
      if (it->second->call.deadline > now) {
        ++it;
        continue;
      }
      if (last_frame_ < it->second->started) quiet = true;
      nghttp2_session_set_stream_user_data(session_, it->first, nullptr);
      nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, it->first, NGHTTP2_CANCEL);
      expired.push_back(std::move(it->second));
      streams_.erase(it++);
    }
    for (auto it = waiting_.begin(); it != waiting_.end();) {
      if ((*it)->call.deadline <= now) {
        expired.push_back(std::move(*it));
        it = waiting_.erase(it);
      } else {
        ++it;
      }
    }
    bool dead = false;
    if (state_ == State::kReady) {
      if (ping_sent_ && last_frame_ >= *ping_sent_) ping_sent_.reset();  // answered
      if (ping_sent_ && now - *ping_sent_ >= kPingTimeout) {
        dead = true;
      } else if (quiet && !ping_sent_) {
        nghttp2_submit_ping(session_, NGHTTP2_FLAG_NONE, nullptr);
        ping_sent_ = now;
      }
    }
    for (auto& s : expired)
      Finish(std::move(s), grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "Deadline Exceeded"));
    if (state_ == State::kConnecting && now >= connect_deadline_) {
      ++connect_attempt_;
      resolver_.cancel();
      ConnectFailed(absl::StrCat("no connection within ", absl::FormatDuration(kConnectTimeout)));
    }
    if (dead) {
      Lost(absl::StrCat("no answer to a PING within ", absl::FormatDuration(kPingTimeout)));
    } else if (state_ == State::kReady) {
      Flush();
    }
    if (!streams_.empty() || !waiting_.empty() || ping_sent_ || state_ == State::kConnecting)
      ScheduleSweep();
  }

  Strand strand_;
  tcp::resolver resolver_;
  net::basic_stream_socket<tcp, Strand> socket_;
  net::steady_timer sweep_;
  const std::string host_, port_, authority_;

  State state_ = State::kIdle;
  nghttp2_session* session_ = nullptr;
  uint64_t generation_ = 0;  // bumped per connection, so old completions are ignored
  uint64_t connect_attempt_ = 0;
  bool closed_ = false;
  bool going_away_ = false;
  bool writing_ = false;
  bool sweeping_ = false;
  absl::Time retry_at_;
  absl::Time connect_deadline_;
  absl::Time last_frame_;
  std::optional<absl::Time> ping_sent_;  // a PING awaiting any answer
  absl::Duration backoff_;
  std::string last_error_;
  std::string out_;
  std::array<uint8_t, 64 * 1024> in_{};
  absl::flat_hash_map<int32_t, std::unique_ptr<Stream>> streams_;
  std::deque<std::unique_ptr<Stream>> waiting_;  // until connected
  std::vector<std::pair<std::unique_ptr<Stream>, uint32_t>> completed_;
  std::vector<std::unique_ptr<Stream>> retry_;
};

}  // namespace h2

H2Channel::H2Channel(boost::asio::io_context& ioc, std::string address, int connections)
    : address_(std::move(address)) {
  std::string host = address_, port = "80";
  const size_t colon = address_.rfind(':');
  if (colon != std::string::npos && address_.find(']', colon) == std::string::npos) {
    host = address_.substr(0, colon);
    port = address_.substr(colon + 1);
  }
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  for (int i = 0; i < std::max(1, connections); ++i) {
    connections_.push_back(std::make_shared<h2::Connection>(ioc, host, port, address_));
  }
}

// Closes the connections if Close() did not: with the io threads still
// running they then run out of the channel's work; with them stopped, what
// is left goes with the io_context.
H2Channel::~H2Channel() { Close(); }

void H2Channel::Call(UnaryCall call, UnaryDone done) {
  if (closed_.load(std::memory_order_acquire)) {
    done(grpc::Status(grpc::StatusCode::UNAVAILABLE, "the gateway is shutting down"),
         std::string());
    return;
  }
  // Each thread keeps to one connection, so its calls rarely wait on
  // another thread's strand.
  static std::atomic<uint32_t> next_thread{0};
  thread_local const uint32_t thread_slot = next_thread.fetch_add(1, std::memory_order_relaxed);
  const std::shared_ptr<h2::Connection>& c = connections_[thread_slot % connections_.size()];
  auto stream = std::make_unique<h2::Stream>();
  stream->call = std::move(call);
  stream->done = std::move(done);
  boost::asio::dispatch(c->strand(),
                        [c, s = std::move(stream)]() mutable { c->Start(std::move(s)); });
}

void H2Channel::Close() {
  if (closed_.exchange(true)) return;
  for (auto& c : connections_) boost::asio::post(c->strand(), [c] { c->Close(); });
}

}  // namespace qrcloud::gateway
