// The gateway's gRPC client for unary calls: gRPC's wire protocol over HTTP/2
// (nghttp2), run on the gateway's own HTTP io threads.
//
// Why not grpc++'s client: it costs about as much CPU per call as the whole
// rest of the gateway, and its answers arrive on grpc's own threads, so every
// request crossed threads twice. Here a call is sent, and its answer read and
// handed on, by whichever io thread holds the connection's strand; with the
// HTTP connection's strand usually free, the HTTP answer is written in the
// same turn. See docs/benchmarks.md (gateway overhead) for the figures.
//
// What it does, as grpc++'s channel did for the gateway:
// - `connections` HTTP/2 connections to one address (io threads take them in
//   turn), each opened on first use and again after it is lost;
// - a call fails fast with UNAVAILABLE ("failed to connect to …") while its
//   connection is in backoff after a failed attempt (200 ms, doubling to 2 s);
// - deadlines: sent as grpc-timeout and enforced here (RST_STREAM, then
//   DEADLINE_EXCEEDED);
// - a lost connection fails its calls in flight with UNAVAILABLE; a GOAWAY
//   lets the calls in flight finish, and calls the server refused unprocessed
//   (REFUSED_STREAM) are sent again, once;
// - a call that reaches its deadline on a connection that has heard nothing
//   since the call began sends a PING; no answer within 5 s and the
//   connection counts as lost;
// - answers: grpc-status, grpc-message (percent-decoded) and
//   grpc-status-details-bin, or a status derived from the HTTP status, as
//   the gRPC HTTP/2 protocol says. Answers are never compressed (no
//   grpc-accept-encoding is sent); one is limited to 32 MiB.
#ifndef QRCLOUD_GATEWAY_H2_CLIENT_H_
#define QRCLOUD_GATEWAY_H2_CLIENT_H_

#include <grpcpp/support/status.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace qrcloud::gateway {

namespace h2 {
class Connection;
}  // namespace h2

struct UnaryCall {
  std::string path;  // /package.Service/Method
  // Lower-case names; values as sent (binary values are not used here).
  std::vector<std::pair<std::string, std::string>> metadata;
  std::string request;  // the serialized request message
  absl::Time deadline = absl::InfiniteFuture();
};

// The answer: `status`, and when it is OK the serialized response message.
using UnaryDone = std::function<void(grpc::Status status, std::string response)>;

class H2Channel {
 public:
  // `address` is host:port. The io_context must outlive the channel; calls
  // are cheapest from its own threads. Close() before its threads are
  // joined, or they never run out of work.
  H2Channel(boost::asio::io_context& ioc, std::string address, int connections);
  H2Channel(const H2Channel&) = delete;
  H2Channel& operator=(const H2Channel&) = delete;
  ~H2Channel();

  // Starts `call`; `done` runs exactly once, on an io thread (or inline here
  // after Close()).
  void Call(UnaryCall call, UnaryDone done);

  // Fails calls in flight with CANCELLED and closes the connections (on
  // their strands, so the io threads must still run); later calls fail with
  // UNAVAILABLE. Thread-safe.
  void Close();

  const std::string& address() const { return address_; }

 private:
  std::string address_;
  std::vector<std::shared_ptr<h2::Connection>> connections_;
  std::atomic<bool> closed_{false};
};

}  // namespace qrcloud::gateway

#endif  // QRCLOUD_GATEWAY_H2_CLIENT_H_
