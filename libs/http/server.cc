#include "libs/http/server.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cassert>
#include <chrono>
#include <exception>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http/error.hpp>

#include "absl/base/thread_annotations.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "libs/core/log.h"
#include "libs/core/metrics.h"
#include "libs/http/internal/request_parser.h"
#include "libs/http/internal/response_head.h"

namespace qrcloud::http {
namespace internal {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

// Bytes asked of the socket per read: at least the first, at most the
// second, more while the buffer has room.
constexpr size_t kReadChunk = 8192;
constexpr size_t kMaxReadChunk = 64 * 1024;
// A connection closed after an error response keeps reading (and discarding)
// for at most this long, so a client still sending its body sees the
// response instead of a reset.
constexpr absl::Duration kMaxLinger = absl::Seconds(2);
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

// Deadlines are not timers: a connection stores when its current phase must
// end, and one periodic sweep per server closes the connections past theirs.
// (A timer per connection cost a timer-queue update, often a timerfd_settime
// call, for each of the three phases of every request.) Sweeps run every
// quarter of the shortest timeout, within these bounds, so a timeout fires
// up to one sweep period late.
constexpr absl::Duration kMinSweepPeriod = absl::Milliseconds(10);
constexpr absl::Duration kMaxSweepPeriod = absl::Milliseconds(100);

// A phase's time limit; nullopt means none.
using Timeout = std::optional<Clock::duration>;

Timeout ToTimeout(absl::Duration d) {
  if (d == absl::InfiniteDuration()) return std::nullopt;
  return std::chrono::duration_cast<Clock::duration>(
      absl::ToChronoNanoseconds(std::max(d, absl::ZeroDuration())));
}

// Now + `timeout`, saturating at time_point::max() (which means never).
Clock::time_point DeadlineAfter(const Timeout& timeout) {
  if (!timeout) return Clock::time_point::max();
  const Clock::time_point now = Clock::now();
  if (*timeout >= Clock::time_point::max() - now) return Clock::time_point::max();
  return now + *timeout;
}

// The standard and Abseil's string_view are distinct types here (Debian
// builds Abseil with its own string_view).
absl::string_view View(std::string_view s) { return {s.data(), s.size()}; }

Response DefaultErrorResponse(int http_status, std::string_view message) {
  Response r;
  r.status = http_status;
  r.headers = {{"content-type", "text/plain; charset=utf-8"}};
  r.body = std::string(message);
  return r;
}

// Metrics shared by every server in the process, created once so that a
// request costs a few relaxed atomic adds.
struct HttpMetrics {
  std::array<core::Counter*, 6> requests_by_class{};  // [status / 100], 1..5 used
  core::Histogram* duration = nullptr;
  core::Gauge* open_connections = nullptr;
  core::Counter* connections = nullptr;

  static const HttpMetrics& Get() {
    static const HttpMetrics* metrics = [] {
      auto& registry = core::MetricsRegistry::Global();
      auto* m = new HttpMetrics;
      for (int c = 1; c <= 5; ++c) {
        m->requests_by_class[c] =
            &registry.GetCounter("http_requests_total", "HTTP requests answered, by status class",
                                 {{"code", absl::StrCat(c, "xx")}});
      }
      m->duration =
          &registry.GetHistogram("http_request_duration_seconds",
                                 "Time from a request being read to its response being written");
      m->open_connections =
          &registry.GetGauge("http_open_connections", "HTTP connections currently open");
      m->connections = &registry.GetCounter("http_connections_total", "HTTP connections accepted");
      return m;
    }();
    return *metrics;
  }
};

}  // namespace

using Strand = net::strand<net::io_context::executor_type>;
// The concrete executor type spares every completion a type-erased dispatch.
using Socket = net::basic_stream_socket<tcp, Strand>;

// What every connection of one server shares: the io_context, the options,
// the handler, the registry of open connections and the deadline sweep.
// Owned jointly by the Server and its connections, so that a Responder kept
// past the server's life still points at a live io_context.
class ServerState : public std::enable_shared_from_this<ServerState> {
 public:
  enum class Admission { kAccepted, kOverLimit, kStopping };

  ServerState(ServerOptions options, Handler handler);

  absl::Status Start();
  void Shutdown(absl::Duration grace, const std::function<void()>& before_join);
  uint16_t port() const { return port_; }
  net::io_context& io_context() { return ioc_; }

  const ServerOptions& options() const { return options_; }
  const Handler& handler() const { return handler_; }
  const HttpMetrics& metrics() const { return metrics_; }
  const Timeout& read_timeout() const { return read_timeout_; }
  const Timeout& idle_timeout() const { return idle_timeout_; }
  const Timeout& write_timeout() const { return write_timeout_; }
  const Timeout& linger_timeout() const { return linger_timeout_; }
  bool stopping() const { return stopping_flag_.load(std::memory_order_acquire); }

