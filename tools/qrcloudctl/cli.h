// What every qrcloudctl command works with: the resolved global flags, the
// saved credentials, the servers' addresses, and how it prints and exits.
// Each command is a function of the Context and its arguments; main.cc
// holds the table of commands and their help.
#ifndef QRCLOUD_TOOLS_QRCLOUDCTL_CLI_H_
#define QRCLOUD_TOOLS_QRCLOUDCTL_CLI_H_

#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <grpcpp/channel.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "qrcloud/v1/common.pb.h"
#include "tools/qrcloudctl/credentials.h"
#include "tools/qrcloudctl/output.h"
#include "tools/qrcloudctl/rpc_client.h"

namespace qrcloud::ctl {

// Exit statuses, by class of outcome (docs/qrcloudctl.md, and `--help`).
enum Exit : int {
  kExitOk = 0,
  kExitFailed = 1,       // the server failed (INTERNAL, UNKNOWN, DATA_LOSS, ...)
  kExitUsage = 2,        // the command line or a local file is wrong; nothing was sent
  kExitRefused = 3,      // the server refused the input (INVALID_ARGUMENT, OUT_OF_RANGE)
  kExitDenied = 4,       // not signed in, or not allowed (UNAUTHENTICATED, PERMISSION_DENIED)
  kExitNotFound = 5,     // no such thing (NOT_FOUND)
  kExitConflict = 6,     // not in a state for it: already redeemed, already decided, ...
                         // (ALREADY_EXISTS, FAILED_PRECONDITION, ABORTED)
  kExitUnavailable = 7,  // try again later (UNAVAILABLE, DEADLINE_EXCEEDED,
                         // RESOURCE_EXHAUSTED, CANCELLED)
};

int ExitCodeOf(absl::StatusCode code);

using Args = std::vector<std::string>;

struct Context {
  std::string center;  // host:port of the center's gRPC API
  std::string audit;   // host:port of the audit service's
  OutputFormat output = OutputFormat::kText;
  bool colour_out = false;  // stdout is a terminal (and NO_COLOR is not set)
  bool colour_err = false;
  std::string credentials_path;
  std::optional<Credentials> saved;              // only when saved for `center`
  std::string token;                             // --token, else the saved one; may be empty
  std::string no_token_reason;                   // why `token` is empty, for the message
  std::shared_ptr<grpc::Channel> channel;        // to the center
  std::shared_ptr<grpc::Channel> audit_channel;  // to the audit service

  // A client for `method`'s server, the process its proto names: the
  // center's methods go to `center`, the audit service's to `audit`, any
  // other process's to the center's host at that process's port in
  // services/services.txt (qrcloud-settlement: 50056).
  RpcClient ClientFor(const google::protobuf::MethodDescriptor& method) const;

