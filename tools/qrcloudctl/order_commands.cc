// The counter's work: orders (listed, watched live), receipts (verified and
// redeemed from a token, a printed number, a photo, or a scanner on stdin),
// the auditors' queue, and `call` for any method a server serves.
#include <cstdio>
#include <iostream>
#include <string>

#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/util/json_util.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "google/api/httpbody.pb.h"
#include "libs/core/ids.h"
#include "libs/core/money.h"
#include "libs/core/status.h"
#include "qrcloud/v1/audit.pb.h"
#include "qrcloud/v1/order.pb.h"
#include "qrcloud/v1/settlement.pb.h"
#include "tools/qrcloudctl/cli.h"
#include "tools/qrcloudctl/flags.h"
#include "tools/qrcloudctl/input.h"
#include "tools/qrcloudctl/reflection.h"

namespace qrcloud::ctl {
namespace {

constexpr size_t kMaxPhotoBytes = 8 << 20;
constexpr size_t kMaxDataBytes = 4 << 20;
// A scanner types a token and Enter; a longer line is not a receipt.
constexpr size_t kMaxTokenLine = 4096;

std::string MoneyText(const v1::Money& money) {
  auto m = core::Money::Of(money.currency(), money.minor());
  return m.ok() ? m->ToString() : "";
}

// One line per order, for the watch and the scanner in text mode.
std::string OrderLine(const v1::Order& o) {
  return absl::StrCat(
      o.create_time().seconds()
          ? absl::FormatTime("%Y-%m-%d %H:%M:%S", absl::FromUnixSeconds(o.create_time().seconds()),
                             absl::LocalTimeZone())
          : "",
      "  ", o.id(), "  ", v1::Order::State_Name(o.state()), "  ", o.quantity(), " x ",
      o.campaign_id(), "  ", MoneyText(o.total()));
}

// The one of token / --number / --photo given, into a verify or redeem
// request; a usage message when not exactly one.
template <typename Request>
absl::Status ReceiptFrom(const Args& args, Request& request) {
  const std::string number = absl::GetFlag(FLAGS_number);
  const std::string photo = absl::GetFlag(FLAGS_photo);
  const int given = static_cast<int>(args.size()) + !number.empty() + !photo.empty();
  if (given != 1 || args.size() > 1) {
    return absl::InvalidArgumentError(
        "give the receipt one way: its token, --number=<printed number> or --photo=<file>");
  }
  if (!args.empty()) request.set_token(args[0]);
  if (!number.empty()) request.set_number(number);
  if (!photo.empty()) {
    absl::StatusOr<std::string> image = ReadInputFile(photo, kMaxPhotoBytes);
    if (!image.ok()) return absl::InvalidArgumentError(image.status().message());
    request.set_image(*std::move(image));
  }
  return absl::OkStatus();
}

// Redeems tokens read one per line until the end of input (a USB barcode
// scanner types each code and Enter). Each line gets an answer line; the
// exit status is the last refusal's, 0 when every line was redeemed.
int RedeemLines(Context& ctx) {
  int exit_code = kExitOk;
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.size() > kMaxTokenLine) line.resize(kMaxTokenLine);
    const std::string token(absl::StripAsciiWhitespace(line));
    if (token.empty()) continue;
    v1::RedeemReceiptRequest request;
    request.set_token(token);
    request.set_request_id(core::NewId());
    auto answer = CallContract(ctx, "qrcloud.v1.OrderService.RedeemReceipt", request);
    if (!answer.ok()) {
      exit_code = ExitCodeOf(answer.status().code());
      std::printf("REFUSED  %s: %s\n", absl::StatusCodeToString(answer.status().code()).c_str(),
                  std::string(answer.status().message()).c_str());
    } else {
      const auto& r = static_cast<const v1::RedeemReceiptResponse&>(**answer);
      if (ctx.output == OutputFormat::kText) {
        std::printf("REDEEMED %s\n", OrderLine(r.order()).c_str());
      } else {
        std::fputs(RenderCompactJson(r).c_str(), stdout);
      }
    }
    std::fflush(stdout);
  }
  return exit_code;
}

}  // namespace

int OrderListCommand(Context& ctx, const Args& args, const Command& command) {
  if (!args.empty()) return UsageFailure("list takes flags only", command);
  v1::ListMerchantOrdersRequest request;
  int state = 0;
  if (absl::Status s = ParseEnumFlag("state", v1::Order::State_descriptor(), &state); !s.ok()) {
    return UsageFailure(s.message(), command);
  }
  request.set_state(static_cast<v1::Order::State>(state));
  request.set_campaign_id(absl::GetFlag(FLAGS_campaign));
  if (absl::Status s = PageFlags(request.mutable_page()); !s.ok()) {
    return UsageFailure(s.message(), command);
  }
  absl::StatusOr<std::string> merchant = OwnMerchant(ctx);
  if (!merchant.ok()) return Failure(merchant.status(), ctx);
  request.set_merchant_id(*merchant);
  return CallAndPrint(ctx, "qrcloud.v1.OrderService.ListMerchantOrders", request);
}

