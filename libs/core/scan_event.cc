#include "libs/core/scan_event.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace qrcloud::core {

absl::string_view ClientClassName(ClientClass c) {
  switch (c) {
    case ClientClass::kBrowser:
      return "browser";
    case ClientClass::kApp:
      return "app";
    case ClientClass::kBot:
      return "bot";
    case ClientClass::kScript:
      return "script";
    case ClientClass::kOther:
      return "other";
  }
  return "other";
}

namespace {

std::optional<ClientClass> ClassFromName(absl::string_view name) {
  for (ClientClass c : {ClientClass::kBrowser, ClientClass::kApp, ClientClass::kBot,
                        ClientClass::kScript, ClientClass::kOther}) {
    if (ClientClassName(c) == name) return c;
  }
  return std::nullopt;
}

// Calls fn(key, value) for each field of `e`, in the stream's order: the one
// list both forms of an event (fields and line) are written from.
template <typename Fn>
void EachField(const ScanEvent& e, Fn&& fn) {
  char time[absl::numbers_internal::kFastToBufferSize];
  const char* time_end = absl::numbers_internal::FastIntToBuffer(e.time_ms, time);
  fn("eid", e.event_id);
  fn("code", e.code_id);
  fn("slug", e.slug);
  fn("t", absl::string_view(time, static_cast<size_t>(time_end - time)));
  fn("p", e.platform_code);
  fn("ua", ClientClassName(e.client));
  fn("dev", e.device);
  fn("src", e.source);
  fn("ref", e.referer_host);
  fn("head", e.head ? "1" : "0");
  fn("bot", e.bot ? "1" : "0");
  if (!e.account.empty()) {
    fn("acct", e.account);
    fn("cmp", e.campaign);
  }
}

}  // namespace

std::vector<std::pair<std::string, std::string>> ScanEvent::ToFields() const {
  std::vector<std::pair<std::string, std::string>> fields;
  EachField(*this, [&](absl::string_view key, absl::string_view value) {
    fields.emplace_back(std::string(key), std::string(value));
  });
  return fields;
}

namespace {

// Sets the field `key` of `e` to `value`; records in `has_code` and
// `has_time` whether the two fields every event needs were set. Unknown
// keys are ignored (a newer gateway's fields).
void SetField(ScanEvent& e, absl::string_view key, std::string value, bool& has_code,
              bool& has_time) {
  if (key == "eid") {
    e.event_id = std::move(value);
  } else if (key == "code") {
    has_code = !value.empty();
    e.code_id = std::move(value);
  } else if (key == "slug") {
    e.slug = std::move(value);
  } else if (key == "t") {
    has_time = absl::SimpleAtoi(value, &e.time_ms);
  } else if (key == "p") {
    e.platform_code = std::move(value);
  } else if (key == "ua") {
    e.client = ClassFromName(value).value_or(ClientClass::kOther);
  } else if (key == "dev") {
    e.device = std::move(value);
  } else if (key == "src") {
    e.source = std::move(value);
  } else if (key == "ref") {
    e.referer_host = std::move(value);
  } else if (key == "head") {
    e.head = value == "1";
  } else if (key == "bot") {
    e.bot = value == "1";
  } else if (key == "acct") {
    e.account = std::move(value);
  } else if (key == "cmp") {
    e.campaign = std::move(value);
  }
}

}  // namespace

std::optional<ScanEvent> ScanEvent::FromFields(
    const std::vector<std::pair<std::string, std::string>>& fields) {
  ScanEvent e;
  bool has_code = false, has_time = false;
  for (const auto& [k, v] : fields) SetField(e, k, v, has_code, has_time);
  if (!has_code || !has_time || e.event_id.empty()) return std::nullopt;
  return e;
}

namespace {

// Appends "\tkey=value" (no tab before the first field), the value as
// absl::CHexEscape writes it. Most values (ids, hashes, hosts) need no
// escaping and are copied as they are: this runs for every scan.
void AppendField(std::string& line, absl::string_view key, absl::string_view value) {
  if (!line.empty()) line.push_back('\t');
  line.append(key.data(), key.size());
  line.push_back('=');
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f || c == '"' || c == '\'' || c == '\\') {
      line += absl::CHexEscape(value);
      return;
    }
  }
  line.append(value.data(), value.size());
}

}  // namespace

