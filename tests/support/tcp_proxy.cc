#include "tests/support/tcp_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <string>

#include "absl/strings/str_cat.h"

namespace qrcloud::testing {
namespace {

constexpr size_t kPrefaceBytes = 24;  // "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
constexpr size_t kFrameHeaderBytes = 9;
constexpr uint8_t kData = 0x0;
constexpr uint8_t kHeaders = 0x1;

bool SendAll(int fd, const char* data, size_t n) {
  while (n > 0) {
    const ssize_t sent = send(fd, data, n, MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) return false;
    data += sent;
    n -= static_cast<size_t>(sent);
  }
  return true;
}

struct FrameHeader {
  uint32_t length = 0;
  uint8_t type = 0;
  uint32_t stream = 0;
};

FrameHeader ParseHeader(const unsigned char* h) {
  FrameHeader f;
  f.length = (uint32_t{h[0]} << 16) | (uint32_t{h[1]} << 8) | h[2];
  f.type = h[3];
  f.stream = ((uint32_t{h[5]} << 24) | (uint32_t{h[6]} << 16) | (uint32_t{h[7]} << 8) | h[8]) &
             0x7fffffffu;
  return f;
}

}  // namespace

// One proxied connection: the client's socket and the server's.
struct TcpProxy::Link {
  int client = -1;
  int server = -1;
  std::atomic<bool> closed{false};
  // Wakes the pump's poll and ends the connection both ways.
  void Close() {
    if (closed.exchange(true)) return;
    shutdown(client, SHUT_RDWR);
    if (server >= 0) shutdown(server, SHUT_RDWR);
  }
};

TcpProxy::~TcpProxy() {
  stopping_ = true;
  if (listen_fd_ >= 0) shutdown(listen_fd_, SHUT_RDWR);
  if (acceptor_.joinable()) acceptor_.join();
  if (listen_fd_ >= 0) close(listen_fd_);
  std::vector<std::thread> pumps;
  {
    absl::MutexLock lock(&mu_);
    for (auto& link : links_) link->Close();
    pumps.swap(pumps_);
  }
  for (std::thread& t : pumps) t.join();
}

absl::Status TcpProxy::Start() {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) return absl::InternalError("proxy: no socket");
  const int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      listen(listen_fd_, 128) != 0) {
    return absl::InternalError(absl::StrCat("proxy: cannot listen: ", strerror(errno)));
  }
  socklen_t len = sizeof(addr);
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { AcceptLoop(); });
  return absl::OkStatus();
}

void TcpProxy::SetDown(bool down) {
  down_ = down;
  if (!down) return;
  absl::MutexLock lock(&mu_);
  for (auto& link : links_) link->Close();
}

void TcpProxy::DropReplies(int count, int64_t min_request_bytes) {
  absl::MutexLock lock(&mu_);
  drops_left_ = count;
  drop_min_bytes_ = min_request_bytes;
}

bool TcpProxy::TakeDrop(int64_t request_bytes) {
  absl::MutexLock lock(&mu_);
  if (drops_left_ <= 0 || request_bytes < drop_min_bytes_) return false;
  --drops_left_;
  return true;
}

void TcpProxy::AcceptLoop() {
  while (!stopping_) {
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;  // shut down
    }
    ++connections_;
    if (down_ || stopping_) {
      close(fd);
      continue;
    }
    auto link = std::make_shared<Link>();
    link->client = fd;
    absl::MutexLock lock(&mu_);
    links_.push_back(link);
    pumps_.emplace_back([this, link] { Pump(link); });
  }
}

void TcpProxy::Pump(std::shared_ptr<Link> link) {
  link->server = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(target_port_));
  const bool connected =
      connect(link->server, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  // The client's side: its preface, then frames; DATA bytes counted per
  // stream, streams whose reply is to be lost remembered.
  size_t preface_left = kPrefaceBytes;
  std::string client_header;
  uint32_t client_payload_left = 0;
  FrameHeader client_frame;
  std::map<uint32_t, int64_t> request_bytes;
  std::set<uint32_t> doomed;
  // The server's side: frames held until their header is read.
  std::string server_pending;
  uint32_t server_payload_left = 0;

  char buf[64 * 1024];
  while (connected && !link->closed && !stopping_ && !down_) {
    pollfd fds[2] = {{link->client, POLLIN, 0}, {link->server, POLLIN, 0}};
    if (poll(fds, 2, 200) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[0].revents != 0) {
      const ssize_t n = recv(link->client, buf, sizeof(buf), 0);
      if (n <= 0) break;
      if (!SendAll(link->server, buf, static_cast<size_t>(n))) break;
      // Follow the client's frames.
      for (ssize_t i = 0; i < n;) {
        if (preface_left > 0) {
          const size_t take = std::min(preface_left, static_cast<size_t>(n - i));
          preface_left -= take;
          i += static_cast<ssize_t>(take);
        } else if (client_payload_left > 0) {
          const uint32_t take =
              std::min<uint32_t>(client_payload_left, static_cast<uint32_t>(n - i));
          client_payload_left -= take;
          i += take;
          if (client_frame.type == kData) {
            int64_t& total = request_bytes[client_frame.stream];
            const bool crossed_before = doomed.count(client_frame.stream) > 0;
            total += take;
            if (!crossed_before && TakeDrop(total)) doomed.insert(client_frame.stream);
          }
        } else {
          client_header.push_back(buf[i++]);
          if (client_header.size() == kFrameHeaderBytes) {
            client_frame =
                ParseHeader(reinterpret_cast<const unsigned char*>(client_header.data()));
            client_header.clear();
            client_payload_left = client_frame.length;
          }
        }
      }
    }
    if (fds[1].revents != 0) {
      const ssize_t n = recv(link->server, buf, sizeof(buf), 0);
      if (n <= 0) break;
      server_pending.append(buf, static_cast<size_t>(n));
      bool lost = false;
      while (!server_pending.empty()) {
        if (server_payload_left > 0) {
          const size_t take = std::min<size_t>(server_payload_left, server_pending.size());
          if (!SendAll(link->client, server_pending.data(), take)) break;
          server_pending.erase(0, take);
          server_payload_left -= static_cast<uint32_t>(take);
          continue;
        }
        if (server_pending.size() < kFrameHeaderBytes) break;
        const FrameHeader f =
            ParseHeader(reinterpret_cast<const unsigned char*>(server_pending.data()));
        if (f.type == kHeaders && f.stream != 0 && doomed.count(f.stream) > 0) {
          lost = true;  // the answer to a call the server finished: never delivered
          break;
        }
        if (!SendAll(link->client, server_pending.data(), kFrameHeaderBytes)) break;
        server_pending.erase(0, kFrameHeaderBytes);
        server_payload_left = f.length;
      }
      if (lost) {
        ++dropped_;
        break;
      }
    }
  }
  link->Close();
  close(link->client);
  close(link->server);
}

}  // namespace qrcloud::testing
