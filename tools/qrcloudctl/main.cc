// qrcloudctl: the qrcloud command line, a client of the platform's gRPC
// APIs. `qrcloudctl help` lists the commands; docs/qrcloudctl.md explains
// them, the output formats and the exit statuses.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "libs/core/config.h"
#include "tools/qrcloudctl/cli.h"
#include "tools/qrcloudctl/flags.h"

namespace qrcloud::ctl {
namespace {

constexpr char kDefaultCenter[] = "localhost:50051";
constexpr char kDefaultAuditPort[] = "50055";

constexpr char kSynopsis[] =
    "qrcloudctl [--center=host:port] [--token=...] [--output=text|json|yaml] <command> ...";

int HelpCommand(Context&, const Args&, const Command&);  // defined below the table
int CompletionCommand(Context&, const Args&, const Command&);

constexpr Command kCommands[] = {
    {"login", "<login> [--password=...]",
     "sign in; the session is saved in $XDG_CONFIG_HOME/qrcloud/credentials (mode 0600)",
     "qrcloudctl --center=api.example.com:50051 login shop@example.com", LoginCommand,
     "--password"},
    {"logout", "", "end the session on the server and forget it here", "qrcloudctl logout",
     LogoutCommand},
    {"whoami", "[--show-token]", "the signed-in account (the token only with --show-token)",
     "qrcloudctl whoami", WhoAmICommand, "--show-token"},
    {"merchant get", "[<id>]", "a merchant; <id> defaults to your own", "qrcloudctl merchant get",
     MerchantGetCommand},
    {"merchant update", "[<id>] <field>=<value> ...",
     "change displayName, description, contactPhone, contactEmail or websiteUrl (only those "
     "given)",
     "qrcloudctl merchant update description=\"Hotpot since 1998\"", MerchantUpdateCommand},
    {"merchant qualify", "[<id>] <license-number> <legal-name>",
     "submit the business licence for audit",
     "qrcloudctl merchant qualify 91350100M000100Y43 \"Fuzhou Hotpot Co., Ltd.\"",
     MerchantQualifyCommand},
    {"merchant locate", "[<id>] <lat> <lng> [<address>]",
     "set the shop's location in decimal degrees",
     "qrcloudctl merchant locate 26.0745 119.2965 \"Gulou, Fuzhou\"", MerchantLocateCommand},
    {"media upload", "<file> [--content-type=image/png|image/jpeg]",
     "upload an image for campaigns and logos; prints its id and url",
     "qrcloudctl media upload poster.png", MediaUploadCommand, "--content-type"},
    {"campaign create", "--file=<campaign.yaml>",
     "create a draft campaign from a YAML or JSON file of the REST body's fields",
     "qrcloudctl campaign create --file=spring.yaml", CampaignCreateCommand, "--file"},
    {"campaign edit", "<id> --file=<changes.yaml>",
     "change the fields the file names, and only those",
     "qrcloudctl campaign edit cmp_123 --file=price.yaml", CampaignEditCommand, "--file"},
    {"campaign get", "<id>", "a campaign: its state, and why it was rejected if it was",
     "qrcloudctl campaign get cmp_123", CampaignGetCommand},
    {"campaign list", "[--state=STATE] [--page-size=N] [--page-token=T]",
     "your campaigns, newest first", "qrcloudctl campaign list --state=PUBLISHED",
     CampaignListCommand, "--state --page-size --page-token"},
    {"campaign submit", "<id>", "send a draft to audit", "qrcloudctl campaign submit cmp_123",
     CampaignActionCommand},
    {"campaign pause", "<id>", "stop showing and selling a published campaign",
     "qrcloudctl campaign pause cmp_123", CampaignActionCommand},
    {"campaign resume", "<id>", "publish a paused campaign again",
     "qrcloudctl campaign resume cmp_123", CampaignActionCommand},
    {"campaign end", "<id>", "end a campaign for good", "qrcloudctl campaign end cmp_123",
     CampaignActionCommand},
    {"code create", "(--campaign=<id> | --target=<url>) [--label=...]",
     "a managed QR code for a campaign or a link",
     "qrcloudctl code create --campaign=cmp_123 --label=\"Front door\"", CodeCreateCommand,
     "--campaign --target --label --merchant"},
    {"code batch",
     "(--campaign=<id> | --target=<url>) --count=N [--first-number=N] [--caption=...]",
     "many numbered codes at once (table stickers); prints the batch id",
     "qrcloudctl code batch --campaign=cmp_123 --count=40 --caption=Table", CodeBatchCommand,
     "--campaign --target --count --first-number --caption"},
    {"code get", "<id>", "a code", "qrcloudctl code get cod_123", CodeGetCommand},
    {"code list", "[--campaign=<id>] [--batch=<id>] [--page-size=N] [--page-token=T]", "your codes",
     "qrcloudctl code list --batch=bat_123", CodeListCommand,
     "--campaign --batch --page-size --page-token"},
    {"code image", "<id> --out=<file> [--format=png|svg|pdf] [--size=PX]",
     "download a code's image", "qrcloudctl code image cod_123 --format=svg --out=door.svg",
     CodeImageCommand, "--out --format --size"},
    {"code sheet", "<batch-id> --out=<file.pdf>", "download a batch's print-ready sticker sheet",
     "qrcloudctl code sheet bat_123 --out=tables.pdf", CodeSheetCommand, "--out"},
    {"code stats", "<id>", "a code's scans: total, unique, flagged, by day",
     "qrcloudctl code stats cod_123", CodeStatsCommand},
    {"order list", "[--state=STATE] [--campaign=<id>] [--page-size=N] [--page-token=T]",
     "your orders, newest first", "qrcloudctl order list --state=CONFIRMED", OrderListCommand,
     "--state --campaign --page-size --page-token"},
    {"order get", "<id>", "an order", "qrcloudctl order get ord_123", OrderGetCommand},
    {"order watch", "[--campaign=<id>]",
     "new orders as they are placed, one per line, until Ctrl-C",
     "qrcloudctl order watch --output=json", OrderWatchCommand, "--campaign"},
    {"receipt verify", "(<token> | --number=<number> | --photo=<file>)",
     "whether a receipt can be redeemed now, without redeeming it",
     "qrcloudctl receipt verify --number=4821-0937", ReceiptVerifyCommand, "--number --photo"},
    {"receipt redeem", "(<token> | --number=<number> | --photo=<file> | --stdin)",
     "redeem a receipt, once; --stdin reads tokens one per line from a USB scanner",
     "qrcloudctl receipt redeem --stdin", ReceiptRedeemCommand, "--number --photo --stdin"},
    {"audit list", "[--state=QUEUED] [--subject=SUBJECT] [--page-size=N] [--page-token=T]",
     "the audit queue (auditors)", "qrcloudctl audit list --subject=CAMPAIGN", AuditListCommand,
     "--state --subject --page-size --page-token"},
    {"audit show", "<task-id>", "one audit task, with what the automatic checks found",
     "qrcloudctl audit show tsk_123", AuditShowCommand},
    {"audit approve", "<task-id> [<note>...]", "approve a queued task",
     "qrcloudctl audit approve tsk_123", AuditDecideCommand},
    {"audit reject", "<task-id> <reason>...", "reject a queued task, saying why",
     "qrcloudctl audit reject tsk_123 \"the price is not shown\"", AuditDecideCommand},
    {"ledger check", "",
     "verify the whole ledger balances (administrators); exits 1 if it does not",
     "qrcloudctl ledger check", LedgerCheckCommand},
    {"desk orders",
     "[--watch] [--state=PLACED|ACCEPTED|PAID|SETTLED|REJECTED] [--table=T] [--limit=N]",
     "the table orders at the landing node, newest first; --watch: the open ones, then every "
     "change",
     "qrcloudctl desk orders --watch --node=192.168.1.20:50060", DeskOrdersCommand,
     "--watch --state --table --limit --node --desk-token-file"},
    {"desk accept", "<order>", "the kitchen takes a placed order", "qrcloudctl desk accept 01J...",
     DeskStepCommand, "--node --desk-token-file"},
    {"desk reject", "<order> [<reason>...]", "refuse a placed or accepted order (it is cancelled)",
     "qrcloudctl desk reject 01J... \"out of noodles\"", DeskStepCommand,
     "--node --desk-token-file"},
    {"desk paid", "<order>", "an accepted order was paid at the counter",
     "qrcloudctl desk paid 01J...", DeskStepCommand, "--node --desk-token-file"},
    {"desk settle", "<order>", "a paid order is done (its receipt redeemed, once)",
     "qrcloudctl desk settle 01J...", DeskStepCommand, "--node --desk-token-file"},
    {"desk tables", "", "the tables, each with its link and its open orders",
     "qrcloudctl desk tables", DeskTablesCommand, "--node --desk-token-file"},
    {"desk soldout", "<item> [--off]", "mark a menu item sold out at this node (--off: back on)",
     "qrcloudctl desk soldout noodles", DeskSoldOutCommand, "--off --node --desk-token-file"},
    {"desk shift", "open|close|show [--force]",
     "open or close the shift; close is refused while records wait for the center, unless --force",
     "qrcloudctl desk shift close", DeskShiftCommand, "--force --node --desk-token-file"},
    {"desk menu", "[set <item> <price> [<name>...] | remove <item>]",
     "the menu; set changes an item's price (and name) or adds one, remove takes one off (edits "
     "go to the center, which keeps the menu: they need it reachable)",
     "qrcloudctl desk menu set noodles 19.50 \"拌面 Noodles\"", DeskMenuCommand,
     "--node --desk-token-file"},
    {"desk sync", "[now]",
     "the sync with the center: pending, parked, last sync, the last error; now: sync at once",
     "qrcloudctl desk sync now", DeskSyncCommand, "--node --desk-token-file"},
    {"desk parked", "", "records the center rejected, with its reasons", "qrcloudctl desk parked",
     DeskParkedCommand, "--node --desk-token-file"},
    {"desk redeem", "<receipt-token>",
     "redeem a cloud order's receipt at the node, offline if need be (once)",
     "qrcloudctl desk redeem QRC1...", DeskRedeemCommand, "--node --desk-token-file"},
    {"call", "[<Service>.<Method> [--data=<json>|@<file>|-] [--out=<file>]]",
     "call any method a server serves, by server reflection; no method: list the services",
     "qrcloudctl call CodeService.GetCodeStats --data='{\"id\":\"cod_123\"}'", CallCommand,
     "--data --out"},
    {"completion", "bash|zsh", "print a shell completion script",
     "source <(qrcloudctl completion bash)", CompletionCommand},
    {"help", "[<command>] [--man]", "this help, a command's help, or the manual page (roff)",
     "qrcloudctl help code sheet", HelpCommand},
};

constexpr char kGlobalFlags[] =
    R"(  --center=host:port   the center's gRPC API (default: saved by login, else localhost:50051)
  --audit=host:port    the audit service's gRPC API (default: the center's host, port 50055)
  --backends=name=host:port,...  where other services are (default: the center's host, at
                       each one's port in services/services.txt, e.g. settlement 50056)
  --token=...          a session token (qrs_...) or API key (qrk_...) instead of the saved one
  --output=FORMAT      text (tables, path: value lines), json or yaml;
                       default text on a terminal, json when piped)";

constexpr char kExitStatuses[] = R"(  0  done
  1  the server failed (INTERNAL, UNKNOWN, ...)
  2  the command line or a local file is wrong; nothing was sent
  3  the server refused the input (INVALID_ARGUMENT, OUT_OF_RANGE)
  4  not signed in, or not allowed (UNAUTHENTICATED, PERMISSION_DENIED)
  5  no such thing (NOT_FOUND)
  6  not in a state for it: already redeemed, already decided (ALREADY_EXISTS,
     FAILED_PRECONDITION, ABORTED)
  7  try again later (UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED))";

