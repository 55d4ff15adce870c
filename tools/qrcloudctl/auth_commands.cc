// The account and merchant-profile commands: login, logout, whoami and
// merchant get / update / qualify / locate.
#include <fcntl.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "tools/qrcloudctl/cli.h"
#include "tools/qrcloudctl/commands.h"
#include "tools/qrcloudctl/flags.h"

namespace qrcloud::ctl {
namespace {

std::unique_ptr<AuthStub> Auth(const Context& ctx) { return v1::AuthService::NewStub(ctx.channel); }
std::unique_ptr<MerchantStub> Merchants(const Context& ctx) {
  return v1::MerchantService::NewStub(ctx.channel);
}

// Password prompt ------------------------------------------------------------

// The terminal as it was before echo went off, put back if a signal ends the
// process mid-prompt (a user's Ctrl-C must not leave their terminal silent).
int g_tty = -1;
termios g_tty_saved;

void RestoreTerminalAndDie(int sig) {
  tcsetattr(g_tty, TCSAFLUSH, &g_tty_saved);
  signal(sig, SIG_DFL);
  raise(sig);
}

// Reads a line from the controlling terminal without echoing it.
absl::StatusOr<std::string> AskPassword(absl::string_view prompt) {
  const int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        "no password: pass --password or set QRCLOUD_PASSWORD, or run in a terminal to be asked");
  }
  termios quiet;
  const bool is_tty = tcgetattr(fd, &g_tty_saved) == 0;
  if (is_tty) {
    g_tty = fd;
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP}) signal(sig, RestoreTerminalAndDie);
    quiet = g_tty_saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(fd, TCSAFLUSH, &quiet);
  }
  (void)!write(fd, prompt.data(), prompt.size());
  std::string line;
  char c;
  ssize_t n;
  while ((n = read(fd, &c, 1)) != 0 && !(n == 1 && c == '\n')) {
    if (n == 1) line.push_back(c);
    if (n < 0 && errno != EINTR) break;
  }
  if (is_tty) {
    tcsetattr(fd, TCSAFLUSH, &g_tty_saved);
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP}) signal(sig, SIG_DFL);
    (void)!write(fd, "\n", 1);
  }
  close(fd);
  if (!line.empty() && line.back() == '\r') line.pop_back();  // a password may end in a space
  return line;
}

// Runs `call` for merchant `id` (the caller's own when empty) and prints what
// it returns.
template <typename Call>
int WithMerchant(Context& ctx, absl::string_view id, Call call) {
  absl::StatusOr<std::string> token = RequireToken(ctx);
  if (!token.ok()) return Failure(token.status(), ctx);
  absl::StatusOr<std::string> merchant_id = MerchantIdOrOwn(*Auth(ctx), *token, id);
  if (!merchant_id.ok()) return Failure(merchant_id.status(), ctx);
  auto response = call(*Merchants(ctx), *token, *merchant_id);
  if (!response.ok()) return Failure(response.status(), ctx);
  Print(*response, ctx);
  return 0;
}

}  // namespace

// Commands -------------------------------------------------------------------

int LoginCommand(Context& ctx, const Args& args, const Command& command) {
  if (args.size() != 1) return UsageFailure("login takes one argument, the login", command);
  std::string password = absl::GetFlag(FLAGS_password);
  if (password.empty()) {
    absl::StatusOr<std::string> asked = AskPassword(absl::StrCat("Password for ", args[0], ": "));
    if (!asked.ok()) return UsageFailure(asked.status().message(), command);
    password = *std::move(asked);
  }
  absl::StatusOr<v1::CreateSessionResponse> session = Login(*Auth(ctx), args[0], password);
  if (!session.ok()) return Failure(session.status(), ctx);
  const Credentials saved{ctx.center, session->token(), session->account().login()};
  if (absl::Status s = SaveCredentials(ctx.credentials_path, saved); !s.ok()) {
    return Failure(s, ctx);
  }
  session->clear_token();  // a secret: it goes to the file only
  Print(*session, ctx);
  std::fprintf(stderr, "Signed in to %s as %s; the session is saved in %s\n", ctx.center.c_str(),
               saved.login.c_str(), ctx.credentials_path.c_str());
  return 0;
}

