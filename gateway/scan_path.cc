#include "gateway/scan_path.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "libs/auth/authenticator.h"
#include "libs/core/encoding.h"
#include "libs/core/ids.h"
#include "libs/core/log.h"
#include "libs/core/proto_time.h"
#include "libs/core/slug.h"
#include "libs/core/status.h"

namespace qrcloud::gateway {
namespace {

constexpr char kSlugKeyPrefix[] = "qrcloud:slug:";
constexpr char kSlugChangedChannel[] = "qrcloud:slug-changed";
// How long an unknown slug is remembered as unknown, so junk links do not
// reach the center on every request.
constexpr absl::Duration kNegativeTtl = absl::Seconds(5);

std::string QueryParam(absl::string_view query, absl::string_view name) {
  for (absl::string_view pair : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    const size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name)
      return std::string(eq == absl::string_view::npos ? "" : pair.substr(eq + 1));
  }
  return "";
}

std::string RefererHost(absl::string_view referer) {
  const size_t scheme = referer.find("://");
  if (scheme == absl::string_view::npos) return "";
  absl::string_view rest = referer.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  return absl::AsciiStrToLower(rest.substr(0, 253));
}

}  // namespace

http::Response ScanPage(int status, absl::string_view title_zh, absl::string_view title_en,
                        absl::string_view body_html) {
  http::Response r;
  r.status = status;
  r.headers = {{"content-type", "text/html; charset=utf-8"}, {"cache-control", "no-store"}};
  r.body = absl::StrCat(
      "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
      "<title>",
      core::HtmlEscape(title_zh), " · ", core::HtmlEscape(title_en),
      "</title>"
      "<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 "
      "1rem;"
      "color:#222;line-height:1.5}h1{font-size:1.4rem}p.en{color:#555}pre{white-space:pre-wrap;"
      "word-break:break-all;background:#f4f4f4;padding:.75rem;border-radius:.5rem}</style></"
      "head><body>"
      "<h1>",
      core::HtmlEscape(title_zh), "</h1><p class=\"en\" lang=\"en\">", core::HtmlEscape(title_en),
      "</p>", body_html, "</body></html>");
  return r;
}

// SlugResolver ----------------------------------------------------------------

SlugResolver::SlugResolver(cache::RedisPool* redis, cache::RedisOptions redis_options,
                           std::shared_ptr<grpc::Channel> center, absl::Duration ttl)
    : redis_(redis),
      redis_options_(std::move(redis_options)),
      center_(v1::CodeService::NewStub(center)),
      ttl_(ttl) {
  subscriber_ = std::thread([this] { Subscribe(); });
}

SlugResolver::~SlugResolver() {
  stop_.Notify();
  subscriber_.join();
}

void SlugResolver::Subscribe() {
  while (!stop_.HasBeenNotified()) {
    auto sub = cache::RedisSubscriber::Connect(redis_options_, {kSlugChangedChannel});
    if (!sub.ok()) {
      if (stop_.WaitForNotificationWithTimeout(absl::Seconds(1))) return;
      continue;
    }
    // Changes made while unsubscribed were missed: start from a clean cache.
    {
      absl::MutexLock lock(&mu_);
      cache_.clear();
    }
    while (!stop_.HasBeenNotified()) {
      auto message = (*sub)->Next(absl::Milliseconds(500));
      if (!message.ok()) break;
      if (message->has_value()) Forget(**message);
    }
  }
}

void SlugResolver::Forget(const std::string& slug) {
  absl::MutexLock lock(&mu_);
  cache_.erase(slug);
}

absl::StatusOr<std::shared_ptr<const Resolved>> SlugResolver::Resolve(const std::string& slug) {
  const absl::Time now = absl::Now();
  {
    absl::MutexLock lock(&mu_);
    auto it = cache_.find(slug);
    if (it != cache_.end() && it->second.expires > now) return it->second.resolved;
  }
  auto resolved = std::make_shared<Resolved>();
  Resolution& resolution = resolved->resolution;
  bool found = false;
  if (redis_ != nullptr) {
    auto cached = redis_->Command({"GET", absl::StrCat(kSlugKeyPrefix, slug)});
    if (cached.ok() && !cached->is_nil() && resolution.ParseFromString(cached->str())) found = true;
  }
  if (!found) {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(now + absl::Seconds(3)));
    v1::ResolveSlugRequest req;
    req.set_slug(slug);
    grpc::Status s = center_->ResolveSlug(&ctx, req, &resolution);
    if (s.error_code() == grpc::StatusCode::NOT_FOUND) {
      absl::MutexLock lock(&mu_);
      cache_[slug] = Entry{nullptr, now + kNegativeTtl};
      return std::shared_ptr<const Resolved>();
    }
    if (!s.ok()) return core::FromGrpcStatus(s);
  }
  if (!resolution.location().empty()) {
    const std::string href = core::HtmlEscape(resolution.location());
    resolved->redirect_body = absl::StrCat("<a href=\"", href, "\">", href, "</a>\n");
  }
  absl::MutexLock lock(&mu_);
  cache_[slug] = Entry{resolved, now + ttl_};
  return std::shared_ptr<const Resolved>(std::move(resolved));
}

// ScanPath --------------------------------------------------------------------

ScanPath::ScanPath(SlugResolver& resolver, ScanRecorder& recorder, cache::RedisPool* redis,
                   ScanOptions options, auth::SessionStore* sessions)
    : resolver_(resolver),
      recorder_(recorder),
      redis_(redis),
      options_(std::move(options)),
      sessions_(sessions),
      device_key_(core::Sha256(options_.address_salt)) {}