std::string Overview() {
  std::string out = absl::StrCat(
      "qrcloudctl: the qrcloud command line, over gRPC.\n\nusage: ", kSynopsis, "\n\ncommands:\n");
  for (const Command& c : kCommands) {
    absl::StrAppend(&out, "  ", c.name, *c.usage ? " " : "", c.usage, "\n      ", c.summary, "\n");
  }
  absl::StrAppend(
      &out, "\nglobal flags:\n", kGlobalFlags,
      "\n\nEvery flag can also be set as QRCLOUD_<FLAG> (QRCLOUD_TOKEN, QRCLOUD_CENTER, "
      "...).\n`qrcloudctl <command> --help` shows a command's flags and an example.\n\n"
      "exit status:\n",
      kExitStatuses, "\n");
  return out;
}

// "--page-size   lists: rows per page ..." for each flag the command reads.
std::string FlagLines(const Command& c) {
  std::string out;
  for (absl::string_view name : absl::StrSplit(c.flags, ' ', absl::SkipEmpty())) {
    const std::string flag = absl::StrReplaceAll(absl::StripPrefix(name, "--"), {{"-", "_"}});
    const absl::CommandLineFlag* f = absl::FindCommandLineFlag(flag);
    if (f == nullptr) continue;
    std::string help = f->Help();
    // "code image: png, svg or pdf" -> "png, svg or pdf" when it is this command's.
    if (const size_t colon = help.find(": "); colon != std::string::npos && colon < 24) {
      help = help.substr(colon + 2);
    }
    absl::StrAppend(&out, "  ", name, std::string(name.size() < 19 ? 19 - name.size() : 1, ' '),
                    help, "\n");
  }
  return out;
}