  // Adds `c` to the open connections unless the server is stopping.
  Admission Register(const std::shared_ptr<Connection>& c);
  // Removes `c` if present. Idempotent.
  void Unregister(Connection* c);

  // Runs `f` on `strand`: at once when called on an io thread and the
  // strand is free (an answer from a backend connection is written in the
  // same turn, with no thread woken), else queued, unless the io threads
  // are winding down, in which case `f` is destroyed unrun.
  template <typename F>
  void DispatchIfRunning(const Strand& strand, F&& f) {
    if (ioc_.get_executor().running_in_this_thread()) {
      net::dispatch(strand, std::forward<F>(f));  // the threads run: one of them is this
      return;
    }
    absl::MutexLock lock(&mu_);
    if (running_) net::post(strand, std::forward<F>(f));
  }

 private:
  void Accept();
  void OnAccept(beast::error_code ec, Socket socket);
  std::vector<std::shared_ptr<Connection>> Connections();
  void ScheduleSweep();
  void Sweep();
  void RunIoThread();

  const ServerOptions options_;
  const Handler handler_;
  const HttpMetrics& metrics_;
  const Timeout read_timeout_;
  const Timeout idle_timeout_;
  const Timeout write_timeout_;
  const Timeout linger_timeout_;
  const Clock::duration sweep_period_;

  net::io_context ioc_;  // before everything that uses it
  tcp::acceptor acceptor_;
  // Both on the acceptor's strand.
  net::steady_timer accept_backoff_;
  net::steady_timer sweep_timer_;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work_;
  std::vector<std::thread> threads_;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_flag_{false};

  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // False once Shutdown no longer lets Responders post work.
  bool running_ ABSL_GUARDED_BY(mu_) = true;
  // Invariant: a Connection is in here until its destructor has run
  // Unregister, so the pointer may be dereferenced while mu_ is held.
  std::unordered_map<Connection*, std::weak_ptr<Connection>> connections_ ABSL_GUARDED_BY(mu_);
};

// One accepted TCP connection. Every method except Deliver and deadline()
// runs on strand_.
// Invariants: at most one read or one write is outstanding, and once phase_
// is kClosed no new operation starts. The deadline is finite only while an
// operation is outstanding, so closing the socket when it passes always
// completes that operation, whose handler then closes the connection.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(std::shared_ptr<ServerState> server, Socket socket);
  ~Connection();

  const Strand& strand() const { return strand_; }
  // When the current phase must end; time_point::max() for never. Any thread.
  Clock::time_point deadline() const {
    return Clock::time_point(Clock::duration(deadline_.load(std::memory_order_relaxed)));
  }

  void Start();
  // Answers `http_status` before reading anything, then closes.
  void Reject(int http_status, std::string_view message);
  // Closes the connection if it is idle; otherwise the request in progress
  // is answered with Connection: close.
  void OnServerStopping();
  // Closes the socket if the deadline has passed (the sweep saw it pass, but
  // the phase may have moved on since).
  void OnDeadline();
  void Close();

  // From any thread: sends `response` (nullopt: a 500 for a dropped
  // Responder) on the strand, unless the server has stopped.
  static void Deliver(std::shared_ptr<Connection> self, std::optional<Response> response);

  // The same for a streamed response (BodyStream): its head, a part of its
  // body, and its end (`complete` false: abort).
  static void DeliverStreamHead(std::shared_ptr<Connection> self, Response head);
  static void DeliverPart(std::shared_ptr<Connection> self, std::string data,
                          std::function<void(bool)> written);
  static void DeliverEnd(std::shared_ptr<Connection> self, bool complete);

 private:
  // kStreaming: a streamed response's head is decided; its parts are
  // written as the producer hands them over.
  enum class Phase { kReading, kHandling, kWriting, kStreaming, kLingering, kClosed };

  // The current phase ends within `timeout` from now (nullopt: whenever).
  void SetDeadline(const Timeout& timeout);
  void ReadRequest();
  void ReadMore();
  void OnRead(beast::error_code ec, size_t n);
  void Parse();
  void FailRequest(beast::error_code ec);
  bool HasFoldedHeader() const;
  std::string BodyLimitMessage() const;
  void Dispatch();
  void Respond(std::optional<Response> response);
  void SendError(int http_status, std::string_view message);
  void Write(Response&& response, bool keep_alive);
  void OnWrite(beast::error_code ec, size_t n);
  void StartStream(Response&& head);
  void WritePart(std::string data, std::function<void(bool)> written);
  void EndStream(bool complete);
  // Writes head_ (if not yet sent), then `body_` framed as a chunk, then the
  // last chunk if `last`.
  void WriteStreamBytes(bool last);
  void OnPartWritten(beast::error_code ec, size_t n);
  void CountRequest();
  void Linger();
  void Drain();

