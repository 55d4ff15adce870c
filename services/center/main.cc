// qrcloud-center: the cloud computing center (patent claim 1): accounts,
// merchants, campaigns, codes, pages, orders and geo, over gRPC.
//
//   qrcloud-center                                  serve
//   qrcloud-center ensure-admin <login> <password-file>
//       create the platform administrator (also an auditor) or reset its
//       password; a missing password file is created with a random password.
//   qrcloud-center ensure-service-account <login> <roles> <key-file>
//       create the account a worker (e.g. the audit service) calls the center
//       as, and write a working API key for it to <key-file> (mode 0600).
//   qrcloud-center reindex-search
//       write the search document of every published campaign again
//       (docs/search.md); running centers follow within a second.
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "libs/auth/password.h"
#include "libs/core/ids.h"
#include "libs/core/log.h"
#include "libs/core/receipt_token.h"
#include "libs/core/status.h"
#include "libs/service/host.h"
#include "services/center/center.h"

ABSL_FLAG(std::string, public_url, "http://localhost:8080",
          "The gateway's public base URL, for the short links of codes");
ABSL_FLAG(bool, scan_rollup, true, "Roll the scans stream up into code statistics");
ABSL_FLAG(std::string, media_dir, "media",
          "Where uploaded media files are kept (relative: below --data_dir)");
ABSL_FLAG(std::string, receipt_key_file, "receipt-signing.key",
          "The Ed25519 seed receipts are signed with (base64; relative: below --data_dir); "
          "created if missing");
ABSL_FLAG(int64_t, password_hash_memory_mib, 192,
          "Memory that password hashing may take at once, in MiB: 64 MiB per sign-in or "
          "registration being hashed; the rest wait their turn");
ABSL_FLAG(absl::Duration, refund_window, qrcloud::ordering::kDefaultRefundWindow,
          "How long after its redemption a merchant may refund an order (docs/orders.md)");
ABSL_FLAG(absl::Duration, gate_reconcile_interval, absl::Seconds(5),
          "How often the stock gates are re-set from MySQL");
ABSL_FLAG(absl::Duration, search_sync_interval, absl::Seconds(1),
          "How often the search index reads what other centers changed");
ABSL_FLAG(absl::Duration, search_stock_ttl, absl::Seconds(1),
          "How long search takes a limited campaign's stock as last read (0: read it every time)");

