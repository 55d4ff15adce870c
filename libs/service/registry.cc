#include "libs/service/registry.h"

#include <cstdlib>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "libs/core/log.h"

ABSL_FLAG(std::string, backends, "",
          "The processes this one reaches, as name=host:port pairs, comma-separated (e.g. "
          "center=10.0.0.5:50051); only those are reached. Empty: every process in "
          "services/services.txt, at --backend_address_template");
ABSL_FLAG(
    std::string, backend_address_template, "localhost:{port}",
    "Where each listed process is reached when --backends is empty: {name} and {port} are "
    "replaced by the process's name and gRPC port (e.g. qrcloud-{name}:{port} in Kubernetes)");

namespace qrcloud::service {

std::string_view ServiceListText();  // generated from services/services.txt

namespace {

bool ValidName(absl::string_view name) {
  if (name.empty() || name.size() > 32 || !absl::ascii_islower(name[0])) return false;
  for (char c : name) {
    if (!absl::ascii_islower(c) && !absl::ascii_isdigit(c) && c != '-') return false;
  }
  return true;
}

absl::StatusOr<ProcessInfo> ParseLine(absl::string_view line, int number) {
  std::vector<absl::string_view> cols = absl::StrSplit(line, ' ', absl::SkipWhitespace());
  // Tabs separate columns too.
  std::vector<std::string> fields;
  for (absl::string_view c : cols) {
    for (absl::string_view f : absl::StrSplit(c, '\t', absl::SkipEmpty())) fields.emplace_back(f);
  }
  auto bad = [&](absl::string_view what) {
    return absl::InvalidArgumentError(absl::StrCat("services.txt line ", number, ": ", what));
  };
  if (fields.size() != 5) {
    return bad("expected 5 columns: name grpc_port metrics_port database center_roles");
  }
  ProcessInfo p;
  p.name = fields[0];
  if (!ValidName(p.name)) return bad("the name must be 1-32 of a-z 0-9 -, starting with a letter");
  if (!absl::SimpleAtoi(fields[1], &p.grpc_port) || p.grpc_port < 1 || p.grpc_port > 65535) {
    return bad("grpc_port must be a port number");
  }
  if (!absl::SimpleAtoi(fields[2], &p.metrics_port) || p.metrics_port < 1 ||
      p.metrics_port > 65535) {
    return bad("metrics_port must be a port number");
  }
  p.database = fields[3];
  if (p.database.empty() || p.database.size() > 64) return bad("database must be a name");
  if (p.database == kOnPremise) {
    p.on_premise = true;
    p.database.clear();
  }
  if (fields[4] != "-") {
    p.center_roles = absl::StrSplit(fields[4], ',', absl::SkipEmpty());
  }
  return p;
}

absl::Status CheckUnique(const std::vector<ProcessInfo>& list) {
  for (const ProcessInfo& p : list) {
    if (p.grpc_port == p.metrics_port) {
      return absl::InvalidArgumentError(
          absl::StrCat("services.txt: ", p.name, " has one port for gRPC and metrics"));
    }
  }
  for (size_t i = 0; i < list.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      const ProcessInfo& a = list[j];
      const ProcessInfo& b = list[i];
      if (a.name == b.name || (!a.on_premise && a.database == b.database) ||
          a.grpc_port == b.grpc_port || a.metrics_port == b.metrics_port ||
          a.grpc_port == b.metrics_port || a.metrics_port == b.grpc_port) {
        return absl::InvalidArgumentError(
            absl::StrCat("services.txt: ", a.name, " and ", b.name,
                         " share a name, a database or a port; each must be their own"));
      }
    }
  }
  return absl::OkStatus();
}

std::string KnownNames() {
  std::vector<std::string> names;
  for (const ProcessInfo& p : Processes()) names.push_back(p.name);
  return absl::StrJoin(names, ", ");
}

}  // namespace