int OrderGetCommand(Context& ctx, const Args& args, const Command& command) {
  if (args.size() != 1) return UsageFailure("give the order's id", command);
  v1::GetOrderRequest request;
  request.set_id(args[0]);
  return CallAndPrint(ctx, "qrcloud.v1.OrderService.GetOrder", request);
}

int OrderWatchCommand(Context& ctx, const Args& args, const Command& command) {
  if (!args.empty()) return UsageFailure("watch takes flags only", command);
  absl::StatusOr<std::string> merchant = OwnMerchant(ctx);
  if (!merchant.ok()) return Failure(merchant.status(), ctx);
  v1::WatchMerchantOrdersRequest request;
  request.set_merchant_id(*merchant);
  request.set_campaign_id(absl::GetFlag(FLAGS_campaign));
  const auto& method = ContractMethod("qrcloud.v1.OrderService.WatchMerchantOrders");
  v1::Order order;
  const absl::Status status = ctx.ClientFor(method).ServerStream(
      method, request, &order,
      [&](const google::protobuf::Message& m) {
        const auto& o = static_cast<const v1::Order&>(m);
        switch (ctx.output) {
          case OutputFormat::kText:
            std::printf("%s\n", OrderLine(o).c_str());
            break;
          case OutputFormat::kJson:
            std::fputs(RenderCompactJson(o).c_str(), stdout);
            break;
          case OutputFormat::kYaml:
            std::printf("---\n%s", Render(o, OutputFormat::kYaml).c_str());
            break;
        }
        std::fflush(stdout);
        return true;
      },
      absl::InfiniteDuration(),
      [&] {
        std::fprintf(stderr, "Watching new orders of %s (Ctrl-C stops)\n", merchant->c_str());
      });
  if (!status.ok()) return Failure(status, ctx);
  return kExitOk;
}

int ReceiptVerifyCommand(Context& ctx, const Args& args, const Command& command) {
  v1::VerifyReceiptRequest request;
  if (absl::Status s = ReceiptFrom(args, request); !s.ok()) {
    return UsageFailure(s.message(), command);
  }
  return CallAndPrint(ctx, "qrcloud.v1.OrderService.VerifyReceipt", request);
}

int ReceiptRedeemCommand(Context& ctx, const Args& args, const Command& command) {
  if (absl::GetFlag(FLAGS_stdin)) {
    if (!args.empty() || !absl::GetFlag(FLAGS_number).empty() ||
        !absl::GetFlag(FLAGS_photo).empty()) {
      return UsageFailure("with --stdin the tokens come from standard input only", command);
    }
    if (absl::Status s = RequireToken(ctx).status(); !s.ok()) return Failure(s, ctx);
    return RedeemLines(ctx);
  }
  v1::RedeemReceiptRequest request;
  if (absl::Status s = ReceiptFrom(args, request); !s.ok()) {
    return UsageFailure(s.message(), command);
  }
  request.set_request_id(core::NewId());
  return CallAndPrint(ctx, "qrcloud.v1.OrderService.RedeemReceipt", request);
}

int AuditListCommand(Context& ctx, const Args& args, const Command& command) {
  if (!args.empty()) return UsageFailure("list takes flags only", command);
  v1::ListTasksRequest request;
  int state = 0, subject = 0;
  absl::Status s = ParseEnumFlag("state", v1::AuditTask::State_descriptor(), &state);
  if (s.ok()) s = ParseEnumFlag("subject", v1::AuditTask::Subject_descriptor(), &subject);
  if (s.ok()) s = PageFlags(request.mutable_page());
  if (!s.ok()) return UsageFailure(s.message(), command);
  request.set_state(static_cast<v1::AuditTask::State>(state));
  request.set_subject(static_cast<v1::AuditTask::Subject>(subject));
  return CallAndPrint(ctx, "qrcloud.v1.AuditService.ListTasks", request);
}

int AuditShowCommand(Context& ctx, const Args& args, const Command& command) {
  if (args.size() != 1) return UsageFailure("give the task's id", command);
  v1::GetTaskRequest request;
  request.set_id(args[0]);
  return CallAndPrint(ctx, "qrcloud.v1.AuditService.GetTask", request);
}