std::string ScanPath::DeviceOf(absl::string_view client_address,
                               absl::string_view user_agent) const {
  return core::KeyedHashHex(device_key_, absl::StrCat(client_address, "|", user_agent), 16);
}

void ScanPath::Handle(const http::Request& req, const std::string& slug_text,
                      const std::string& client_address, http::Responder respond) {
  const auto slug = core::NormalizeSlug(slug_text);
  const auto not_found = [] {
    return ScanPage(404, "没有找到这个二维码", "This code is not known",
                    "<p>请检查二维码是否完整。</p><p class=\"en\">Check that the code is complete "
                    "and not damaged.</p>");
  };
  if (!slug) return respond(not_found());
  auto resolved = resolver_.Resolve(*slug);
  if (!resolved.ok()) {
    return respond(
        ScanPage(503, "暂时无法打开", "Temporarily unavailable",
                 "<p>请稍后再扫一次。</p><p class=\"en\">Please scan again in a moment.</p>"));
  }
  if (*resolved == nullptr) return respond(not_found());
  const Resolution& r = (*resolved)->resolution;
  const absl::Time now = absl::Now();
  if (r.state() == v1::Code::PAUSED) {
    return respond(ScanPage(
        410, "这个二维码已暂停", "This code is paused",
        "<p>商家暂停了这个二维码。</p><p class=\"en\">The merchant has paused this code.</p>"));
  }
  if (r.state() == v1::Code::EXPIRED ||
      (r.has_end_time() && core::FromProto(r.end_time()) <= now)) {
    return respond(
        ScanPage(410, "这个二维码已过期", "This code has expired",
                 "<p>活动已经结束。</p><p class=\"en\">The offer behind it has ended.</p>"));
  }

  core::ScanEvent event;
  event.event_id = core::NewId();
  event.code_id = r.code_id();
  event.slug = *slug;
  event.time_ms = absl::ToUnixMillis(now);
  const std::string platform = QueryParam(req.query, "p");
  if (core::ValidPlatformCode(platform)) event.platform_code = platform;
  const std::string user_agent(req.Header("user-agent"));
  event.client = core::ClassifyUserAgent(user_agent);
  event.bot = event.client == core::ClientClass::kBot;
  event.head = req.method == "HEAD";
  event.device = DeviceOf(client_address, user_agent);
  event.source = core::KeyedHashHex(device_key_, client_address, 16);
  event.referer_host = RefererHost(std::string(req.Header("referer")));
  // A person's app sends its session with the scan: the scan joins their
  // history. Only then is Redis asked; a bad or foreign token changes
  // nothing for the scan itself.
  if (sessions_ != nullptr) {
    const std::string_view header = req.Header("authorization");
    const absl::string_view token =
        auth::Authenticator::BearerToken(absl::string_view(header.data(), header.size()));
    if (absl::StartsWith(token, "qrs_")) {
      auto who = sessions_->Lookup(token);
      if (who.ok() && who->kind == "PERSON") {
        event.account = who->account_id;
        event.campaign = r.campaign_id();
      }
    }
  }

  if (r.scan_limit() > 0 && !event.flagged()) {
    // Counted where every replica sees it; without Redis the limit cannot be
    // told, and the scan is refused rather than let over the limit.
    auto count = redis_ ? redis_->Command({"INCR", absl::StrCat("qrcloud:scancount:", r.code_id())})
                        : absl::StatusOr<cache::Reply>(absl::UnavailableError("no Redis"));
    if (!count.ok()) {
      return respond(
          ScanPage(503, "暂时无法打开", "Temporarily unavailable",
                   "<p>请稍后再扫一次。</p><p class=\"en\">Please scan again in a moment.</p>"));
    }
    if (count->integer() > r.scan_limit()) {
      return respond(ScanPage(410, "这个二维码的次数已用完", "This code has reached its scan limit",
                              "<p>请联系商家。</p><p class=\"en\">Please ask the merchant.</p>"));
    }
  }

  http::Response response;
  if (!r.location().empty()) {
    response.status = 302;
    response.headers = {{"location", r.location()},
                        {"cache-control", "no-store"},
                        {"content-type", "text/html; charset=utf-8"}};
    response.body = (*resolved)->redirect_body;
  } else {
    const bool wifi = absl::StartsWith(r.payload(), "WIFI:");
    response = ScanPage(
        200, wifi ? "Wi-Fi 网络" : "二维码内容", wifi ? "Wi-Fi network" : "What this code says",
        absl::StrCat(wifi
                         ? "<p>用手机相机扫描二维码即可加入网络。</p><p class=\"en\">Scan the code "
                           "with the phone camera to join the network.</p>"
                         : "",
                     "<pre>", core::HtmlEscape(r.payload()), "</pre>"));
  }
  // The event id goes back to the client, so a scan can be traced to its record.
  response.headers.emplace_back("x-scan-id", event.event_id);
  auto shared = std::make_shared<http::Responder>(std::move(respond));
  recorder_.Record(event, [shared, response = std::move(response)](absl::Status s) mutable {
    if (s.ok()) {
      (*shared)(std::move(response));
    } else {
      (*shared)(
          ScanPage(503, "暂时无法打开", "Temporarily unavailable",
                   "<p>请稍后再扫一次。</p><p class=\"en\">Please scan again in a moment.</p>"));
    }
  });
}

}  // namespace qrcloud::gateway
