// qrcloud-center: the cloud computing center (patent claim 1): accounts,
// merchants and, as later issues land, campaigns, codes, pages, orders, geo
// and landing management, over gRPC.
//
//   qrcloud-center                                  serve
//   qrcloud-center ensure-admin <login> <password-file>
//       create the platform administrator (also an auditor) or reset its
//       password; a missing password file is created with a random password.
#include <csignal>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <sys/stat.h>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/synchronization/notification.h"
#include "libs/core/config.h"
#include "libs/core/ids.h"
#include "libs/core/log.h"
#include "services/center/center.h"

ABSL_FLAG(absl::Duration, session_ttl, absl::Hours(24), "How long a sign-in session lasts");
ABSL_FLAG(std::string, public_url, "http://localhost:8080",
          "The gateway's public base URL, for the short links of codes");
ABSL_FLAG(bool, scan_rollup, true, "Roll the scans stream up into code statistics");

namespace qrcloud::center {
namespace {

absl::Notification* g_stop = nullptr;

void OnSignal(int) {
  if (g_stop != nullptr && !g_stop->HasBeenNotified()) g_stop->Notify();
}

int EnsureAdmin(const rpc::ServiceConfig& config, const std::string& login,
                const std::string& password_file) {
  std::string password;
  if (std::ifstream in(password_file); in) {
    std::stringstream ss;
    ss << in.rdbuf();
    password = std::string(absl::StripAsciiWhitespace(ss.str()));
  } else {
    password = core::RandomBase64Url(18);
    std::ofstream out(password_file);
    out << password << "\n";
    if (!out) {
      std::fprintf(stderr, "cannot write %s\n", password_file.c_str());
      return 1;
    }
    chmod(password_file.c_str(), 0600);
  }
  auto mysql = rpc::ConnectMysql(config);
  if (!mysql.ok()) {
    std::fprintf(stderr, "%s\n", std::string(mysql.status().message()).c_str());
    return 1;
  }
  if (absl::Status s = MigrateCenter(**mysql); !s.ok()) {
    std::fprintf(stderr, "%s\n", std::string(s.message()).c_str());
    return 1;
  }
  // EnsureAdmin needs only the account store; sessions are not touched.
  auto redis = rpc::ConnectRedis(config);
  if (!redis.ok()) {
    std::fprintf(stderr, "%s\n", std::string(redis.status().message()).c_str());
    return 1;
  }
  AccountStore accounts(**mysql);
  auth::SessionStore sessions(**redis, core::Clock::Real(), absl::Hours(1));
  auth::Authenticator authenticator(sessions, **redis, &accounts);
  AuthLogic logic(**mysql, **redis, accounts, sessions, authenticator, core::Clock::Real());
  if (absl::Status s = logic.EnsureAdmin(login, password); !s.ok()) {
    std::fprintf(stderr, "%s\n", std::string(s.message()).c_str());
    return 1;
  }
  std::printf("administrator %s ready (password in %s)\n", login.c_str(), password_file.c_str());
  return 0;
}

int Serve(const rpc::ServiceConfig& config) {
  CenterOptions options;
  options.session_ttl = absl::GetFlag(FLAGS_session_ttl);
  options.public_url = absl::GetFlag(FLAGS_public_url);
  options.scan_rollup = absl::GetFlag(FLAGS_scan_rollup);
  auto center = Center::Start(config, options);
  if (!center.ok()) {
    spdlog::critical("center failed to start: {}", center.status().message());
    return 1;
  }
  absl::Notification stop;
  g_stop = &stop;
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);
  stop.WaitForNotification();
  spdlog::info("center: shutting down");
  (*center)->Shutdown();
  return 0;
}

}  // namespace
}  // namespace qrcloud::center

int main(int argc, char** argv) {
  auto args = qrcloud::core::InitProcess(
      argc, argv, "qrcloud-center [flags] | qrcloud-center ensure-admin <login> <password-file>");
  const auto config = qrcloud::rpc::ServiceConfigFromFlags(qrcloud::center::kCenterDefaults);
  if (args.size() >= 2 && args[1] == "ensure-admin") {
    if (args.size() != 4) {
      std::fprintf(stderr, "usage: qrcloud-center ensure-admin <login> <password-file>\n");
      return 2;
    }
    return qrcloud::center::EnsureAdmin(config, args[2], args[3]);
  }
  if (args.size() > 1) {
    std::fprintf(stderr, "unknown command %s\n", args[1].c_str());
    return 2;
  }
  return qrcloud::center::Serve(config);
}