namespace qrcloud::center {
namespace {

// Writes `text` to `path` with mode 0600, through a temporary file.
bool WriteSecret(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    out << text << "\n";
    if (!out) return false;
  }
  chmod(tmp.c_str(), 0600);
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

// The first line of `path`, trimmed. NOT_FOUND only when there is no such
// file: one that exists but cannot be read is an error, never "missing" (a
// secret must not be silently replaced).
absl::StatusOr<std::string> FirstLine(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return absl::NotFoundError(absl::StrCat(path, " does not exist"));
    return absl::UnavailableError(absl::StrCat("cannot read ", path, ": ", std::strerror(errno)));
  }
  std::ifstream in(path);
  if (!in) return absl::UnavailableError(absl::StrCat("cannot read ", path));
  std::string line;
  std::getline(in, line);
  return std::string(absl::StripAsciiWhitespace(line));
}

int Fail(const absl::Status& s) {
  std::fprintf(stderr, "%s\n", std::string(s.message()).c_str());
  return 1;
}

// The auth logic alone, for the commands (no server, no other subject).
struct AuthOnly {
  explicit AuthOnly(service::Host& host)
      : runner(host.mysql(), nullptr),
        accounts(host.mysql()),
        merchants(host.mysql()),
        sessions(host.sessions(), host.authenticator()),
        throttle(host.redis()),
        logic(runner, accounts, merchants, sessions, throttle, host.clock()) {}
  store::MysqlTxRunner runner;
  MysqlAccountStore accounts;
  MysqlMerchantStore merchants;
  RedisSessionIssuer sessions;
  RedisSignInThrottle throttle;
  AuthLogic logic;
};

int EnsureAdmin(service::Host& host, const std::vector<std::string>& args) {
  const std::string& login = args[0];
  const std::string& password_file = args[1];
  absl::StatusOr<std::string> password = FirstLine(password_file);
  if (absl::IsNotFound(password.status())) {
    password = core::RandomBase64Url(18);
    if (!WriteSecret(password_file, *password)) {
      return Fail(absl::UnavailableError(absl::StrCat("cannot write ", password_file)));
    }
  }
  if (!password.ok()) return Fail(password.status());
  if (absl::Status s = AuthOnly(host).logic.EnsureAdmin(login, *password); !s.ok()) return Fail(s);
  std::printf("administrator %s ready (password in %s)\n", login.c_str(), password_file.c_str());
  return 0;
}

int EnsureServiceAccount(service::Host& host, const std::vector<std::string>& args) {
  const std::string& login = args[0];
  const std::string& key_file = args[2];
  absl::StatusOr<std::string> read = FirstLine(key_file);
  if (!read.ok() && !absl::IsNotFound(read.status())) return Fail(read.status());
  const std::string existing = read.ok() ? *read : "";
  auto key = AuthOnly(host).logic.EnsureServiceAccount(login, args[1], existing);
  if (!key.ok()) return Fail(key.status());
  if (*key != existing && !WriteSecret(key_file, *key)) {
    return Fail(absl::UnavailableError(absl::StrCat("cannot write ", key_file)));
  }
  std::printf("service account %s ready (API key in %s)\n", login.c_str(), key_file.c_str());
  return 0;
}

// Search alone, for the command (no server, no other subject).
struct SearchOnly {
  explicit SearchOnly(service::Host& host)
      : runner(host.mysql(), nullptr),
        campaigns(host.mysql()),
        merchants(host.mysql()),
        store(host.mysql()),
        search(runner, store, campaigns, merchants, host.clock()) {}
  store::MysqlTxRunner runner;
  MysqlCampaignStore campaigns;
  MysqlMerchantStore merchants;
  MysqlSearchStore store;
  CampaignSearch search;
};

int ReindexSearch(service::Host& host, const std::vector<std::string>&) {
  absl::StatusOr<int> written = SearchOnly(host).search.Reindex();
  if (!written.ok()) return Fail(written.status());
  std::printf("search documents written: %d\n", *written);
  return 0;
}

// The receipt signing seed from `path` (base64), or a new one written there.
// Every replica must use the same key: give them the same file (a Secret).
absl::StatusOr<std::string> LoadOrCreateReceiptSeed(const std::string& path) {
  absl::StatusOr<std::string> text = FirstLine(path);
  if (text.ok()) {
    std::string seed;
    if (!absl::Base64Unescape(*text, &seed) || seed.size() != 32) {
      return absl::InvalidArgumentError(absl::StrCat(path, " does not hold a base64 32-byte seed"));
    }
    return seed;
  }
  if (!absl::IsNotFound(text.status())) return text.status();
  const std::string seed = core::ReceiptSigner::NewSeed();
  if (!WriteSecret(path, absl::Base64Escape(seed))) {
    return absl::UnavailableError(absl::StrCat("cannot write ", path));
  }
  spdlog::info("created a receipt signing key in {}", path);
  return seed;
}

absl::StatusOr<CenterOptions> OptionsFromFlags(const service::ServiceConfig& config) {
  CenterOptions options;
  options.public_url = absl::GetFlag(FLAGS_public_url);
  options.media_dir = service::DataPath(config, absl::GetFlag(FLAGS_media_dir));
  mkdir(options.media_dir.c_str(), 0755);
  auto seed =
      LoadOrCreateReceiptSeed(service::DataPath(config, absl::GetFlag(FLAGS_receipt_key_file)));
  if (!seed.ok()) return seed.status();
  options.receipt_seed = *std::move(seed);
  options.search.stock_ttl = absl::GetFlag(FLAGS_search_stock_ttl);
  options.refund_window = absl::GetFlag(FLAGS_refund_window);
  if (options.refund_window < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--refund_window must not be negative (0: no refunds)");
  }
  return options;
}

// The center: its services and its workers.
absl::Status Build(service::Host& host) {
  auth::SetHashingMemoryBudget(
      static_cast<size_t>(std::max<int64_t>(0, absl::GetFlag(FLAGS_password_hash_memory_mib)))
      << 20);
  QRCLOUD_ASSIGN_OR_RETURN(CenterOptions options, OptionsFromFlags(host.config()));
  QRCLOUD_ASSIGN_OR_RETURN(auto made, Center::Create(host, std::move(options)));
  Center& center = host.Own(std::move(made));
  QRCLOUD_RETURN_IF_ERROR(host.Serve<v1::AuthService>(center.auth_service()));
  QRCLOUD_RETURN_IF_ERROR(host.Serve<v1::MerchantService>(center.merchant_service()));
  QRCLOUD_RETURN_IF_ERROR(host.Serve<v1::CodeService>(center.code_service()));
  QRCLOUD_RETURN_IF_ERROR(host.Serve<v1::CampaignService>(center.campaign_service()));
  QRCLOUD_RETURN_IF_ERROR(host.Serve<v1::OrderService>(center.order_service()));
  QRCLOUD_RETURN_IF_ERROR(host.Serve<v1::GeoService>(center.geo_service()));
  QRCLOUD_RETURN_IF_ERROR(host.Serve<v1::PageService>(center.page_service()));
  QRCLOUD_RETURN_IF_ERROR(host.Serve<v1::LandingAdminService>(center.landing_service()));

  // Search answers from memory: every document is read before serving; the
  // loop then follows the other centers' commits and writes the documents a
  // migration or reindex left to do.
  CampaignSearch& search = center.search();
  QRCLOUD_RETURN_IF_ERROR(search.Load());
  host.AddLoop({.name = "search sync", .interval = absl::GetFlag(FLAGS_search_sync_interval)},
               [&search] { return search.Follow(); });

  const absl::Duration reconcile = absl::GetFlag(FLAGS_gate_reconcile_interval);
  StockGate& gate = center.gate();
  host.AddLoop({.name = "stock gate reconcile", .interval = reconcile, .first_wait = reconcile},
               [&gate]() -> absl::StatusOr<bool> {
                 QRCLOUD_RETURN_IF_ERROR(gate.ReconcileAll());
                 return false;
               });
  if (absl::GetFlag(FLAGS_scan_rollup)) {
    ScanRollup& rollup = center.rollup();
    host.AddConsumer(rollup.ConsumerOptions(),
                     [&rollup](const std::vector<cache::StreamEntry>& batch,
                               cache::RedisPool& redis) { return rollup.Apply(batch, redis); });
  }
  return absl::OkStatus();
}

}  // namespace
}  // namespace qrcloud::center

int main(int argc, char** argv) {
  using qrcloud::center::Build;
  using qrcloud::center::EnsureAdmin;
  using qrcloud::center::EnsureServiceAccount;
  using qrcloud::center::ReindexSearch;
  return qrcloud::service::Main(
      argc, argv,
      {.name = "center",
       .usage = "qrcloud-center [flags]",
       .migrations = qrcloud::center::Migrations(),
       .outbox = true,
       .build = Build,
       .commands = {
           {"ensure-admin", "<login> <password-file>", 2, EnsureAdmin},
           {"ensure-service-account", "<login> <roles> <key-file>", 3, EnsureServiceAccount},
           {"reindex-search", "", 0, ReindexSearch}}});
}