 private:
  mutable std::map<std::string, std::shared_ptr<grpc::Channel>> others_;
};

struct Command {
  const char* name;     // "whoami", "campaign create"
  const char* usage;    // its arguments and flags
  const char* summary;  // one line
  const char* example;  // one or more lines, each a whole command
  int (*run)(Context&, const Args&, const Command&);
  // The flags it reads besides the global ones, for completion.
  const char* flags = "";
};

std::string UsageLine(const Command& command);

// Prints "error: <message>" and the command's usage; kExitUsage.
int UsageFailure(absl::string_view message, const Command& command);

// Prints the status (and a hint for an unreachable server); its exit code.
int Failure(const absl::Status& status, const Context& ctx);

void Print(const google::protobuf::Message& message, const Context& ctx);

// ctx.token, or UNAUTHENTICATED saying how to sign in.
absl::StatusOr<std::string> RequireToken(const Context& ctx);

// Calls the contract method `full_name` with `request` and prints its
// answer; the exit code.
int CallAndPrint(Context& ctx, absl::string_view full_name,
                 const google::protobuf::Message& request);

// The same, returning the answer (of the method's output type).
absl::StatusOr<std::unique_ptr<google::protobuf::Message>> CallContract(
    Context& ctx, absl::string_view full_name, const google::protobuf::Message& request);

// --merchant, else the merchant the signed-in account acts for.
absl::StatusOr<std::string> OwnMerchant(Context& ctx);

// Writes `data` to `path` ("-": standard output) through a temporary file
// renamed into place, so a failed download leaves no half file.
absl::Status WriteOutputFile(const std::string& path, absl::string_view data);

// A local file (`path`) could not be used: "error: <path>: <field>:
// <what is wrong>" per field the status names (else its message);
// kExitUsage, as nothing was sent.
int FileFailure(const std::string& path, const absl::Status& status);

// The enum value named by the string flag `flag` (any case); 0 when the
// flag is empty; INVALID_ARGUMENT listing the names when it names none.
absl::Status ParseEnumFlag(absl::string_view flag, const google::protobuf::EnumDescriptor* type,
                           int* value);

// --page-size and --page-token, checked.
absl::Status PageFlags(v1::PageRequest* page);

// The value of string flag `name`.
std::string GetStringFlag(absl::string_view name);

// The commands, by area (auth_commands.cc, merchant_commands.cc, ...).
int LoginCommand(Context&, const Args&, const Command&);
int LogoutCommand(Context&, const Args&, const Command&);
int WhoAmICommand(Context&, const Args&, const Command&);
int MerchantGetCommand(Context&, const Args&, const Command&);
int MerchantUpdateCommand(Context&, const Args&, const Command&);
int MerchantQualifyCommand(Context&, const Args&, const Command&);
int MerchantLocateCommand(Context&, const Args&, const Command&);
int MediaUploadCommand(Context&, const Args&, const Command&);
int CampaignCreateCommand(Context&, const Args&, const Command&);
int CampaignEditCommand(Context&, const Args&, const Command&);
int CampaignGetCommand(Context&, const Args&, const Command&);
int CampaignListCommand(Context&, const Args&, const Command&);
int CampaignActionCommand(Context&, const Args&, const Command&);  // submit, pause, ...
int CodeCreateCommand(Context&, const Args&, const Command&);
int CodeBatchCommand(Context&, const Args&, const Command&);
int CodeGetCommand(Context&, const Args&, const Command&);
int CodeListCommand(Context&, const Args&, const Command&);
int CodeImageCommand(Context&, const Args&, const Command&);
int CodeSheetCommand(Context&, const Args&, const Command&);
int CodeStatsCommand(Context&, const Args&, const Command&);
int OrderListCommand(Context&, const Args&, const Command&);
int OrderGetCommand(Context&, const Args&, const Command&);
int OrderWatchCommand(Context&, const Args&, const Command&);
int ReceiptVerifyCommand(Context&, const Args&, const Command&);
int ReceiptRedeemCommand(Context&, const Args&, const Command&);
int AuditListCommand(Context&, const Args&, const Command&);
int AuditShowCommand(Context&, const Args&, const Command&);
int AuditDecideCommand(Context&, const Args&, const Command&);  // approve, reject
int LedgerCheckCommand(Context&, const Args&, const Command&);
int CallCommand(Context&, const Args&, const Command&);
// desk_commands.cc: the landing node's desk.
int DeskOrdersCommand(Context&, const Args&, const Command&);
int DeskStepCommand(Context&, const Args&, const Command&);  // accept, reject, paid, settle
int DeskTablesCommand(Context&, const Args&, const Command&);
int DeskSoldOutCommand(Context&, const Args&, const Command&);
int DeskShiftCommand(Context&, const Args&, const Command&);
int DeskSyncCommand(Context&, const Args&, const Command&);
int DeskMenuCommand(Context&, const Args&, const Command&);
int DeskParkedCommand(Context&, const Args&, const Command&);
int DeskRedeemCommand(Context&, const Args&, const Command&);

}  // namespace qrcloud::ctl

#endif  // QRCLOUD_TOOLS_QRCLOUDCTL_CLI_H_