  const std::shared_ptr<ServerState> server_;  // first: outlives socket_
  Socket socket_;
  const Strand strand_;  // socket_'s executor
  std::atomic<Clock::rep> deadline_{Clock::time_point::max().time_since_epoch().count()};
  beast::flat_buffer buffer_;  // reused by every request on this connection
  std::optional<RequestParser> parser_;
  std::string head_;  // of the response being written; reused
  std::string body_;  // of the response being written
  std::string remote_address_;
  uint16_t remote_port_ = 0;
  std::string target_;  // of the request being answered; reused

  Phase phase_ = Phase::kReading;
  bool awaiting_first_byte_ = false;  // idle: no byte of the next request yet
  bool first_request_ = true;
  // Of the request being answered:
  bool keep_alive_ = false;  // asked by the request; once writing, decided for the response
  bool head_request_ = false;
  bool count_request_ = true;  // false for a connection rejected unread
  bool linger_after_write_ = false;
  // Of a streamed response:
  bool stream_head_sent_ = false;
  bool stream_chunked_ = false;      // HTTP/1.1: chunked; HTTP/1.0: ends with the connection
  bool part_in_flight_ = false;      // a write of the stream is outstanding
  std::optional<bool> stream_end_;   // Finish (true) or Abort (false) asked
  bool stream_end_written_ = false;  // the last write carries the end
  std::function<void(bool)> part_written_;
  std::string chunk_size_;  // "<hex>\r\n" of the part being written
  unsigned version_ = 11;
  int status_ = 0;
  Clock::time_point request_start_;
};

// ---------------------------------------------------------------- Connection

Connection::Connection(std::shared_ptr<ServerState> server, Socket socket)
    : server_(std::move(server)), socket_(std::move(socket)), strand_(socket_.get_executor()) {
  beast::error_code ec;
  const tcp::endpoint peer = socket_.remote_endpoint(ec);
  if (!ec) {
    remote_address_ = peer.address().to_string();
    remote_port_ = peer.port();
  }
}

Connection::~Connection() { server_->Unregister(this); }

void Connection::Start() {
  if (phase_ == Phase::kClosed) return;
  ReadRequest();
}

void Connection::Reject(int http_status, std::string_view message) {
  if (phase_ == Phase::kClosed) return;
  count_request_ = false;
  SendError(http_status, message);
}

void Connection::OnServerStopping() {
  if (phase_ == Phase::kReading && awaiting_first_byte_) Close();
}

void Connection::OnDeadline() {
  if (phase_ == Phase::kClosed || Clock::now() < deadline()) return;
  SetDeadline(std::nullopt);
  beast::error_code ignored;
  socket_.close(ignored);  // the outstanding operation fails and closes the connection
}

void Connection::Close() {
  if (phase_ == Phase::kClosed) return;
  phase_ = Phase::kClosed;
  SetDeadline(std::nullopt);
  beast::error_code ignored;
  socket_.close(ignored);  // cancels the pending operation; its handler sees kClosed
  server_->Unregister(this);
}

void Connection::SetDeadline(const Timeout& timeout) {
  deadline_.store(DeadlineAfter(timeout).time_since_epoch().count(), std::memory_order_relaxed);
}

void Connection::ReadRequest() {
  if (server_->stopping()) {  // not yet started, so not in flight
    Close();
    return;
  }
  phase_ = Phase::kReading;
  const ServerOptions& options = server_->options();
  parser_.emplace(options.max_header_bytes, options.max_body_bytes);
  if (buffer_.size() > 0) {  // a pipelined request is already here
    // One deadline for the whole request, header and body.
    SetDeadline(server_->read_timeout());
    Parse();
    return;
  }
  awaiting_first_byte_ = true;
  SetDeadline(first_request_ ? server_->read_timeout() : server_->idle_timeout());
  ReadMore();
}

void Connection::ReadMore() {
  const size_t room = buffer_.capacity() - buffer_.size();
  socket_.async_read_some(buffer_.prepare(std::clamp(room, kReadChunk, kMaxReadChunk)),
                          beast::bind_front_handler(&Connection::OnRead, shared_from_this()));
}

void Connection::OnRead(beast::error_code ec, size_t n) {
  if (phase_ == Phase::kClosed) return;
  if (ec) {
    // The peer left (mid-request or between requests), the socket failed, or
    // the deadline passed: nobody to answer.
    Close();
    return;
  }
  buffer_.commit(n);
  if (awaiting_first_byte_) {
    awaiting_first_byte_ = false;
    SetDeadline(server_->read_timeout());
  }
  Parse();
}

