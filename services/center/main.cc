// qrcloud-center: the cloud computing center (patent claim 1): accounts,
// merchants and, as later issues land, campaigns, codes, pages, orders, geo
// and landing management, over gRPC.
//
//   qrcloud-center                                  serve
//   qrcloud-center ensure-admin <login> <password-file>
//       create the platform administrator (also an auditor) or reset its
//       password; a missing password file is created with a random password.
//   qrcloud-center ensure-service-account <login> <roles> <key-file>
//       create the account a worker (e.g. the audit service) calls the center
//       as, and write a working API key for it to <key-file> (mode 0600).
#include <csignal>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <sys/stat.h>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/synchronization/notification.h"
#include "libs/core/config.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "libs/core/ids.h"
#include "libs/core/receipt_token.h"
#include "libs/core/log.h"
#include "services/center/center.h"

ABSL_FLAG(absl::Duration, session_ttl, absl::Hours(24), "How long a sign-in session lasts");
ABSL_FLAG(std::string, public_url, "http://localhost:8080",
          "The gateway's public base URL, for the short links of codes");
ABSL_FLAG(bool, scan_rollup, true, "Roll the scans stream up into code statistics");
ABSL_FLAG(std::string, media_dir, "media", "Where uploaded media files are kept");
ABSL_FLAG(std::string, receipt_key_file, "receipt-signing.key",
          "The Ed25519 seed receipts are signed with (base64); created if missing");

namespace qrcloud::center {
namespace {

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

int EnsureServiceAccount(const rpc::ServiceConfig& config, const std::string& login, const std::string& roles,
                         const std::string& key_file) {
  std::string existing;
  if (std::ifstream in(key_file); in) std::getline(in, existing);
  auto mysql = rpc::ConnectMysql(config);
  auto redis = mysql.ok() ? rpc::ConnectRedis(config) : absl::StatusOr<std::unique_ptr<cache::RedisPool>>(mysql.status());
  if (!redis.ok()) {
    std::fprintf(stderr, "%s\n", std::string(redis.status().message()).c_str());
    return 1;
  }
  if (absl::Status s = MigrateCenter(**mysql); !s.ok()) {
    std::fprintf(stderr, "%s\n", std::string(s.message()).c_str());
    return 1;
  }
  AccountStore accounts(**mysql);
  auth::SessionStore sessions(**redis, core::Clock::Real(), absl::Hours(1));
  auth::Authenticator authenticator(sessions, **redis, &accounts);
  AuthLogic logic(**mysql, **redis, accounts, sessions, authenticator, core::Clock::Real());
  auto key = logic.EnsureServiceAccount(login, roles, existing);
  if (!key.ok()) {
    std::fprintf(stderr, "%s\n", std::string(key.status().message()).c_str());
    return 1;
  }
  if (*key != existing) {
    const std::string tmp = key_file + ".tmp";
    {
      std::ofstream out(tmp);
      out << *key << "\n";
    }
    chmod(tmp.c_str(), 0600);
    if (std::rename(tmp.c_str(), key_file.c_str()) != 0) {
      std::fprintf(stderr, "cannot write %s\n", key_file.c_str());
      return 1;
    }
  }
  std::printf("service account %s ready (API key in %s)\n", login.c_str(), key_file.c_str());
  return 0;
}

// The receipt signing seed from `path` (base64), or a new one written there.
// Every replica must use the same key: give them the same file (a Secret).
absl::StatusOr<std::string> LoadOrCreateReceiptSeed(const std::string& path) {
  if (std::ifstream in(path); in) {
    std::string text;
    std::getline(in, text);
    std::string seed;
    if (!absl::Base64Unescape(absl::StripAsciiWhitespace(text), &seed) || seed.size() != 32) {
      return absl::InvalidArgumentError(absl::StrCat(path, " does not hold a base64 32-byte seed"));
    }
    return seed;
  }
  const std::string seed = core::ReceiptSigner::NewSeed();
  std::ofstream out(path);
  out << absl::Base64Escape(seed) << "\n";
  if (!out) return absl::UnavailableError(absl::StrCat("cannot write ", path));
  chmod(path.c_str(), 0600);
  spdlog::info("created a receipt signing key in {}", path);
  return seed;
}

int Serve(const rpc::ServiceConfig& config) {
  CenterOptions options;
  options.session_ttl = absl::GetFlag(FLAGS_session_ttl);
  options.public_url = absl::GetFlag(FLAGS_public_url);
  options.scan_rollup = absl::GetFlag(FLAGS_scan_rollup);
  options.media_dir = absl::GetFlag(FLAGS_media_dir);
  auto seed = LoadOrCreateReceiptSeed(absl::GetFlag(FLAGS_receipt_key_file));
  if (!seed.ok()) {
    spdlog::critical("receipt signing key: {}", seed.status().message());
    return 1;
  }
  options.receipt_seed = *seed;
  mkdir(options.media_dir.c_str(), 0755);
  auto center = Center::Start(config, options);
  if (!center.ok()) {
    spdlog::critical("center failed to start: {}", center.status().message());
    return 1;
  }
  core::WaitForTerminationSignal();
  spdlog::info("center: shutting down");
  (*center)->Shutdown();
  return 0;
}

}  // namespace
}  // namespace qrcloud::center

int main(int argc, char** argv) {
  auto args = qrcloud::core::InitProcess(
      argc, argv,
      "qrcloud-center [flags] | qrcloud-center ensure-admin <login> <password-file> | "
      "qrcloud-center ensure-service-account <login> <roles> <key-file>");
  const auto config = qrcloud::rpc::ServiceConfigFromFlags(qrcloud::center::kCenterDefaults);
  if (args.size() >= 2 && args[1] == "ensure-admin") {
    if (args.size() != 4) {
      std::fprintf(stderr, "usage: qrcloud-center ensure-admin <login> <password-file>\n");
      return 2;
    }
    return qrcloud::center::EnsureAdmin(config, args[2], args[3]);
  }
  if (args.size() >= 2 && args[1] == "ensure-service-account") {
    if (args.size() != 5) {
      std::fprintf(stderr, "usage: qrcloud-center ensure-service-account <login> <roles> <key-file>\n");
      return 2;
    }
    return qrcloud::center::EnsureServiceAccount(config, args[2], args[3], args[4]);
  }
  if (args.size() > 1) {
    std::fprintf(stderr, "unknown command %s\n", args[1].c_str());
    return 2;
  }
  return qrcloud::center::Serve(config);
}
