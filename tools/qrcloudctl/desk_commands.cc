// The shop's desk at its landing node (LandingDeskService, docs/landing.md):
// the table orders as they arrive, each step from placed to settled, the
// tables, what is sold out, shifts, the sync with the center, and cloud
// receipts redeemed at the node. These calls go to the node (--node), not to
// the center, with the node's desk token (--desk-token-file): the file the
// node made in its --data_dir, readable by whoever runs the desk.
#include <cstdio>
#include <fstream>
#include <string>

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "libs/core/money.h"
#include "qrcloud/v1/landing.pb.h"
#include "tools/qrcloudctl/cli.h"
#include "tools/qrcloudctl/flags.h"

namespace qrcloud::ctl {
namespace {

constexpr char kDefaultNode[] = "localhost:50060";
constexpr char kDefaultDeskTokenFile[] = "/var/lib/qrcloud-landing/desk-token";

// The node's desk API: its address and the desk token.
struct Desk {
  std::string address;
  std::string token;
  std::shared_ptr<grpc::Channel> channel;
  RpcClient Client() const { return RpcClient(channel, token); }
};

// --node and --desk-token-file; INVALID_ARGUMENT (a local file, nothing
// sent) when the token cannot be read.
absl::StatusOr<Desk> OpenDesk() {
  Desk desk;
  desk.address = absl::GetFlag(FLAGS_node);
  if (desk.address.empty()) desk.address = kDefaultNode;
  std::string path = absl::GetFlag(FLAGS_desk_token_file);
  if (path.empty()) path = kDefaultDeskTokenFile;
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read the desk token from ", path,
                     ": it is desk-token in the node's --data_dir (--desk-token-file names it)"));
  }
  desk.token = std::string(absl::StripAsciiWhitespace(line));
  if (desk.token.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, " is empty: it should hold the desk token"));
  }
  desk.channel = grpc::CreateChannel(desk.address, grpc::InsecureChannelCredentials());
  return desk;
}

// Prints the status, with where the node was looked for when it did not
// answer; the exit code.
int DeskFailure(const absl::Status& status, const Context& ctx, const Desk& desk) {
  std::fputs(RenderError(status, ctx.colour_err).c_str(), stderr);
  if (status.code() == absl::StatusCode::kUnavailable ||
      status.code() == absl::StatusCode::kDeadlineExceeded) {
    std::fprintf(stderr, "  (no answer from the node at %s; --node picks another)\n",
                 desk.address.c_str());
  }
  return ExitCodeOf(status.code());
}

// Calls LandingDeskService.`method` and prints the answer; the exit code.
int DeskCall(Context& ctx, const Desk& desk, absl::string_view method,
             const google::protobuf::Message& request, google::protobuf::Message& response) {
  const auto& m = ContractMethod(absl::StrCat("qrcloud.v1.LandingDeskService.", method));
  if (absl::Status s = desk.Client().Unary(m, request, &response, absl::Seconds(10)); !s.ok()) {
    return DeskFailure(s, ctx, desk);
  }
  Print(response, ctx);
  return kExitOk;
}

std::string MoneyText(const v1::Money& money) {
  auto m = core::Money::Of(money.currency(), money.minor());
  return m.ok() ? m->ToString() : "";
}

// One line per desk event: when the order was placed, what changed, the order, its table, its
// status, its lines and total.
std::string EventLine(const v1::DeskOrderEvent& e) {
  const v1::Order& o = e.order();
  std::vector<std::string> lines;
  for (const v1::OrderItem& item : o.items()) {
    lines.push_back(absl::StrCat(item.quantity(), " x ",
                                 item.name().empty() ? item.menu_item_id() : item.name()));
  }
  const absl::Time when = absl::FromUnixSeconds(o.create_time().seconds());
  return absl::StrCat(absl::FormatTime("%Y-%m-%d %H:%M:%S", when, absl::LocalTimeZone()), "  ",
                      e.change(), "  ", o.id(), "  table ", o.table(), "  ",
                      v1::Order::LandingStatus_Name(o.landing_status()), "  ",
                      absl::StrJoin(lines, ", "), "  ", MoneyText(o.total()));
}

}  // namespace