// Feeds the buffered bytes to the parser: the header first, then (eagerly)
// the body, answering Expect: 100-continue in between. Reads more while the
// request is incomplete; dispatches it once complete.
void Connection::Parse() {
  for (;;) {
    if (parser_->is_done()) {
      Dispatch();
      return;
    }
    if (buffer_.size() == 0) {
      ReadMore();
      return;
    }
    const bool had_header = parser_->is_header_done();
    if (!had_header && HasFoldedHeader()) {
      FailRequest(bhttp::error::bad_value);
      return;
    }
    beast::error_code ec;
    buffer_.consume(parser_->put(buffer_.data(), ec));
    if (ec == bhttp::error::need_more) {
      ReadMore();
      return;
    }
    if (ec) {
      FailRequest(ec);
      return;
    }
    if (had_header || !parser_->is_header_done() || parser_->is_done()) continue;
    parser_->eager(true);
    const Request& header = parser_->request();
    if (header.version >= 11 &&
        absl::EqualsIgnoreCase(View(header.Header("expect")), "100-continue")) {
      net::async_write(socket_, net::buffer(kContinue.data(), kContinue.size()),
                       [self = shared_from_this()](beast::error_code write_ec, size_t) {
                         if (self->phase_ == Phase::kClosed) return;
                         if (write_ec) {
                           self->Close();
                           return;
                         }
                         self->Parse();
                       });
      return;
    }
  }
}

// A header value folded over several lines (obs-fold), in the header the
// buffer holds so far: refused, as RFC 9112 5.2 allows, because a proxy in
// front may read it differently. Beast would join the lines silently.
bool Connection::HasFoldedHeader() const {
  const std::string_view bytes(static_cast<const char*>(buffer_.data().data()),
                               buffer_.data().size());
  const std::string_view head = bytes.substr(0, bytes.find("\r\n\r\n"));
  return head.find("\r\n ") != std::string_view::npos ||
         head.find("\r\n\t") != std::string_view::npos;
}

void Connection::FailRequest(beast::error_code ec) {
  const ServerOptions& options = server_->options();
  if (ec == bhttp::error::body_limit) {
    SendError(400, BodyLimitMessage());
  } else if (ec == bhttp::error::bad_transfer_encoding) {
    SendError(501, "this server understands only Transfer-Encoding: chunked (or a Content-Length)");
  } else if (ec == bhttp::error::header_limit) {
    SendError(431, absl::StrCat("request line and headers exceed the limit of ",
                                options.max_header_bytes, " bytes"));
  } else if (ec.category() != bhttp::make_error_code(bhttp::error::bad_method).category() ||
             ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message) {
    // The peer left, the socket failed or the read timed out: nobody to answer.
    Close();
  } else {
    SendError(400, absl::StrCat("malformed HTTP/1.1 request: ", ec.message()));
  }
}

std::string Connection::BodyLimitMessage() const {
  const size_t limit = server_->options().max_body_bytes;
  // Beast refuses an oversized Content-Length before the header is marked
  // done, so read the field itself rather than parser_->content_length().
  uint64_t declared = 0;
  if (absl::SimpleAtoi(View(parser_->request().Header("content-length")), &declared) &&
      declared > limit) {
    return absl::StrCat("request body is ", declared, " bytes; the limit is ", limit, " bytes");
  }
  return absl::StrCat("request body exceeds the limit of ", limit, " bytes");
}

void Connection::Dispatch() {
  Request request = std::move(parser_->request());
  const size_t question = request.target.find('?');
  if (question == std::string::npos) {
    request.path = request.target;
  } else {
    request.path = request.target.substr(0, question);
    request.query = request.target.substr(question + 1);
  }
  request.remote_address = remote_address_;
  request.remote_port = remote_port_;
  target_ = request.target;  // for the log, should the handler throw

  keep_alive_ = parser_->keep_alive();
  head_request_ = parser_->is_head();
  version_ = static_cast<unsigned>(request.version);
  phase_ = Phase::kHandling;
  first_request_ = false;
  request_start_ = Clock::now();
  SetDeadline(std::nullopt);  // the handler's time is not the client's
  try {
    server_->handler()(std::move(request), Responder(shared_from_this()));
  } catch (const std::exception& e) {
    // The Responder died with the handler's frame, so the client gets a 500.
    spdlog::error("http: handler for {} threw: {}", target_, e.what());
  }
  // Nothing but the log above may touch *this here: the Responder may have
  // started a write.
}