// approve <task> [<reason>...] and reject <task> <reason>...
int AuditDecideCommand(Context& ctx, const Args& args, const Command& command) {
  const bool approve = absl::EndsWith(command.name, "approve");
  if (args.empty() || (!approve && args.size() < 2)) {
    return UsageFailure(
        approve ? "give the task's id" : "give the task's id and at least one reason (quoted)",
        command);
  }
  v1::DecideTaskRequest request;
  request.set_id(args[0]);
  request.set_approve(approve);
  for (size_t i = 1; i < args.size(); ++i) request.add_reasons(args[i]);
  return CallAndPrint(ctx, "qrcloud.v1.AuditService.DecideTask", request);
}

// Prints what the check read and found; exits 1 (failed) when the books do
// not balance, so a cron job or a script notices.
int LedgerCheckCommand(Context& ctx, const Args& args, const Command& command) {
  if (!args.empty()) return UsageFailure("check takes no arguments", command);
  auto answer =
      CallContract(ctx, "qrcloud.v1.SettlementService.CheckLedger", v1::CheckLedgerRequest());
  if (!answer.ok()) return Failure(answer.status(), ctx);
  Print(**answer, ctx);
  const auto* check = dynamic_cast<const v1::CheckLedgerResponse*>(answer->get());
  if (check == nullptr || check->problems_size() == 0) return kExitOk;
  std::fprintf(stderr, "error: the ledger does not balance: %d problem(s)\n",
               check->problems_size());
  return kExitFailed;
}

int CallCommand(Context& ctx, const Args& args, const Command& command) {
  if (args.size() > 1) return UsageFailure("give one method, like CodeService.GetCode", command);
  // Which server: --audit for the audit service's methods, else the center.
  const bool audit = !args.empty() && absl::StrContains(args[0], "AuditService");
  Reflection reflection(audit ? ctx.audit_channel : ctx.channel);
  if (args.empty()) {  // what can be called
    auto services = reflection.Services();
    if (!services.ok()) return Failure(services.status(), ctx);
    for (const std::string& s : *services) std::printf("%s\n", s.c_str());
    return kExitOk;
  }
  auto method = reflection.FindMethod(args[0]);
  if (!method.ok()) {
    if (method.status().code() == absl::StatusCode::kInvalidArgument) {
      return UsageFailure(method.status().message(), command);
    }
    return Failure(method.status(), ctx);
  }
  if ((*method)->client_streaming()) {
    return UsageFailure("call sends one request; client-streaming methods are not supported",
                        command);
  }
  std::unique_ptr<google::protobuf::Message> request(
      reflection.factory().GetPrototype((*method)->input_type())->New());
  std::string data = absl::GetFlag(FLAGS_data);
  std::string source = "--data";
  if (data == "-" || absl::StartsWith(data, "@")) {
    source = data == "-" ? "stdin" : data.substr(1);
    absl::StatusOr<std::string> read = ReadInputFile(data == "-" ? "-" : source, kMaxDataBytes);
    if (!read.ok()) return UsageFailure(read.status().message(), command);
    data = *std::move(read);
  }
  if (!data.empty()) {
    if (absl::Status s = ParseDocument(data, request.get()); !s.ok()) {
      return FileFailure(source, s);
    }
  }
  if (absl::Status s = RequireToken(ctx).status(); !s.ok()) return Failure(s, ctx);
  RpcClient client(audit ? ctx.audit_channel : ctx.channel, ctx.token);
  std::unique_ptr<google::protobuf::Message> response(
      reflection.factory().GetPrototype((*method)->output_type())->New());
  const std::string out = absl::GetFlag(FLAGS_out);
  const bool body = (*method)->output_type()->full_name() == "google.api.HttpBody";
  if (!(*method)->server_streaming()) {
    if (absl::Status s = client.Unary(**method, *request, response.get()); !s.ok()) {
      return Failure(s, ctx);
    }
    if (body && !out.empty()) {
      const auto* data_field = response->GetDescriptor()->FindFieldByName("data");
      const std::string bytes = response->GetReflection()->GetString(*response, data_field);
      if (absl::Status s = WriteOutputFile(out, bytes); !s.ok()) return Failure(s, ctx);
      return kExitOk;
    }
    Print(*response, ctx);
    return kExitOk;
  }
  // A stream: one message per line in JSON (one document each in YAML).
  const absl::Status s = client.ServerStream(
      **method, *request, response.get(), [&](const google::protobuf::Message& m) {
        if (ctx.output == OutputFormat::kJson) {
          std::fputs(RenderCompactJson(m).c_str(), stdout);
        } else if (ctx.output == OutputFormat::kYaml) {
          std::printf("---\n%s", Render(m, OutputFormat::kYaml).c_str());
        } else {
          std::printf("%s\n", Render(m, OutputFormat::kText).c_str());
        }
        std::fflush(stdout);
        return true;
      });
  return s.ok() ? kExitOk : Failure(s, ctx);
}

}  // namespace qrcloud::ctl
