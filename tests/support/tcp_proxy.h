// A loopback TCP proxy for fault injection in end-to-end tests: a process is
// pointed at the proxy instead of its peer (a landing node's --center, say),
// and the test can take the link down and up, or lose the peer's replies
// after the requests went through.
//
//   TcpProxy proxy(stack->center_port());
//   REQUIRE(proxy.Start().ok());
//   ... --center=127.0.0.1:<proxy.port()> ...
//   proxy.SetDown(true);      // every connection closed, new ones refused
//   proxy.DropReplies(1, 2048);  // the next reply to a request of >= 2 KiB is lost
//
// Threads and blocking sockets: one thread accepts, one per connection pumps
// both ways with poll(). Replies are lost per HTTP/2 stream (gRPC): the
// proxy reads the frames' headers both ways, counts each client stream's
// DATA bytes, and when the server answers (its HEADERS frame) a stream whose
// request was big enough while drops are armed, it closes both sides
// instead of forwarding the answer. The server has finished the call by
// then: gRPC sends a unary call's response headers when the handler returns.
#ifndef QRCLOUD_TESTS_SUPPORT_TCP_PROXY_H_
#define QRCLOUD_TESTS_SUPPORT_TCP_PROXY_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <set>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"

namespace qrcloud::testing {

class TcpProxy {
 public:
  // Forwards to 127.0.0.1:`target_port`.
  explicit TcpProxy(int target_port) : target_port_(target_port) {}
  ~TcpProxy();
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  // Listens on a free loopback port.
  absl::Status Start();
  int port() const { return port_; }

  // Down: every open connection is closed and new ones are closed as soon as
  // they are accepted (the peer looks unreachable). Up again: forwarding.
  void SetDown(bool down);
  // The replies to the next `count` HTTP/2 requests whose body is at least
  // `min_request_bytes` are lost: the request reaches the server, and when
  // the server answers, both connections are closed instead.
  void DropReplies(int count, int64_t min_request_bytes);
  // How many replies were lost so far.
  int dropped() const { return dropped_.load(); }
  // Connections accepted so far.
  int connections() const { return connections_.load(); }

 private:
  struct Link;
  void AcceptLoop();
  void Pump(std::shared_ptr<Link> link);
  // Whether the reply on a stream whose request had `request_bytes` is to be
  // lost (and counts it).
  bool TakeDrop(int64_t request_bytes);

  const int target_port_;
  int port_ = 0;
  int listen_fd_ = -1;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> down_{false};
  std::atomic<int> dropped_{0};
  std::atomic<int> connections_{0};
  std::thread acceptor_;

  absl::Mutex mu_;
  int drops_left_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t drop_min_bytes_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<std::shared_ptr<Link>> links_ ABSL_GUARDED_BY(mu_);
  std::vector<std::thread> pumps_ ABSL_GUARDED_BY(mu_);
};

}  // namespace qrcloud::testing

#endif  // QRCLOUD_TESTS_SUPPORT_TCP_PROXY_H_