void Connection::Deliver(std::shared_ptr<Connection> self, std::optional<Response> response) {
  if (self->strand_.running_in_this_thread()) {
    self->Respond(std::move(response));
    return;
  }
  const Strand& strand = self->strand_;
  ServerState& server = *self->server_;
  server.DispatchIfRunning(strand, [self = std::move(self), r = std::move(response)]() mutable {
    self->Respond(std::move(r));
  });
}

void Connection::Respond(std::optional<Response> response) {
  if (phase_ != Phase::kHandling) return;  // closed meanwhile
  if (!response) {
    response = server_->options().error_response(
        500, "the request handler finished without producing a response");
  }
  Write(std::move(*response), keep_alive_ && !server_->stopping());
}

void Connection::DeliverStreamHead(std::shared_ptr<Connection> self, Response head) {
  const Strand& strand = self->strand_;
  ServerState& server = *self->server_;
  server.DispatchIfRunning(strand, [self = std::move(self), h = std::move(head)]() mutable {
    self->StartStream(std::move(h));
  });
}

namespace {

// Runs `fn(false)` unless it was taken and run: a part queued to a strand
// that never runs it (the server stopped) still reports.
struct WrittenOnce {
  std::function<void(bool)> fn;
  explicit WrittenOnce(std::function<void(bool)> f) : fn(std::move(f)) {}
  WrittenOnce(WrittenOnce&& other) noexcept : fn(std::exchange(other.fn, nullptr)) {}
  WrittenOnce& operator=(WrittenOnce&&) = delete;
  ~WrittenOnce() {
    if (fn) fn(false);
  }
  std::function<void(bool)> Take() { return std::exchange(fn, nullptr); }
};

}  // namespace

void Connection::DeliverPart(std::shared_ptr<Connection> self, std::string data,
                             std::function<void(bool)> written) {
  const Strand& strand = self->strand_;
  ServerState& server = *self->server_;
  server.DispatchIfRunning(strand, [self = std::move(self), d = std::move(data),
                                    w = WrittenOnce(std::move(written))]() mutable {
    self->WritePart(std::move(d), w.Take());
  });
}

void Connection::DeliverEnd(std::shared_ptr<Connection> self, bool complete) {
  const Strand& strand = self->strand_;
  ServerState& server = *self->server_;
  server.DispatchIfRunning(strand,
                           [self = std::move(self), complete] { self->EndStream(complete); });
}

void Connection::StartStream(Response&& r) {
  if (phase_ != Phase::kHandling) return;  // closed meanwhile
  if (r.status < 200 || r.status > 599 || r.status == 204 || r.status == 304) {
    spdlog::error("http: a streamed response cannot have status {}", r.status);
    r = server_->options().error_response(500, "the request handler streamed an invalid status");
    Write(std::move(r), false);
    return;
  }
  ResponseFraming framing;
  framing.version = version_;
  stream_chunked_ = version_ >= 11;
  // HTTP/1.0 has no chunks: the end of the body is the end of the connection.
  framing.keep_alive =
      stream_chunked_ && keep_alive_ && !AsksToClose(r.headers) && !server_->stopping();
  framing.chunked = stream_chunked_ && !head_request_;
  framing.server = server_->options().server_header;
  head_.clear();
  AppendResponseHead(r.status, r.headers, framing, &head_);
  keep_alive_ = framing.keep_alive;
  status_ = r.status;
  stream_head_sent_ = false;
  part_in_flight_ = false;
  stream_end_.reset();
  stream_end_written_ = false;
  phase_ = Phase::kStreaming;
  SetDeadline(std::nullopt);  // the producer's time is not the client's
}

void Connection::WritePart(std::string data, std::function<void(bool)> written) {
  if (phase_ != Phase::kStreaming || part_in_flight_ || stream_end_ || head_request_ ||
      data.empty()) {
    // A HEAD request wants no body: tell the producer to stop rather than
    // have it make one for nothing.
    const bool ok =
        phase_ == Phase::kStreaming && !part_in_flight_ && !stream_end_ && !head_request_;
    if (written) written(ok);
    return;
  }
  body_ = std::move(data);
  part_written_ = std::move(written);
  WriteStreamBytes(false);
}

void Connection::EndStream(bool complete) {
  if (phase_ != Phase::kStreaming || stream_end_) return;
  stream_end_ = complete;
  if (part_in_flight_) return;  // OnPartWritten ends it
  if (!complete) {
    CountRequest();
    Close();
    return;
  }
  body_.clear();
  WriteStreamBytes(true);
}