absl::StatusOr<std::vector<ProcessInfo>> ParseServiceList(absl::string_view text) {
  std::vector<ProcessInfo> out;
  int number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++number;
    line = line.substr(0, line.find('#'));
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    auto process = ParseLine(line, number);
    if (!process.ok()) return process.status();
    out.push_back(*std::move(process));
  }
  if (absl::Status s = CheckUnique(out); !s.ok()) return s;
  return out;
}

const std::vector<ProcessInfo>& Processes() {
  static const std::vector<ProcessInfo>* list = [] {
    const std::string_view text = ServiceListText();
    auto parsed = ParseServiceList(absl::string_view(text.data(), text.size()));
    if (!parsed.ok()) {
      spdlog::critical("{}", parsed.status().message());
      std::abort();
    }
    return new std::vector<ProcessInfo>(*std::move(parsed));
  }();
  return *list;
}

absl::StatusOr<ProcessInfo> FindProcess(absl::string_view name) {
  for (const ProcessInfo& p : Processes()) {
    if (p.name == name) return p;
  }
  return absl::NotFoundError(
      absl::StrCat("no process \"", name, "\" in services/services.txt; listed: ", KnownNames()));
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ParseBackends(
    absl::string_view list) {
  std::vector<std::pair<std::string, std::string>> out;
  for (absl::string_view entry : absl::StrSplit(list, ',', absl::SkipWhitespace())) {
    std::pair<std::string, std::string> kv = absl::StrSplit(entry, absl::MaxSplits('=', 1));
    kv.first = std::string(absl::StripAsciiWhitespace(kv.first));
    kv.second = std::string(absl::StripAsciiWhitespace(kv.second));
    if (!FindProcess(kv.first).ok() || kv.second.empty() ||
        kv.second.find(':') == std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("backends: \"", entry, "\" is not name=host:port with a listed name (",
                       KnownNames(), ")"));
    }
    for (const auto& [name, unused] : out) {
      if (name == kv.first) {
        return absl::InvalidArgumentError(
            absl::StrCat("backends: ", name, " is named twice; give each process once"));
      }
    }
    out.push_back(std::move(kv));
  }
  return out;
}

std::string ExpandAddressTemplate(absl::string_view address_template, const ProcessInfo& process) {
  return absl::StrReplaceAll(
      address_template, {{"{name}", process.name}, {"{port}", absl::StrCat(process.grpc_port)}});
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> BackendAddresses() {
  const std::string explicit_list = absl::GetFlag(FLAGS_backends);
  if (!explicit_list.empty()) return ParseBackends(explicit_list);
  std::vector<std::pair<std::string, std::string>> out;
  const std::string tmpl = absl::GetFlag(FLAGS_backend_address_template);
  for (const ProcessInfo& p : Processes()) {
    if (!p.on_premise) out.emplace_back(p.name, ExpandAddressTemplate(tmpl, p));
  }
  return out;
}

absl::StatusOr<std::string> BackendAddress(absl::string_view process) {
  auto all = BackendAddresses();
  if (!all.ok()) return all.status();
  for (const auto& [name, address] : *all) {
    if (name == process) return address;
  }
  return absl::NotFoundError(
      absl::StrCat("the address of ", process, " is not known: --backends does not name it"));
}

absl::Status ValidateBackendFlags() {
  // Settings that were read before services/services.txt existed: refused,
  // so a deployment that still sets them does not quietly dial elsewhere.
  for (const char* old :
       {"QRCLOUD_CENTER_ADDRESS", "QRCLOUD_CENTER_SERVICES", "QRCLOUD_EXTRA_BACKENDS"}) {
    if (std::getenv(old) != nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          old,
          " is no longer read: the processes are found through services/services.txt, at "
          "QRCLOUD_BACKEND_ADDRESS_TEMPLATE (e.g. qrcloud-{name}:{port}) or "
          "QRCLOUD_BACKENDS (name=host:port,...)"));
    }
  }
  if (absl::GetFlag(FLAGS_backend_address_template).find(':') == std::string::npos) {
    return absl::InvalidArgumentError(
        "backend_address_template: must be host:port, with {name} and {port} where they go "
        "(e.g. localhost:{port})");
  }
  return BackendAddresses().status();
}

}  // namespace qrcloud::service
