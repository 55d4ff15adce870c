// qrcloudctl: the qrcloud command line, a client of the center's gRPC API.
// See Usage() below. Exit status: 0 done, 1 the call failed (the server's
// status is printed), 2 the command line was wrong.
#include <fcntl.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include "absl/flags/flag.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/core/config.h"
#include "tools/qrcloudctl/commands.h"
#include "tools/qrcloudctl/credentials.h"
#include "tools/qrcloudctl/output.h"

ABSL_FLAG(std::string, center, "",
          "host:port of the center's gRPC API (default: the one saved by login, else "
          "localhost:50051)");
ABSL_FLAG(std::string, token, "",
          "a session token (qrs_...) or API key (qrk_...) to use instead of the saved "
          "credentials");
ABSL_FLAG(std::string, output, "json",
          "json (protobuf JSON, as the REST API has it) or text (path: value lines)");
ABSL_FLAG(std::string, password, "",
          "for login: the password (else QRCLOUD_PASSWORD, else asked on the terminal)");

namespace qrcloud::ctl {
namespace {

constexpr char kDefaultCenter[] = "localhost:50051";
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

constexpr char kSynopsis[] =
    "qrcloudctl [--center=host:port] [--token=...] [--output=json|text] <command> ...";
constexpr char kCommandsHelp[] = R"(
  login <login> [--password=...]     sign in; the session is saved in
                                     $XDG_CONFIG_HOME/qrcloud/credentials (~/.config/...)
  logout                             end the session and forget it
  whoami                             the signed-in account
  merchant get [<id>]                a merchant; <id> defaults to your own
  merchant update [<id>] <field>=<value> ...
                                     change displayName, description, contactPhone,
                                     contactEmail or websiteUrl (only those given)
  merchant qualify [<id>] <license-number> <legal-name>
                                     submit the business licence for audit
  merchant locate [<id>] <lat> <lng> [<address>]
                                     set the location (decimal degrees)

Every flag can also be set as QRCLOUD_<FLAG> (QRCLOUD_TOKEN, QRCLOUD_CENTER, ...).)";

std::string Usage() {
  return absl::StrCat("the qrcloud command line, over the center's gRPC API.\n\nusage: ", kSynopsis,
                      "\n", kCommandsHelp);
}

using Args = std::vector<std::string>;

// What every command works with: the resolved global flags, the saved
// credentials and a channel to the center.
struct Context {
  std::string center;
  OutputFormat output = OutputFormat::kJson;
  std::string credentials_path;
  std::optional<Credentials> saved;  // only when saved for `center`
  std::string token;                 // --token, else the saved one; may be empty
  std::string no_token_reason;       // why `token` is empty, for the message
  std::shared_ptr<grpc::Channel> channel;