std::string CommandHelp(const Command& c) {
  const std::string flags = FlagLines(c);
  return absl::StrCat("qrcloudctl ", c.name, ": ", c.summary, "\n\nusage: ", UsageLine(c), "\n",
                      flags.empty() ? "" : absl::StrCat("\nflags:\n", flags), "\nexample:\n  ",
                      c.example, "\n\nglobal flags:\n", kGlobalFlags, "\n");
}

// roff escapes: a leading dot or quote, and backslashes and dashes.
std::string Roff(absl::string_view text) {
  std::string out = absl::StrReplaceAll(text, {{"\\", "\\e"}, {"-", "\\-"}});
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out.insert(0, "\\&");
  return out;
}

std::string ManPage() {
  std::string out =
      ".TH QRCLOUDCTL 1 \"\" \"qrcloud\" \"User Commands\"\n"
      ".SH NAME\nqrcloudctl \\- the qrcloud command line, over gRPC\n"
      ".SH SYNOPSIS\n.B qrcloudctl\n" +
      Roff(absl::StripPrefix(kSynopsis, "qrcloudctl ")) +
      "\n.SH DESCRIPTION\n"
      "A merchant, an auditor or an administrator of qrcloud does the whole job from a "
      "terminal: campaigns, codes and print sheets, orders, receipts and the audit queue. "
      "Answers print as text (tables for lists) on a terminal and as JSON when piped.\n"
      ".SH COMMANDS\n";
  for (const Command& c : kCommands) {
    absl::StrAppend(&out, ".TP\n.B ", Roff(c.name), *c.usage ? " " : "", Roff(c.usage), "\n",
                    Roff(c.summary), ".\n.br\nExample: ", Roff(c.example), "\n");
  }
  absl::StrAppend(&out, ".SH OPTIONS\n");
  for (absl::string_view line : absl::StrSplit(kGlobalFlags, '\n')) {
    line = absl::StripLeadingAsciiWhitespace(line);
    const size_t gap = line.find("  ");
    if (line.empty()) continue;
    if (gap == absl::string_view::npos || absl::StartsWith(line, "default")) {
      absl::StrAppend(&out, Roff(line), "\n");
      continue;
    }
    absl::StrAppend(&out, ".TP\n.B ", Roff(line.substr(0, gap)), "\n",
                    Roff(absl::StripLeadingAsciiWhitespace(line.substr(gap))), "\n");
  }
  absl::StrAppend(&out,
                  ".SH ENVIRONMENT\nEvery flag can be set as QRCLOUD_<FLAG>, e.g. QRCLOUD_TOKEN, "
                  "QRCLOUD_CENTER, QRCLOUD_PASSWORD. NO_COLOR turns colour off.\n"
                  ".SH FILES\n$XDG_CONFIG_HOME/qrcloud/credentials (default "
                  "~/.config/qrcloud/credentials), mode 0600: the saved session.\n"
                  ".SH EXIT STATUS\n");
  for (absl::string_view line : absl::StrSplit(kExitStatuses, '\n')) {
    line = absl::StripLeadingAsciiWhitespace(line);
    if (line.size() > 2 && absl::ascii_isdigit(line[0]) && line[1] == ' ') {
      absl::StrAppend(&out, ".TP\n.B ", line.substr(0, 1), "\n", Roff(line.substr(3)), "\n");
    } else {
      absl::StrAppend(&out, Roff(line), "\n");
    }
  }
  return out;
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

int HelpCommand(Context&, const Args& args, const Command&) {
  if (args.empty()) {
    std::fputs(Overview().c_str(), stdout);
    return kExitOk;
  }
  size_t words = 0;
  const Command* c = FindCommand(args, &words);
  if (c == nullptr) {
    std::fprintf(stderr, "error: no command \"%s\"; `qrcloudctl help` lists them\n",
                 absl::StrJoin(args, " ").c_str());
    return kExitUsage;
  }
  std::fputs(CommandHelp(*c).c_str(), stdout);
  return kExitOk;
}

// The first words, the second words of each group, and the flags.
int CompletionCommand(Context&, const Args& args, const Command& command) {
  if (args.size() != 1 || (args[0] != "bash" && args[0] != "zsh")) {
    return UsageFailure("give the shell: bash or zsh", command);
  }
  std::vector<std::string> first;
  std::vector<std::pair<std::string, std::vector<std::string>>> groups;
  std::string flags = "--center --audit --backends --token --output --help";
  for (const Command& c : kCommands) {
    std::vector<std::string> parts = absl::StrSplit(c.name, ' ');
    if (std::find(first.begin(), first.end(), parts[0]) == first.end()) first.push_back(parts[0]);
    if (parts.size() == 2) {
      auto it = std::find_if(groups.begin(), groups.end(),
                             [&](const auto& g) { return g.first == parts[0]; });
      if (it == groups.end()) it = groups.insert(groups.end(), {parts[0], {}});
      it->second.push_back(parts[1]);
    }
    for (absl::string_view f : absl::StrSplit(c.flags, ' ', absl::SkipEmpty())) {
      if (!absl::StrContains(absl::StrCat(flags, " "), absl::StrCat(f, " "))) {
        absl::StrAppend(&flags, " ", f);
      }
    }
  }
  std::string cases;
  for (const auto& [group, subs] : groups) {
    absl::StrAppend(&cases, "    ", group, ") words=\"", absl::StrJoin(subs, " "), "\" ;;\n");
  }
  if (args[0] == "bash") {
    std::printf(
        "# bash completion for qrcloudctl: source <(qrcloudctl completion bash)\n"
        "_qrcloudctl() {\n"
        "  local cur=${COMP_WORDS[COMP_CWORD]} words=\"\" i n=0 first=\"\"\n"
        "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
        "    case ${COMP_WORDS[i]} in -*) ;; *) n=$((n + 1)); [ $n -eq 1 ] && "
        "first=${COMP_WORDS[i]} ;; esac\n"
        "  done\n"
        "  if [[ $cur == -* ]]; then words=\"%s\"\n"
        "  elif [ $n -eq 0 ]; then words=\"%s\"\n"
        "  elif [ $n -eq 1 ]; then\n"
        "    case $first in\n%s    completion) words=\"bash zsh\" ;;\n    esac\n"
        "  fi\n"
        "  COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
        "}\n"
        "complete -o default -F _qrcloudctl qrcloudctl\n",
        flags.c_str(), absl::StrJoin(first, " ").c_str(), cases.c_str());
  } else {
    std::printf(
        "#compdef qrcloudctl\n"
        "# zsh completion for qrcloudctl: qrcloudctl completion zsh > \"${fpath[1]}/_qrcloudctl\"\n"
        "_qrcloudctl() {\n"
        "  local words_=\"\" first=\"\" n=0 w\n"
        "  for w in ${words[2,CURRENT-1]}; do\n"
        "    [[ $w == -* ]] && continue; n=$((n + 1)); [ $n -eq 1 ] && first=$w\n"
        "  done\n"
        "  if [[ ${words[CURRENT]} == -* ]]; then words_=\"%s\"\n"
        "  elif [ $n -eq 0 ]; then words_=\"%s\"\n"
        "  elif [ $n -eq 1 ]; then\n"
        "    case $first in\n%s    completion) words_=\"bash zsh\" ;;\n    esac\n"
        "  fi\n"
        "  if [ -n \"$words_\" ]; then compadd -- ${=words_}; else _files; fi\n"
        "}\n"
        "compdef _qrcloudctl qrcloudctl\n",
        flags.c_str(), absl::StrJoin(first, " ").c_str(),
        absl::StrReplaceAll(cases, {{"words=", "words_="}}).c_str());
  }
  return kExitOk;
}

// The global flags and the saved credentials, resolved. A usage error
// (bad --output) is INVALID_ARGUMENT.
absl::StatusOr<Context> MakeContext() {
  Context ctx;
  ctx.colour_out = isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr;
  ctx.colour_err = isatty(STDERR_FILENO) && std::getenv("NO_COLOR") == nullptr;
  const std::string output = absl::GetFlag(FLAGS_output);
  if (output.empty()) {
    ctx.output = isatty(STDOUT_FILENO) ? OutputFormat::kText : OutputFormat::kJson;
  } else {
    absl::StatusOr<OutputFormat> parsed = ParseOutputFormat(output);
    if (!parsed.ok()) return parsed.status();
    ctx.output = *parsed;
  }
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
  ctx.audit = absl::GetFlag(FLAGS_audit);
  if (ctx.audit.empty()) {
    ctx.audit = absl::StrCat(ctx.center.substr(0, ctx.center.rfind(':')), ":", kDefaultAuditPort);
  }
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
  ctx.audit_channel = grpc::CreateChannel(ctx.audit, grpc::InsecureChannelCredentials());
  return ctx;
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

int Run(const Args& args, bool help) {
  if (args.empty() && !help) {
    std::fputs(Overview().c_str(), stderr);
    return kExitUsage;
  }
  size_t words = 0;
  const Command* command = FindCommand(args, &words);
  if (help || (command != nullptr && command->run == HelpCommand)) {
    Context none;
    if (help) return HelpCommand(none, args, *FindCommand({"help"}, &words));
    if (absl::GetFlag(FLAGS_man)) {
      std::fputs(ManPage().c_str(), stdout);
      return kExitOk;
    }
    return HelpCommand(none, Args(args.begin() + 1, args.end()), *command);
  }
  if (command == nullptr) return UnknownCommand(args);
  const Args rest(args.begin() + static_cast<long>(words), args.end());
  if (command->run == CompletionCommand) {
    Context none;
    return CompletionCommand(none, rest, *command);
  }
  absl::StatusOr<Context> ctx = MakeContext();
  if (!ctx.ok() && ctx.status().code() == absl::StatusCode::kInvalidArgument) {
    std::fprintf(stderr, "error: %s\nusage: %s\n", std::string(ctx.status().message()).c_str(),
                 kSynopsis);
    return kExitUsage;
  }
  if (!ctx.ok()) {
    std::fprintf(stderr, "error: %s\n", std::string(ctx.status().message()).c_str());
    return kExitFailed;
  }
  return command->run(*ctx, rest, *command);
}

// Abseil takes any argument that starts with '-' for a flag, but latitudes and
// longitudes can be negative: "-33.8688" is hidden behind kNumberMark while
// the flags are parsed, and shown again after. Flags may be written with
// dashes (--page-size), as people type them; Abseil's names have
// underscores. --help and -h are answered here, never by Abseil (whose help
// names source files).
constexpr char kNumberMark = '\x1f';

std::vector<std::string> PrepareArgs(int argc, char** argv, bool* help) {
  std::vector<std::string> out;
  for (int i = 0; i < argc; ++i) {
    std::string arg = argv[i];
    if (i > 0 && arg == "--") {  // everything after is positional
      for (int j = i; j < argc; ++j) out.push_back(argv[j]);
      break;
    }
    if (i > 0 && (arg == "-h" || arg == "--help" || absl::StartsWith(arg, "--help"))) {
      *help = true;
      continue;
    }
    if (arg.size() > 1 && arg[0] == '-' && (absl::ascii_isdigit(arg[1]) || arg[1] == '.')) {
      arg.insert(arg.begin(), kNumberMark);
    } else if (absl::StartsWith(arg, "--")) {
      const size_t end = std::min(arg.find('='), arg.size());
      for (size_t k = 2; k < end; ++k) {
        if (arg[k] == '-') arg[k] = '_';
      }
    }
    out.push_back(std::move(arg));
  }
  return out;
}

}  // namespace
}  // namespace qrcloud::ctl

int main(int argc, char** argv) {
  bool help = false;
  std::vector<std::string> prepared = qrcloud::ctl::PrepareArgs(argc, argv, &help);
  std::vector<char*> prepared_argv;
  for (std::string& arg : prepared) prepared_argv.push_back(arg.data());
  prepared_argv.push_back(nullptr);
  std::vector<std::string> args = qrcloud::core::InitProcess(
      static_cast<int>(prepared.size()), prepared_argv.data(), "see `qrcloudctl help`");
  args.erase(args.begin());  // argv[0]
  for (std::string& arg : args) {
    if (!arg.empty() && arg[0] == qrcloud::ctl::kNumberMark) arg.erase(0, 1);
  }
  return qrcloud::ctl::Run(args, help);
}
