// The gateway's own gRPC client against a real grpc++ server on loopback.
#include "gateway/h2_client.h"

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/grpcpp.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <optional>
#include <thread>

#include "absl/strings/str_cat.h"

namespace qrcloud::gateway {
namespace {

// Answers by method: Echo (the request and two metadata values back), Fail
// (an error with a message and binary details), Slow (never answers until
// cancelled) and Big (an answer of the size the request names).
class TestService : public grpc::CallbackGenericService {
  class Reactor : public grpc::ServerGenericBidiReactor {
   public:
    explicit Reactor(grpc::GenericCallbackServerContext* ctx) : ctx_(ctx) { StartRead(&request_); }

    void OnReadDone(bool ok) override {
      if (!ok) return FinishOnce(grpc::Status(grpc::StatusCode::INTERNAL, "no request"));
      std::vector<grpc::Slice> slices;
      (void)request_.Dump(&slices);
      std::string body;
      for (const auto& s : slices) body.append(reinterpret_cast<const char*>(s.begin()), s.size());
      const std::string& method = ctx_->method();
      if (method == "/t.T/Echo") {
        auto meta = [&](const char* name) {
          auto it = ctx_->client_metadata().find(name);
          return it == ctx_->client_metadata().end()
                     ? std::string("-")
                     : std::string(it->second.data(), it->second.size());
        };
        Reply(absl::StrCat(meta("authorization"), "|", meta("x-request-id"), "|", body));
      } else if (method == "/t.T/Fail") {
        FinishOnce(grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "sold out: 100% gone, 售罄",
                                std::string("\x00\x01\xff details", 11)));
      } else if (method == "/t.T/Big") {
        Reply(std::string(std::stoul(body), 'x'));
      } else if (method == "/t.T/Slow") {
        // Answers only when cancelled (OnCancel).
      } else {
        FinishOnce(grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "no such method"));
      }
    }
    // A cancelled call may also see its read fail: it finishes once.
    void OnCancel() override { FinishOnce(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled")); }
    void OnDone() override { delete this; }

   private:
    void FinishOnce(const grpc::Status& status) {
      if (!finished_.exchange(true)) Finish(status);
    }
    void Reply(const std::string& bytes) {
      if (finished_.exchange(true)) return;
      grpc::Slice slice(bytes);
      response_ = grpc::ByteBuffer(&slice, 1);
      StartWriteAndFinish(&response_, grpc::WriteOptions(), grpc::Status::OK);
    }
    std::atomic<bool> finished_{false};
    grpc::GenericCallbackServerContext* ctx_;
    grpc::ByteBuffer request_, response_;
  };

  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext* ctx) override {
    return new Reactor(ctx);
  }
};

class TestServer {
 public:
  // On `port`, or a free one when 0.
  explicit TestServer(int port = 0) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort(absl::StrCat("127.0.0.1:", port), grpc::InsecureServerCredentials(),
                             &port_);
    builder.RegisterCallbackGenericService(&service_);
    server_ = builder.BuildAndStart();
    REQUIRE(server_ != nullptr);
  }
  ~TestServer() { Stop(); }
  void Stop() {
    if (server_)
      server_->Shutdown(std::chrono::system_clock::now() + std::chrono::milliseconds(200));
    server_.reset();
  }
  int port() const { return port_; }

 private:
  TestService service_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

// Two io threads, as the gateway runs them.
class IoThreads {
 public:
  IoThreads() {
    work_.emplace(ioc_.get_executor());
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { ioc_.run(); });
  }
  ~IoThreads() { Join(); }
  void Join() {
    work_.reset();
    for (auto& t : threads_) t.join();
    threads_.clear();
  }
  boost::asio::io_context& ioc() { return ioc_; }

 private:
  boost::asio::io_context ioc_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::vector<std::thread> threads_;
};

// Io threads, a server, and a channel to it with `connections` connections.
struct Rig {
  explicit Rig(int connections)
      : channel(io.ioc(), absl::StrCat("127.0.0.1:", server.port()), connections) {}
  IoThreads io;
  TestServer server;
  H2Channel channel;
};

struct Answer {
  grpc::Status status;
  std::string response;
};

std::future<Answer> Start(H2Channel& channel, const std::string& method, std::string request,
                          absl::Duration timeout = absl::Seconds(10),
                          std::vector<std::pair<std::string, std::string>> metadata = {}) {
  auto promise = std::make_shared<std::promise<Answer>>();
  auto future = promise->get_future();
  UnaryCall call;
  call.path = "/t.T/" + method;
  call.request = std::move(request);
  call.deadline = absl::Now() + timeout;
  call.metadata = std::move(metadata);
  channel.Call(std::move(call), [promise](grpc::Status status, std::string response) {
    promise->set_value({std::move(status), std::move(response)});
  });
  return future;
}