int LogoutCommand(Context& ctx, const Args& args, const Command& command) {
  if (!args.empty()) return UsageFailure("logout takes no arguments", command);
  absl::StatusOr<std::string> token = RequireToken(ctx);
  if (!token.ok()) return Failure(token.status(), ctx);
  const absl::Status s = Logout(*Auth(ctx), *token);
  const bool saved = ctx.saved && ctx.saved->token == *token;
  // UNAUTHENTICATED for the saved session: it had already ended (expired or
  // revoked elsewhere), so there is nothing to revoke and the copy is useless.
  // For a token given on the command line it means the token is wrong.
  if (!s.ok() && !(saved && s.code() == absl::StatusCode::kUnauthenticated)) {
    return Failure(s, ctx);
  }
  if (saved) {
    if (absl::Status d = DeleteCredentials(ctx.credentials_path); !d.ok()) return Failure(d, ctx);
  }
  std::fprintf(stderr, "Signed out of %s%s\n", ctx.center.c_str(),
               s.ok() ? "" : " (the session had already ended)");
  return 0;
}

int WhoAmICommand(Context& ctx, const Args& args, const Command& command) {
  if (!args.empty()) return UsageFailure("whoami takes no arguments", command);
  absl::StatusOr<std::string> token = RequireToken(ctx);
  if (!token.ok()) return Failure(token.status(), ctx);
  absl::StatusOr<v1::GetCurrentAccountResponse> me = WhoAmI(*Auth(ctx), *token);
  if (!me.ok()) return Failure(me.status(), ctx);
  Print(*me, ctx);
  // A bearer secret: printed only when asked, and then alone on stdout's
  // last line so a script can take it.
  if (absl::GetFlag(FLAGS_show_token)) std::printf("%s\n", token->c_str());
  return 0;
}

int MerchantGetCommand(Context& ctx, const Args& args, const Command& command) {
  if (args.size() > 1) return UsageFailure("merchant get takes at most one id", command);
  return WithMerchant(ctx, args.empty() ? "" : args[0],
                      [](MerchantStub& stub, const std::string& token, const std::string& id) {
                        return GetMerchant(stub, token, id);
                      });
}

int MerchantUpdateCommand(Context& ctx, const Args& args, const Command& command) {
  // The id, if given, is the one argument that is not field=value.
  const bool has_id = !args.empty() && args[0].find('=') == std::string::npos;
  absl::StatusOr<v1::UpdateMerchantRequest> request =
      ParseMerchantUpdate(Args(args.begin() + (has_id ? 1 : 0), args.end()));
  if (!request.ok()) return UsageFailure(request.status().message(), command);
  return WithMerchant(ctx, has_id ? args[0] : "",
                      [&](MerchantStub& stub, const std::string& token, const std::string& id) {
                        request->set_id(id);
                        return UpdateMerchant(stub, token, *request);
                      });
}

int MerchantQualifyCommand(Context& ctx, const Args& args, const Command& command) {
  if (args.size() != 2 && args.size() != 3) {
    return UsageFailure("give the licence number and the legal name (quoted if it has spaces)",
                        command);
  }
  const size_t first = args.size() - 2;
  v1::SubmitQualificationRequest request;
  request.set_license_number(args[first]);
  request.set_legal_name(args[first + 1]);
  return WithMerchant(ctx, first == 1 ? args[0] : "",
                      [&](MerchantStub& stub, const std::string& token, const std::string& id) {
                        request.set_id(id);
                        return SubmitQualification(stub, token, request);
                      });
}

int MerchantLocateCommand(Context& ctx, const Args& args, const Command& command) {
  if (args.size() < 2 || args.size() > 4) {
    return UsageFailure("give the latitude and longitude, and optionally the address", command);
  }
  // With three arguments the first is the id unless it is a number (the latitude).
  double unused;
  const bool has_id = args.size() == 4 || (args.size() == 3 && !absl::SimpleAtod(args[0], &unused));
  const size_t first = has_id ? 1 : 0;
  absl::StatusOr<double> lat = ParseDegrees("the latitude", args[first]);
  if (!lat.ok()) return UsageFailure(lat.status().message(), command);
  absl::StatusOr<double> lng = ParseDegrees("the longitude", args[first + 1]);
  if (!lng.ok()) return UsageFailure(lng.status().message(), command);
  v1::SetLocationRequest request;
  request.mutable_location()->set_lat(*lat);
  request.mutable_location()->set_lng(*lng);
  if (args.size() > first + 2) request.set_address(args[first + 2]);
  return WithMerchant(ctx, has_id ? args[0] : "",
                      [&](MerchantStub& stub, const std::string& token, const std::string& id) {
                        request.set_id(id);
                        return SetLocation(stub, token, request);
                      });
}

}  // namespace qrcloud::ctl