void Connection::WriteStreamBytes(bool last) {
  static constexpr std::string_view kCrlf = "\r\n";
  static constexpr std::string_view kLastChunk = "0\r\n\r\n";
  std::array<net::const_buffer, 5> buffers;  // unused ones stay empty
  size_t n = 0;
  if (!stream_head_sent_) buffers[n++] = net::buffer(head_);
  if (!body_.empty()) {
    if (stream_chunked_) {
      chunk_size_ = absl::StrCat(absl::Hex(body_.size()), "\r\n");
      buffers[n++] = net::buffer(chunk_size_);
    }
    buffers[n++] = net::buffer(body_);
    if (stream_chunked_) buffers[n++] = net::buffer(kCrlf.data(), kCrlf.size());
  }
  if (last && stream_chunked_ && !head_request_) {
    buffers[n++] = net::buffer(kLastChunk.data(), kLastChunk.size());
  }
  stream_head_sent_ = true;
  stream_end_written_ = last;
  part_in_flight_ = true;
  SetDeadline(server_->write_timeout());
  net::async_write(socket_, buffers,
                   beast::bind_front_handler(&Connection::OnPartWritten, shared_from_this()));
}

void Connection::OnPartWritten(beast::error_code ec, size_t /*n*/) {
  part_in_flight_ = false;
  body_ = {};
  std::function<void(bool)> written = std::exchange(part_written_, nullptr);
  if (phase_ == Phase::kClosed || ec) {
    if (phase_ != Phase::kClosed) {
      CountRequest();
      Close();
    }
    if (written) written(false);
    return;
  }
  SetDeadline(std::nullopt);
  if (stream_end_written_) {
    // The whole response is out: on to the next request, as OnWrite does.
    CountRequest();
    if (written) written(true);
    if (!keep_alive_ || server_->stopping()) {
      Close();
    } else {
      ReadRequest();
    }
    return;
  }
  if (stream_end_) {  // Finish or Abort came while this part was written
    const bool complete = *stream_end_;
    stream_end_.reset();
    if (written) written(true);
    EndStream(complete);
    return;
  }
  if (written) written(true);
}

void Connection::CountRequest() {
  if (!count_request_) return;
  const HttpMetrics& metrics = server_->metrics();
  metrics.requests_by_class[status_ / 100]->Inc();
  metrics.duration->Observe(std::chrono::duration<double>(Clock::now() - request_start_).count());
}

void Connection::SendError(int http_status, std::string_view message) {
  Response response = server_->options().error_response(http_status, message);
  keep_alive_ = false;
  head_request_ = false;
  version_ = 11;
  linger_after_write_ = true;
  request_start_ = Clock::now();
  Write(std::move(response), false);
}

void Connection::Write(Response&& r, bool keep_alive) {
  if (r.status < 100 || r.status > 599) {
    spdlog::error("http: handler answered with invalid status {}", r.status);
    r = server_->options().error_response(
        500, absl::StrCat("the request handler answered with invalid status ", r.status));
    if (r.status < 100 || r.status > 599) r.status = 500;
  }
  ResponseFraming framing;
  framing.version = version_;
  framing.keep_alive = keep_alive && !AsksToClose(r.headers);
  framing.server = server_->options().server_header;
  if (r.status >= 200 && r.status != 204) framing.content_length = r.body.size();
  head_.clear();  // keeps its capacity for the next response
  AppendResponseHead(r.status, r.headers, framing, &head_);
  if (head_request_) {
    body_.clear();
  } else {
    body_ = std::move(r.body);
  }
  keep_alive_ = framing.keep_alive;
  status_ = r.status;
  phase_ = Phase::kWriting;
  SetDeadline(server_->write_timeout());
  const std::array<net::const_buffer, 2> buffers = {net::buffer(head_), net::buffer(body_)};
  net::async_write(socket_, buffers,
                   beast::bind_front_handler(&Connection::OnWrite, shared_from_this()));
}

void Connection::OnWrite(beast::error_code ec, size_t /*n*/) {
  if (phase_ == Phase::kClosed) return;
  CountRequest();
  if (ec) {
    Close();
    return;
  }
  if (linger_after_write_) {
    Linger();
    return;
  }
  body_ = {};  // frees the body now rather than at the next request
  if (!keep_alive_ || server_->stopping()) {
    Close();
    return;
  }
  ReadRequest();
}

void Connection::Linger() {
  phase_ = Phase::kLingering;
  beast::error_code ec;
  socket_.shutdown(Socket::shutdown_send, ec);
  buffer_.clear();
  SetDeadline(server_->linger_timeout());
  Drain();
}

void Connection::Drain() {
  socket_.async_read_some(buffer_.prepare(kReadChunk),
                          [self = shared_from_this()](beast::error_code ec, size_t) {
                            if (self->phase_ == Phase::kClosed) return;
                            if (ec) {
                              self->Close();
                              return;
                            }
                            self->Drain();
                          });
}