// Written without building the fields first: this runs for every scan.
std::string ScanEvent::ToLine() const {
  std::string line;
  line.reserve(160 + event_id.size() + code_id.size() + slug.size() + platform_code.size() +
               device.size() + source.size() + referer_host.size() + account.size() +
               campaign.size());
  EachField(*this,
            [&](absl::string_view key, absl::string_view value) { AppendField(line, key, value); });
  line.push_back('\n');
  return line;
}

// Read field by field into the event, with no copy of the line: the
// stream's consumers read every scan.
std::optional<ScanEvent> ScanEvent::FromLine(absl::string_view line) {
  line = absl::StripTrailingAsciiWhitespace(line);
  ScanEvent e;
  bool has_code = false, has_time = false;
  while (!line.empty()) {
    const size_t tab = line.find('\t');
    const absl::string_view part = line.substr(0, tab);
    line = tab == absl::string_view::npos ? absl::string_view() : line.substr(tab + 1);
    if (part.empty()) continue;
    const size_t eq = part.find('=');
    if (eq == absl::string_view::npos) return std::nullopt;
    const absl::string_view raw = part.substr(eq + 1);
    std::string value;
    if (raw.find('\\') == absl::string_view::npos) {
      value.assign(raw.data(), raw.size());
    } else if (!absl::CUnescape(raw, &value)) {
      return std::nullopt;
    }
    SetField(e, part.substr(0, eq), std::move(value), has_code, has_time);
  }
  if (!has_code || !has_time || e.event_id.empty()) return std::nullopt;
  return e;
}

std::string PackScanEvents(const std::vector<ScanEvent>& events) {
  std::string packed;
  for (const ScanEvent& e : events) packed += e.ToLine();
  return packed;
}

std::vector<ScanEvent> UnpackScanEvents(absl::string_view packed) {
  std::vector<ScanEvent> out;
  for (absl::string_view line : absl::StrSplit(packed, '\n', absl::SkipEmpty())) {
    if (auto e = ScanEvent::FromLine(line)) out.push_back(*std::move(e));
  }
  return out;
}

ClientClass ClassifyUserAgent(absl::string_view ua) {
  const std::string lower = absl::AsciiStrToLower(ua);
  // Crawlers and the link previewers of chat apps fetch a link without a
  // person scanning it.
  static constexpr absl::string_view kBots[] = {
      "bot",         "crawler",     "spider",         "slurp",           "facebookexternalhit",
      "whatsapp",    "linkpreview", "headlesschrome", "lighthouse",      "scrapy",
      "feedfetcher", "bingpreview", "embedly",        "skypeuripreview", "google-inspectiontool"};
  for (absl::string_view b : kBots) {
    if (absl::StrContains(lower, b)) return ClientClass::kBot;
  }
  // A phone's browser or app always says what it is; a program fetching the
  // link says which library it is, or nothing. Apps built on these libraries
  // (okhttp, Dart) name themselves first and are not caught by a prefix.
  if (absl::StripAsciiWhitespace(lower).empty()) return ClientClass::kScript;
  static constexpr absl::string_view kScripts[] = {"curl/",
                                                   "wget/",
                                                   "python-requests",
                                                   "python-urllib",
                                                   "python-httpx",
                                                   "aiohttp/",
                                                   "httpx/",
                                                   "go-http-client",
                                                   "java/",
                                                   "apache-httpclient",
                                                   "libwww-perl",
                                                   "lwp::simple",
                                                   "node-fetch",
                                                   "axios/",
                                                   "undici",
                                                   "got (",
                                                   "postmanruntime",
                                                   "insomnia/",
                                                   "httpie/",
                                                   "powershell",
                                                   "guzzlehttp",
                                                   "php/",
                                                   "ruby",
                                                   "rest-client/",
                                                   "okhttp/",
                                                   "scrapy",
                                                   "libcurl",
                                                   "winhttp",
                                                   "reqwest/",
                                                   "hyper/"};
  for (absl::string_view prefix : kScripts) {
    if (absl::StartsWith(lower, prefix)) return ClientClass::kScript;
  }
  if (absl::StrContains(lower, "micromessenger") || absl::StrContains(lower, "alipayclient") ||
      absl::StrContains(lower, "dingtalk") || absl::StrContains(lower, "weibo")) {
    return ClientClass::kApp;
  }
  if (absl::StrContains(lower, "mozilla/")) return ClientClass::kBrowser;
  return ClientClass::kOther;
}

bool ValidPlatformCode(absl::string_view code) {
  if (code.empty() || code.size() > 32) return false;
  for (char c : code) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
  }
  return true;
}

}  // namespace qrcloud::core
