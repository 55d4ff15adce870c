// http_server_bench: the libs/http server alone, answering every request the
// way the scan path does (302 to a fixed URL, small body), for measuring the
// server's own cost per request with wrk beside a static nginx `return 302`.
// Runs until SIGINT or SIGTERM, then shuts down gracefully.
//
//   http_server_bench --port=18095 --io_threads=2 &
//   wrk -t2 -c64 -d8s http://127.0.0.1:18095/
#include <pthread.h>

#include <algorithm>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <string>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/time/time.h"
#include "libs/http/server.h"

ABSL_FLAG(std::string, address, "127.0.0.1", "Address to listen on");
ABSL_FLAG(uint16_t, port, 18095, "Port to listen on; 0 picks a free one");
ABSL_FLAG(int, io_threads, static_cast<int>(std::max(1u, std::thread::hardware_concurrency())),
          "HTTP I/O threads");

namespace http = qrcloud::http;

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  // Blocked before any thread starts, so that only sigwait below sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  http::ServerOptions options;
  options.address = absl::GetFlag(FLAGS_address);
  options.port = absl::GetFlag(FLAGS_port);
  options.io_threads = absl::GetFlag(FLAGS_io_threads);
  http::Server server(options, [](http::Request&&, http::Responder respond) {
    respond({.status = 302,
             .headers = {{"location", "https://example.com/"}},
             .body = "Found: https://example.com/\n"});
  });
  if (absl::Status s = server.Start(); !s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }
  std::printf("listening on %s:%u with %d io threads\n", options.address.c_str(), server.port(),
              options.io_threads);
  std::fflush(stdout);
  int signal = 0;
  sigwait(&stop_signals, &signal);
  server.Shutdown(absl::Seconds(1));
  return 0;
}