// --------------------------------------------------------------- ServerState

ServerState::ServerState(ServerOptions options, Handler handler)
    : options_(std::move(options)),
      handler_(std::move(handler)),
      metrics_(HttpMetrics::Get()),
      read_timeout_(ToTimeout(options_.read_timeout)),
      idle_timeout_(ToTimeout(options_.idle_timeout)),
      write_timeout_(ToTimeout(options_.write_timeout)),
      linger_timeout_(ToTimeout(std::min(options_.read_timeout, kMaxLinger))),
      sweep_period_(*ToTimeout(std::clamp(
          std::min({options_.read_timeout, options_.idle_timeout, options_.write_timeout}) / 4,
          kMinSweepPeriod, kMaxSweepPeriod))),
      ioc_(std::max(1, options_.io_threads)),
      acceptor_(net::make_strand(ioc_)),
      accept_backoff_(acceptor_.get_executor()),
      sweep_timer_(acceptor_.get_executor()) {}

absl::Status ServerState::Start() {
  if (!threads_.empty() || stopping()) {
    return absl::FailedPreconditionError("Server::Start may be called once, before Shutdown");
  }
  const std::string where = absl::StrCat(options_.address, ":", options_.port);
  beast::error_code ec;
  const net::ip::address address = net::ip::make_address(options_.address, ec);
  if (ec) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot listen on ", where, ": the address must be an IPv4 or IPv6 address"));
  }
  const tcp::endpoint endpoint(address, options_.port);
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (!ec) port_ = acceptor_.local_endpoint(ec).port();
  if (ec) {
    beast::error_code ignored;
    acceptor_.close(ignored);
    return absl::UnavailableError(absl::StrCat("cannot listen on ", where, ": ", ec.message()));
  }
  // The acceptor's strand is idle until the threads start.
  Accept();
  ScheduleSweep();
  work_.emplace(ioc_.get_executor());
  const int threads = std::max(1, options_.io_threads);
  threads_.reserve(threads);
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { RunIoThread(); });
  return absl::OkStatus();
}

void ServerState::RunIoThread() {
  for (;;) {
    try {
      ioc_.run();
      return;
    } catch (const std::exception& e) {
      spdlog::error("http: io thread caught an exception: {}", e.what());
    }
  }
}

void ServerState::Accept() {
  acceptor_.async_accept(net::make_strand(ioc_),
                         [self = shared_from_this()](beast::error_code ec, Socket socket) {
                           self->OnAccept(ec, std::move(socket));
                         });
}

void ServerState::OnAccept(beast::error_code ec, Socket socket) {
  if (!acceptor_.is_open()) return;  // Shutdown closed it
  if (ec) {
    // Typically out of file descriptors: back off instead of spinning.
    spdlog::warn("http: accept on port {} failed: {}", port_, ec.message());
    accept_backoff_.expires_after(std::chrono::milliseconds(50));
    accept_backoff_.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
      if (!wait_ec && self->acceptor_.is_open()) self->Accept();
    });
    return;
  }
  beast::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  auto connection = std::make_shared<Connection>(shared_from_this(), std::move(socket));
  switch (Register(connection)) {
    case Admission::kAccepted:
      net::post(connection->strand(), [connection] { connection->Start(); });
      break;
    case Admission::kOverLimit:
      net::post(connection->strand(), [connection, limit = options_.max_connections] {
        connection->Reject(503, absl::StrCat("the server is at its limit of ", limit,
                                             " open connections; retry later"));
      });
      break;
    case Admission::kStopping:
      break;  // the socket closes with `connection`
  }
  Accept();
}

void ServerState::ScheduleSweep() {
  sweep_timer_.expires_after(sweep_period_);
  sweep_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (!ec) self->Sweep();
  });
}

void ServerState::Sweep() {
  const Clock::time_point now = Clock::now();
  std::vector<std::shared_ptr<Connection>> expired;
  {
    absl::MutexLock lock(&mu_);
    if (!running_) return;
    for (auto& [ptr, weak] : connections_) {
      if (ptr->deadline() > now) continue;
      if (auto c = weak.lock()) expired.push_back(std::move(c));
    }
  }
  for (auto& c : expired) net::post(c->strand(), [c] { c->OnDeadline(); });
  ScheduleSweep();
}

ServerState::Admission ServerState::Register(const std::shared_ptr<Connection>& c) {
  absl::MutexLock lock(&mu_);
  if (stopping_) return Admission::kStopping;
  connections_.emplace(c.get(), c);
  metrics_.open_connections->Add(1);
  metrics_.connections->Inc();
  // The rejected connection is registered too, so Shutdown can close it.
  return connections_.size() > options_.max_connections ? Admission::kOverLimit
                                                        : Admission::kAccepted;
}