  std::unique_ptr<AuthStub> Auth() const { return v1::AuthService::NewStub(channel); }
  std::unique_ptr<MerchantStub> Merchants() const { return v1::MerchantService::NewStub(channel); }
};

struct Command {
  const char* name;   // "whoami", "merchant get"
  const char* usage;  // its arguments, for usage errors
  int (*run)(Context&, const Args&, const Command&);
};

std::string UsageLine(const Command& command) {
  return absl::StrCat("qrcloudctl ", command.name, *command.usage ? " " : "", command.usage);
}

int UsageFailure(absl::string_view message, const Command& command) {
  std::fprintf(stderr, "error: %s\nusage: %s\n", std::string(message).c_str(),
               UsageLine(command).c_str());
  return kExitUsage;
}

int Failure(const absl::Status& status, const Context& ctx) {
  std::fputs(RenderError(status).c_str(), stderr);
  if (status.code() == absl::StatusCode::kUnavailable) {
    std::fprintf(stderr,
                 "  (no answer from the center at %s; --center or QRCLOUD_CENTER picks "
                 "another)\n",
                 ctx.center.c_str());
  }
  return kExitFailure;
}

void Print(const google::protobuf::Message& message, const Context& ctx) {
  std::fputs(Render(message, ctx.output).c_str(), stdout);
}

absl::StatusOr<std::string> RequireToken(const Context& ctx) {
  if (!ctx.token.empty()) return ctx.token;
  return absl::UnauthenticatedError(ctx.no_token_reason);
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

// Commands -------------------------------------------------------------------

int LoginCommand(Context& ctx, const Args& args, const Command& command) {
  if (args.size() != 1) return UsageFailure("login takes one argument, the login", command);
  std::string password = absl::GetFlag(FLAGS_password);
  if (password.empty()) {
    absl::StatusOr<std::string> asked = AskPassword(absl::StrCat("Password for ", args[0], ": "));
    if (!asked.ok()) return UsageFailure(asked.status().message(), command);
    password = *std::move(asked);
  }
  absl::StatusOr<v1::CreateSessionResponse> session = Login(*ctx.Auth(), args[0], password);
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
  const absl::Status s = Logout(*ctx.Auth(), *token);
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
  absl::StatusOr<v1::GetCurrentAccountResponse> me = WhoAmI(*ctx.Auth(), *token);
  if (!me.ok()) return Failure(me.status(), ctx);
  Print(*me, ctx);
  return 0;
}

// Runs `call` for merchant `id` (the caller's own when empty) and prints what
// it returns.
template <typename Call>
int WithMerchant(Context& ctx, absl::string_view id, Call call) {
  absl::StatusOr<std::string> token = RequireToken(ctx);
  if (!token.ok()) return Failure(token.status(), ctx);
  absl::StatusOr<std::string> merchant_id = MerchantIdOrOwn(*ctx.Auth(), *token, id);
  if (!merchant_id.ok()) return Failure(merchant_id.status(), ctx);
  auto response = call(*ctx.Merchants(), *token, *merchant_id);
  if (!response.ok()) return Failure(response.status(), ctx);
  Print(*response, ctx);
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

constexpr Command kCommands[] = {
    {"login", "<login> [--password=...]", LoginCommand},
    {"logout", "", LogoutCommand},
    {"whoami", "", WhoAmICommand},
    {"merchant get", "[<id>]", MerchantGetCommand},
    {"merchant update", "[<id>] <field>=<value> ...", MerchantUpdateCommand},
    {"merchant qualify", "[<id>] <license-number> <legal-name>", MerchantQualifyCommand},
    {"merchant locate", "[<id>] <lat> <lng> [<address>]", MerchantLocateCommand},
};

// Setup ----------------------------------------------------------------------

// The global flags and the saved credentials, resolved. A usage error
// (bad --output) is INVALID_ARGUMENT.
absl::StatusOr<Context> MakeContext() {
  Context ctx;
  absl::StatusOr<OutputFormat> output = ParseOutputFormat(absl::GetFlag(FLAGS_output));
  if (!output.ok()) return output.status();
  ctx.output = *output;
  absl::StatusOr<std::string> path = CredentialsPath();
  if (!path.ok()) return path.status();
  ctx.credentials_path = *path;

  absl::StatusOr<Credentials> saved = LoadCredentials(ctx.credentials_path);
  if (!saved.ok() && saved.status().code() != absl::StatusCode::kNotFound) {
    std::fprintf(stderr, "warning: ignoring saved credentials: %s\n",
                 std::string(saved.status().message()).c_str());
  }
  const std::string flag_center = absl::GetFlag(FLAGS_center);
  ctx.center = !flag_center.empty()                   ? flag_center
               : saved.ok() && !saved->center.empty() ? saved->center
                                                      : kDefaultCenter;
  ctx.no_token_reason = absl::StrCat("not signed in to ", ctx.center,
                                     ": run \"qrcloudctl login <login>\", or pass --token");
  // A saved token goes only to the center that issued it.
  if (saved.ok() && saved->center == ctx.center) {
    ctx.saved = *saved;
  } else if (saved.ok()) {
    ctx.no_token_reason = absl::StrCat(
        "not signed in to ", ctx.center, " (the saved session is for ", saved->center,
        "): run \"qrcloudctl --center=", ctx.center, " login <login>\", or pass --token");
  }
  ctx.token = absl::GetFlag(FLAGS_token);
  if (ctx.token.empty() && ctx.saved) ctx.token = ctx.saved->token;
  ctx.channel = grpc::CreateChannel(ctx.center, grpc::InsecureChannelCredentials());
  return ctx;
}

const Command* FindCommand(const Args& args, size_t* words) {
  for (const Command& c : kCommands) {
    const std::string first = args.empty() ? "" : args[0];
    const std::string two = args.size() < 2 ? first : absl::StrCat(args[0], " ", args[1]);
    if (c.name == first || c.name == two) {
      *words = c.name == first ? 1 : 2;
      return &c;
    }
  }
  return nullptr;
}

// No command by that name: exit 2 with the usages of the group the first word
// names ("merchant ..."), or of every command.
int UnknownCommand(const Args& args) {
  std::vector<std::string> usages;
  for (const Command& c : kCommands) {
    if (absl::StartsWith(c.name, absl::StrCat(args[0], " "))) usages.push_back(UsageLine(c));
  }
  const bool group = !usages.empty();
  if (!group) {
    for (const Command& c : kCommands) usages.push_back(UsageLine(c));
  }
  const std::string message =
      group && args.size() == 1
          ? absl::StrCat("\"", args[0], "\" needs a command")
          : absl::StrCat("unknown command \"",
                         absl::StrJoin(args.begin(), args.begin() + (group ? 2 : 1), " "), "\"");
  std::fprintf(stderr, "error: %s\nusage:\n  %s\n", message.c_str(),
               absl::StrJoin(usages, "\n  ").c_str());
  return kExitUsage;
}

int Run(const Args& args) {
  if (args.empty() || args[0] == "help") {
    std::fprintf(args.empty() ? stderr : stdout, "qrcloudctl: %s\n", Usage().c_str());
    return args.empty() ? kExitUsage : 0;
  }
  size_t words = 0;
  const Command* command = FindCommand(args, &words);
  if (command == nullptr) return UnknownCommand(args);
  absl::StatusOr<Context> ctx = MakeContext();
  if (!ctx.ok() && ctx.status().code() == absl::StatusCode::kInvalidArgument) {
    std::fprintf(stderr, "error: %s\nusage: %s\n", std::string(ctx.status().message()).c_str(),
                 kSynopsis);
    return kExitUsage;
  }
  if (!ctx.ok()) {
    std::fprintf(stderr, "error: %s\n", std::string(ctx.status().message()).c_str());
    return kExitFailure;
  }
  return command->run(*ctx, Args(args.begin() + static_cast<long>(words), args.end()), *command);
}

// Abseil takes any argument that starts with '-' for a flag, but latitudes and
// longitudes can be negative: "-33.8688" is hidden behind kNumberMark while
// the flags are parsed, and shown again after.
constexpr char kNumberMark = '\x1f';

std::vector<std::string> MarkNegativeNumbers(int argc, char** argv) {
  std::vector<std::string> out(argv, argv + argc);
  for (std::string& arg : out) {
    if (arg.size() > 1 && arg[0] == '-' && (absl::ascii_isdigit(arg[1]) || arg[1] == '.')) {
      arg.insert(arg.begin(), kNumberMark);
    }
  }
  return out;
}

}  // namespace
}  // namespace qrcloud::ctl

int main(int argc, char** argv) {
  // --help lists the flags of the binary's own files; Abseil would look for
  // qrcloudctl.cc.
  absl::FlagsUsageConfig usage_config;
  usage_config.contains_help_flags = [](absl::string_view file) {
    return absl::StrContains(file, "/qrcloudctl/");
  };
  absl::SetFlagsUsageConfig(usage_config);
  std::vector<std::string> marked = qrcloud::ctl::MarkNegativeNumbers(argc, argv);
  std::vector<char*> marked_argv;
  for (std::string& arg : marked) marked_argv.push_back(arg.data());
  marked_argv.push_back(nullptr);
  std::vector<std::string> args =
      qrcloud::core::InitProcess(argc, marked_argv.data(), qrcloud::ctl::Usage());
  args.erase(args.begin());  // argv[0]
  for (std::string& arg : args) {
    if (!arg.empty() && arg[0] == qrcloud::ctl::kNumberMark) arg.erase(0, 1);
  }
  return qrcloud::ctl::Run(args);
}