int DeskOrdersCommand(Context& ctx, const Args& args, const Command& command) {
  if (!args.empty()) return UsageFailure("orders takes flags only", command);
  int status = 0;
  if (absl::Status s = ParseEnumFlag("state", v1::Order::LandingStatus_descriptor(), &status);
      !s.ok()) {
    return UsageFailure(s.message(), command);
  }
  const int limit = absl::GetFlag(FLAGS_limit);
  if (limit < 0 || limit > 500) {
    return UsageFailure(absl::StrCat("--limit must be 1 to 500 (0: 50); got ", limit), command);
  }
  const bool watch = absl::GetFlag(FLAGS_watch);
  if (watch && (status != 0 || limit != 0 || !absl::GetFlag(FLAGS_table).empty())) {
    return UsageFailure("--watch shows every table's open orders, then all news: no filters",
                        command);
  }
  auto desk = OpenDesk();
  if (!desk.ok()) return UsageFailure(desk.status().message(), command);
  if (!watch) {
    v1::ListDeskOrdersRequest request;
    request.set_status(static_cast<v1::Order::LandingStatus>(status));
    request.set_table(absl::GetFlag(FLAGS_table));
    request.set_limit(limit);
    v1::ListDeskOrdersResponse response;
    return DeskCall(ctx, *desk, "ListOrders", request, response);
  }
  // The open orders first, then every change, one line (or JSON object) each.
  v1::WatchDeskOrdersRequest request;
  request.set_include_open(true);
  v1::DeskOrderEvent event;
  const auto& method = ContractMethod("qrcloud.v1.LandingDeskService.WatchOrders");
  const absl::Status s = desk->Client().ServerStream(
      method, request, &event,
      [&](const google::protobuf::Message& m) {
        const auto& e = static_cast<const v1::DeskOrderEvent&>(m);
        switch (ctx.output) {
          case OutputFormat::kText:
            std::printf("%s\n", EventLine(e).c_str());
            break;
          case OutputFormat::kJson:
            std::fputs(RenderCompactJson(e).c_str(), stdout);
            break;
          case OutputFormat::kYaml:
            std::printf("---\n%s", Render(e, OutputFormat::kYaml).c_str());
            break;
        }
        std::fflush(stdout);
        return true;
      },
      absl::InfiniteDuration(),
      [&] {
        std::fprintf(stderr, "Watching the orders at %s (Ctrl-C stops)\n", desk->address.c_str());
      });
  if (!s.ok()) return DeskFailure(s, ctx, *desk);
  return kExitOk;
}

// accept|reject|paid|settle <order> (reject: [<reason>...]).
int DeskStepCommand(Context& ctx, const Args& args, const Command& command) {
  const absl::string_view name = command.name;
  const bool reject = absl::EndsWith(name, "reject");
  if (args.empty() || (!reject && args.size() != 1)) {
    return UsageFailure(
        reject ? "give the order's id, and why if you like (quoted)" : "give the order's id",
        command);
  }
  v1::DeskOrderRequest request;
  request.set_order_id(args[0]);
  if (reject && args.size() > 1) {
    request.set_reason(absl::StrJoin(args.begin() + 1, args.end(), " "));
  }
  const char* method = reject                           ? "RejectOrder"
                       : absl::EndsWith(name, "accept") ? "AcceptOrder"
                       : absl::EndsWith(name, "paid")   ? "MarkPaid"
                                                        : "SettleOrder";
  auto desk = OpenDesk();
  if (!desk.ok()) return UsageFailure(desk.status().message(), command);
  v1::Order order;
  return DeskCall(ctx, *desk, method, request, order);
}

int DeskTablesCommand(Context& ctx, const Args& args, const Command& command) {
  if (!args.empty()) return UsageFailure("tables takes no arguments", command);
  auto desk = OpenDesk();
  if (!desk.ok()) return UsageFailure(desk.status().message(), command);
  v1::ListDeskTablesResponse response;
  return DeskCall(ctx, *desk, "ListTables", v1::ListDeskTablesRequest(), response);
}

int DeskSoldOutCommand(Context& ctx, const Args& args, const Command& command) {
  if (args.size() != 1) return UsageFailure("give the menu item's id", command);
  auto desk = OpenDesk();
  if (!desk.ok()) return UsageFailure(desk.status().message(), command);
  v1::SetSoldOutRequest request;
  request.set_menu_item_id(args[0]);
  request.set_sold_out(!absl::GetFlag(FLAGS_off));
  v1::Menu menu;
  return DeskCall(ctx, *desk, "SetSoldOut", request, menu);
}

// shift open | close [--force] | show
int DeskShiftCommand(Context& ctx, const Args& args, const Command& command) {
  if (args.size() != 1 || (args[0] != "open" && args[0] != "close" && args[0] != "show")) {
    return UsageFailure("say open, close or show", command);
  }
  if (absl::GetFlag(FLAGS_force) && args[0] != "close") {
    return UsageFailure("--force is for close only", command);
  }
  auto desk = OpenDesk();
  if (!desk.ok()) return UsageFailure(desk.status().message(), command);
  v1::Shift shift;
  if (args[0] == "open") return DeskCall(ctx, *desk, "OpenShift", v1::OpenShiftRequest(), shift);
  if (args[0] == "show") return DeskCall(ctx, *desk, "GetShift", v1::GetShiftRequest(), shift);
  v1::CloseShiftRequest request;
  request.set_force(absl::GetFlag(FLAGS_force));
  return DeskCall(ctx, *desk, "CloseShift", request, shift);
}