void ServerState::Unregister(Connection* c) {
  absl::MutexLock lock(&mu_);
  if (connections_.erase(c) > 0) metrics_.open_connections->Add(-1);
}

std::vector<std::shared_ptr<Connection>> ServerState::Connections() {
  std::vector<std::shared_ptr<Connection>> out;
  absl::MutexLock lock(&mu_);
  out.reserve(connections_.size());
  for (auto& [ptr, weak] : connections_) {
    if (auto c = weak.lock()) out.push_back(std::move(c));
  }
  return out;
}

void ServerState::Shutdown(absl::Duration grace, const std::function<void()>& before_join) {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    stopping_ = true;
    stopping_flag_.store(true, std::memory_order_release);
  }
  if (threads_.empty()) return;  // never started
  net::post(acceptor_.get_executor(), [self = shared_from_this()] {
    beast::error_code ignored;
    self->acceptor_.close(ignored);
    self->accept_backoff_.cancel();
  });
  for (auto& c : Connections()) {
    net::post(c->strand(), [c] { c->OnServerStopping(); });
  }
  {
    absl::MutexLock lock(&mu_);
    mu_.AwaitWithTimeout(absl::Condition(
                             +[](std::unordered_map<Connection*, std::weak_ptr<Connection>>* m) {
                               return m->empty();
                             },
                             &connections_),
                         grace);
  }
  for (auto& c : Connections()) {
    net::post(c->strand(), [c] { c->Close(); });
  }
  {
    absl::MutexLock lock(&mu_);
    running_ = false;
  }
  net::post(acceptor_.get_executor(), [self = shared_from_this()] { self->sweep_timer_.cancel(); });
  if (before_join) before_join();
  // With every socket closed and no Responder able to post, the io threads
  // run out of work and return.
  work_.reset();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

}  // namespace internal

// ----------------------------------------------------------------- Responder

Responder::Responder(std::shared_ptr<internal::Connection> connection)
    : connection_(std::move(connection)) {}

Responder::Responder(Responder&& other) noexcept = default;

Responder& Responder::operator=(Responder&& other) noexcept {
  if (this != &other) {
    if (connection_) internal::Connection::Deliver(std::move(connection_), std::nullopt);
    connection_ = std::move(other.connection_);
  }
  return *this;
}

Responder::~Responder() {
  if (connection_) internal::Connection::Deliver(std::move(connection_), std::nullopt);
}

void Responder::operator()(Response&& response) {
  assert(connection_ != nullptr && "Responder called twice");
  if (connection_ == nullptr) return;
  internal::Connection::Deliver(std::move(connection_), std::move(response));
}

BodyStream Responder::Stream(Response&& head) {
  assert(connection_ != nullptr && "Responder called twice");
  if (connection_ == nullptr) return BodyStream();
  std::shared_ptr<internal::Connection> connection = std::move(connection_);
  internal::Connection::DeliverStreamHead(connection, std::move(head));
  return BodyStream(std::move(connection));
}

// ---------------------------------------------------------------- BodyStream

BodyStream::BodyStream(std::shared_ptr<internal::Connection> connection)
    : connection_(std::move(connection)) {}

BodyStream::BodyStream(BodyStream&& other) noexcept = default;

BodyStream& BodyStream::operator=(BodyStream&& other) noexcept {
  if (this != &other) {
    Abort();
    connection_ = std::move(other.connection_);
  }
  return *this;
}

BodyStream::~BodyStream() { Abort(); }

void BodyStream::Write(std::string data, std::function<void(bool ok)> written) {
  if (connection_ == nullptr) {
    if (written) written(false);
    return;
  }
  internal::Connection::DeliverPart(connection_, std::move(data), std::move(written));
}

void BodyStream::Finish() {
  if (connection_) internal::Connection::DeliverEnd(std::move(connection_), true);
}

void BodyStream::Abort() {
  if (connection_) internal::Connection::DeliverEnd(std::move(connection_), false);
}

// -------------------------------------------------------------------- Server

Server::Server(ServerOptions options, Handler handler) {
  if (!options.error_response) options.error_response = internal::DefaultErrorResponse;
  state_ = std::make_shared<internal::ServerState>(std::move(options), std::move(handler));
}

Server::~Server() { Shutdown(absl::ZeroDuration(), nullptr); }

absl::Status Server::Start() { return state_->Start(); }

uint16_t Server::port() const { return state_->port(); }

void Server::Shutdown(absl::Duration grace, const std::function<void()>& before_join) {
  state_->Shutdown(grace, before_join);
}

boost::asio::io_context& Server::io_context() { return state_->io_context(); }

}  // namespace qrcloud::http