Answer Wait(std::future<Answer> f) {
  REQUIRE(f.wait_for(std::chrono::seconds(20)) == std::future_status::ready);
  return f.get();
}

// Calls until a call succeeds (the channel reconnecting after its backoff),
// for at most `within`; the last answer.
Answer CallUntilOk(H2Channel& channel, const std::string& method, const std::string& request,
                   absl::Duration within = absl::Seconds(10)) {
  const absl::Time deadline = absl::Now() + within;
  for (;;) {
    Answer a = Wait(Start(channel, method, request));
    if (a.status.ok() || absl::Now() >= deadline) return a;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

TEST_CASE("Calls reach a real gRPC server and bring its answers back, many at once") {
  Rig rig(2);
  H2Channel& channel = rig.channel;
  std::vector<std::future<Answer>> calls;
  for (int i = 0; i < 300; ++i) {
    calls.push_back(Start(channel, "Echo", absl::StrCat("request ", i), absl::Seconds(10),
                          {{"authorization", "Bearer t"}, {"x-request-id", absl::StrCat("r", i)}}));
  }
  for (int i = 0; i < 300; ++i) {
    Answer a = Wait(std::move(calls[i]));
    INFO(a.status.error_message());
    REQUIRE(a.status.ok());
    CHECK(a.response == absl::StrCat("Bearer t|r", i, "|request ", i));
  }
  Answer unknown = Wait(Start(channel, "Nope", ""));
  CHECK(unknown.status.error_code() == grpc::StatusCode::UNIMPLEMENTED);
  channel.Close();
}

TEST_CASE("A server's error arrives with its code, its message and its binary details") {
  Rig rig(1);
  H2Channel& channel = rig.channel;
  Answer a = Wait(Start(channel, "Fail", ""));
  CHECK(a.status.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(a.status.error_message() == "sold out: 100% gone, 售罄");
  CHECK(a.status.error_details() == std::string("\x00\x01\xff details", 11));
  CHECK(a.response.empty());
  channel.Close();
}

TEST_CASE("A call past its deadline ends DEADLINE_EXCEEDED, and the connection serves on") {
  Rig rig(1);
  H2Channel& channel = rig.channel;
  REQUIRE(Wait(Start(channel, "Echo", "warm")).status.ok());
  const absl::Time start = absl::Now();
  Answer slow = Wait(Start(channel, "Slow", "", absl::Milliseconds(300)));
  CHECK(slow.status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED);
  // The server, told the deadline in grpc-timeout, may end it a hair first.
  CHECK(absl::Now() - start >= absl::Milliseconds(290));
  CHECK(absl::Now() - start < absl::Seconds(3));
  Answer after = Wait(Start(channel, "Echo", "after"));
  CHECK(after.status.ok());
  CHECK(after.response == "-|-|after");
  channel.Close();
}

TEST_CASE("Answers and requests of megabytes arrive whole") {
  Rig rig(1);
  H2Channel& channel = rig.channel;
  std::vector<std::future<Answer>> calls;
  for (int i = 0; i < 4; ++i)
    calls.push_back(Start(channel, "Big", std::to_string(8 * 1024 * 1024 + i)));
  for (int i = 0; i < 4; ++i) {
    Answer a = Wait(std::move(calls[i]));
    REQUIRE(a.status.ok());
    CHECK(a.response.size() == static_cast<size_t>(8 * 1024 * 1024 + i));
    CHECK(a.response.find_first_not_of('x') == std::string::npos);
  }
  const std::string big(3 * 1024 * 1024, 'q');
  Answer echo = Wait(Start(channel, "Echo", big));
  REQUIRE(echo.status.ok());
  CHECK(echo.response == "-|-|" + big);
  channel.Close();
}

TEST_CASE("With no server calls fail fast naming the address, and work once it is up") {
  int port = 0;
  {
    TestServer probe;  // a port that was free a moment ago
    port = probe.port();
  }
  IoThreads io;
  H2Channel channel(io.ioc(), absl::StrCat("127.0.0.1:", port), 1);
  Answer down = Wait(Start(channel, "Echo", "x"));
  CHECK(down.status.error_code() == grpc::StatusCode::UNAVAILABLE);
  CHECK_THAT(down.status.error_message(),
             Catch::Contains("failed to connect to 127.0.0.1:" + std::to_string(port)));
  // In backoff: refused at once, not after the deadline.
  const absl::Time start = absl::Now();
  CHECK(Wait(Start(channel, "Echo", "x")).status.error_code() == grpc::StatusCode::UNAVAILABLE);
  CHECK(absl::Now() - start < absl::Seconds(1));

  TestServer server(port);
  Answer up = CallUntilOk(channel, "Echo", "back");
  CHECK(up.status.ok());
  CHECK(up.response == "-|-|back");
  channel.Close();
}

TEST_CASE("When the server goes away calls in flight end, and later calls reach its successor") {
  IoThreads io;
  auto server = std::make_unique<TestServer>();
  const int port = server->port();
  H2Channel channel(io.ioc(), absl::StrCat("127.0.0.1:", port), 1);
  REQUIRE(Wait(Start(channel, "Echo", "first")).status.ok());
  auto hanging = Start(channel, "Slow", "", absl::Seconds(30));
  server->Stop();
  Answer ended = Wait(std::move(hanging));
  CHECK_FALSE(ended.status.ok());
  CHECK(ended.status.error_code() != grpc::StatusCode::DEADLINE_EXCEEDED);

  server = std::make_unique<TestServer>(port);
  Answer again = CallUntilOk(channel, "Echo", "again");
  CHECK(again.status.ok());
  CHECK(again.response == "-|-|again");
  channel.Close();
}

TEST_CASE("Close ends calls in flight, refuses new ones, and lets the io threads finish") {
  Rig rig(2);
  H2Channel& channel = rig.channel;
  REQUIRE(Wait(Start(channel, "Echo", "x")).status.ok());
  auto hanging = Start(channel, "Slow", "", absl::Seconds(30));
  // The call is on the wire before Close: its answer is the cancellation.
  channel.Close();
  Answer ended = Wait(std::move(hanging));
  CHECK(ended.status.error_code() == grpc::StatusCode::CANCELLED);
  Answer refused = Wait(Start(channel, "Echo", "x"));
  CHECK(refused.status.error_code() == grpc::StatusCode::UNAVAILABLE);
  rig.io.Join();  // returns: the channel left no work behind
}

// A TCP listener that accepts connections and never says a word.
class Blackhole {
 public:
  Blackhole()
      : acceptor_(ioc_,
                  boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0)) {
    Accept();
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~Blackhole() {
    boost::asio::post(ioc_, [this] {
      boost::system::error_code ignored;
      acceptor_.close(ignored);
      for (auto& s : sockets_) s.close(ignored);
    });
    thread_.join();
  }
  int port() const { return acceptor_.local_endpoint().port(); }
  int accepted() const { return accepted_.load(); }

 private:
  void Accept() {
    acceptor_.async_accept(
        [this](boost::system::error_code ec, boost::asio::ip::tcp::socket socket) {
          if (ec) return;
          sockets_.push_back(std::move(socket));
          accepted_.fetch_add(1);
          Accept();
        });
  }
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::vector<boost::asio::ip::tcp::socket> sockets_;
  std::atomic<int> accepted_{0};
  std::thread thread_;
};

TEST_CASE("A connection that answers nothing is given up once a PING goes unanswered") {
  IoThreads io;
  Blackhole hole;
  H2Channel channel(io.ioc(), absl::StrCat("127.0.0.1:", hole.port()), 1);
  Answer first = Wait(Start(channel, "Echo", "x", absl::Milliseconds(200)));
  CHECK(first.status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED);
  CHECK(hole.accepted() == 1);
  // The expired call sent a PING; five seconds without an answer and the
  // connection counts as lost, so a later call opens a new one.
  const absl::Time deadline = absl::Now() + absl::Seconds(15);
  while (hole.accepted() < 2 && absl::Now() < deadline) {
    Answer a = Wait(Start(channel, "Echo", "x", absl::Milliseconds(200)));
    CHECK(a.status.error_code() != grpc::StatusCode::OK);
  }
  CHECK(hole.accepted() >= 2);
  channel.Close();
}

TEST_CASE("A call's deadline ends that call only, not its neighbours on the connection") {
  Rig rig(1);
  H2Channel& channel = rig.channel;
  REQUIRE(Wait(Start(channel, "Echo", "warm")).status.ok());
  auto slow = Start(channel, "Slow", "", absl::Milliseconds(300));
  auto neighbour = Start(channel, "Slow", "", absl::Seconds(2));
  Answer expired = Wait(std::move(slow));
  CHECK(expired.status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED);
  // The neighbour runs to its own deadline, not cut short by the first.
  const absl::Time after_first = absl::Now();
  Answer second = Wait(std::move(neighbour));
  CHECK(second.status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED);
  CHECK(absl::Now() - after_first >= absl::Milliseconds(1500));
  CHECK(Wait(Start(channel, "Echo", "still")).status.ok());
  channel.Close();
}

}  // namespace
}  // namespace qrcloud::gateway