// sync [now]
int DeskSyncCommand(Context& ctx, const Args& args, const Command& command) {
  if (args.size() > 1 || (args.size() == 1 && args[0] != "now")) {
    return UsageFailure("say nothing for the status, or now to sync at once", command);
  }
  auto desk = OpenDesk();
  if (!desk.ok()) return UsageFailure(desk.status().message(), command);
  v1::SyncStatus status;
  if (!args.empty()) return DeskCall(ctx, *desk, "SyncNow", v1::SyncNowRequest(), status);
  return DeskCall(ctx, *desk, "GetSyncStatus", v1::GetSyncStatusRequest(), status);
}

// menu | menu set <item> <price> [<name>...] | menu remove <item>: an edit
// reads the menu, changes the one item and sends the whole menu back with the
// version read, so an edit made meanwhile elsewhere is not overwritten.
int DeskMenuCommand(Context& ctx, const Args& args, const Command& command) {
  const bool show = args.empty();
  const bool set = !show && args[0] == "set" && args.size() >= 3;
  const bool remove = !show && args[0] == "remove" && args.size() == 2;
  if (!show && !set && !remove) {
    return UsageFailure(
        "say nothing to see the menu, set <item> <price> [<name>], or remove <item>", command);
  }
  auto desk = OpenDesk();
  if (!desk.ok()) return UsageFailure(desk.status().message(), command);
  v1::Menu menu;
  const auto& get = ContractMethod("qrcloud.v1.LandingNodeService.GetMenu");
  if (absl::Status s = desk->Client().Unary(get, v1::GetMenuRequest(), &menu, absl::Seconds(10));
      !s.ok()) {
    return DeskFailure(s, ctx, *desk);
  }
  if (show) {
    Print(menu, ctx);
    return kExitOk;
  }
  v1::UpdateDeskMenuRequest request;
  request.set_expected_version(menu.config_version());
  const std::string& id = args[1];
  bool found = false;
  std::string currency = "CNY";
  for (const v1::MenuItem& item : menu.items()) {
    if (!item.price().currency().empty()) currency = item.price().currency();
    if (item.id() != id) {
      *request.add_items() = item;
      continue;
    }
    found = true;
    if (remove) continue;
    *request.add_items() = item;
  }
  if (!found && remove) return UsageFailure(absl::StrCat("the menu has no item ", id), command);
  if (set) {
    auto price = core::Money::Parse(currency, args[2]);
    if (!price.ok()) {
      return UsageFailure(absl::StrCat("the price: ", price.status().message()), command);
    }
    const std::string name = absl::StrJoin(args.begin() + 3, args.end(), " ");
    if (!found && name.empty()) {
      return UsageFailure(absl::StrCat(id, " is a new item: give its name after the price"),
                          command);
    }
    v1::MenuItem* item = nullptr;
    for (v1::MenuItem& i : *request.mutable_items()) {
      if (i.id() == id) item = &i;
    }
    if (item == nullptr) {
      item = request.add_items();
      item->set_id(id);
    }
    if (!name.empty()) item->set_name(name);
    item->mutable_price()->set_currency(currency);
    item->mutable_price()->set_minor(price->minor());
  }
  return DeskCall(ctx, *desk, "UpdateMenu", request, menu);
}

int DeskParkedCommand(Context& ctx, const Args& args, const Command& command) {
  if (!args.empty()) return UsageFailure("parked takes no arguments", command);
  auto desk = OpenDesk();
  if (!desk.ok()) return UsageFailure(desk.status().message(), command);
  v1::ListParkedRecordsResponse response;
  return DeskCall(ctx, *desk, "ListParkedRecords", v1::ListParkedRecordsRequest(), response);
}

int DeskRedeemCommand(Context& ctx, const Args& args, const Command& command) {
  if (args.size() != 1) return UsageFailure("give the receipt's token (its QR code)", command);
  auto desk = OpenDesk();
  if (!desk.ok()) return UsageFailure(desk.status().message(), command);
  v1::RedeemCloudReceiptRequest request;
  request.set_token(args[0]);
  v1::RedeemCloudReceiptResponse response;
  return DeskCall(ctx, *desk, "RedeemCloudReceipt", request, response);
}

}  // namespace qrcloud::ctl
