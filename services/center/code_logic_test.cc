// Codes on memory stores: targets, batches, pauses the scan path sees at
// once, and who may see a code or use a logo.
#include "services/center/code_logic.h"

#include <catch2/catch.hpp>

#include "absl/strings/ascii.h"
#include "libs/core/ids.h"
#include "libs/core/status.h"
#include "libs/qr/decoder.h"
#include "services/center/testing/center_world.h"

namespace qrcloud::center {
namespace {

using testing::Caller;
using testing::CenterWorld;

absl::StatusOr<v1::Code> Create(CenterWorld& w, const Caller& who, v1::CreateCodeRequest req) {
  v1::Code out;
  absl::Status s = w.code.Create(who.call(), req, out);
  if (!s.ok()) return s;
  return out;
}

v1::CreateCodeRequest ToUrl(const std::string& url) {
  v1::CreateCodeRequest req;
  req.set_target_url(url);
  return req;
}

TEST_CASE("A URL code gets a short link whose resolution the scan path can read") {
  CenterWorld w;
  Caller m = w.Qualified();
  auto code = Create(w, m, ToUrl("https://shop.example/menu"));
  REQUIRE(code.ok());
  CHECK(code->short_url() == "https://qr.test/s/" + code->slug());
  CHECK(code->state() == v1::Code::ACTIVE);
  const v1::ResolveSlugResponse& r = w.slugs.resolutions.at(code->slug());
  CHECK(r.location() == "https://shop.example/menu");

  v1::ResolveSlugRequest resolve;
  resolve.set_slug(absl::AsciiStrToUpper(code->slug()));  // slugs are case-insensitive
  v1::ResolveSlugResponse resolved;
  REQUIRE(w.code.Resolve(CenterWorld::Anonymous().call(), resolve, resolved).ok());
  CHECK(resolved.code_id() == code->id());
}

TEST_CASE("A code leaves the platform only for a qualified merchant, and only for a public site") {
  CenterWorld w;
  auto unchecked = Create(w, w.Merchant(), ToUrl("https://shop.example/menu"));
  CHECK(unchecked.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(unchecked.status().message().find("qualification is approved") != std::string::npos);
  Caller m = w.Qualified();
  for (const char* inside : {"http://169.254.169.254/latest/", "http://127.0.0.1:6390/",
                             "http://localhost/", "https://nas.local/"}) {
    INFO(inside);
    CHECK(core::FieldViolations(Create(w, m, ToUrl(inside)).status()).at(0).field == "targetUrl");
  }
  // Text and Wi-Fi codes stay on the phone: no qualification needed.
  v1::CreateCodeRequest text;
  text.set_payload("Table 7");
  CHECK(Create(w, w.Merchant(), text).ok());
}

TEST_CASE("Targets are exactly one, and each is checked") {
  CenterWorld w;
  Caller m = w.Qualified();
  auto field = [&](v1::CreateCodeRequest req) {
    auto v = core::FieldViolations(Create(w, m, std::move(req)).status());
    return v.empty() ? std::string() : v[0].field;
  };
  CHECK(field(v1::CreateCodeRequest()) == "targetUrl");
  CHECK(field(ToUrl("javascript:alert(1)")) == "targetUrl");
  v1::CreateCodeRequest both = ToUrl("https://a.example");
  both.set_payload("text");
  CHECK(field(both) == "targetUrl");
  v1::CreateCodeRequest wifi;
  wifi.mutable_wifi()->set_ssid("Shop");
  wifi.mutable_wifi()->set_password("short");
  CHECK(field(wifi) == "wifi.password");
  // A person makes no codes.
  CHECK(Create(w, w.Person(), ToUrl("https://a.example")).status().code() ==
        absl::StatusCode::kPermissionDenied);
}

TEST_CASE("A Wi-Fi code holds the escaped network payload, not a link") {
  CenterWorld w;
  Caller m = w.Qualified();
  v1::CreateCodeRequest req;
  req.mutable_wifi()->set_ssid("Lao;Wang");
  req.mutable_wifi()->set_password("pass:word");
  auto code = Create(w, m, req);
  REQUIRE(code.ok());
  CHECK(code->payload() == "WIFI:T:WPA;S:Lao\\;Wang;P:pass\\:word;;");
}

TEST_CASE("A batch is numbered, and a pause reaches the scan path before the answer") {
  CenterWorld w;
  Caller m = w.Qualified();
  v1::BatchCreateCodesRequest batch;
  batch.set_count(3);
  batch.set_first_number(7);
  batch.set_caption("Table");
  *batch.mutable_template_() = ToUrl("https://shop.example/order");
  v1::BatchCreateCodesResponse made;
  REQUIRE(w.code.BatchCreate(m.call(), batch, made).ok());
  REQUIRE(made.codes_size() == 3);
  CHECK(made.codes(0).number() == 7);
  CHECK(made.codes(2).label() == "Table 9");
  CHECK(w.slugs.resolutions.size() == 3);

  v1::UpdateCodeRequest pause;
  pause.set_id(made.codes(1).id());
  pause.set_state(v1::Code::PAUSED);
  v1::Code paused;
  REQUIRE(w.code.Update(m.call(), pause, paused).ok());
  CHECK(w.slugs.resolutions.at(paused.slug()).state() == v1::Code::PAUSED);
  CHECK(w.slugs.changed.back() == paused.slug());
  batch.set_count(10001);
  CHECK(core::FieldViolations([&] {
          v1::BatchCreateCodesResponse r;
          return w.code.BatchCreate(m.call(), batch, r);
        }())[0]
            .field == "count");
}

TEST_CASE("Another merchant neither sees nor changes a code, nor uses another's logo") {
  CenterWorld w;
  Caller m = w.Qualified();
  Caller rival = w.Qualified();
  auto code = Create(w, m, ToUrl("https://shop.example"));
  REQUIRE(code.ok());
  v1::GetCodeRequest get;
  get.set_id(code->id());
  v1::Code seen;
  CHECK(w.code.Get(rival.call(), get, seen).code() == absl::StatusCode::kNotFound);
  CHECK(w.code.Get(w.Staff(m).call(), get, seen).ok());
  v1::UpdateCodeRequest pause;
  pause.set_id(code->id());
  pause.set_state(v1::Code::PAUSED);
  CHECK(w.code.Update(rival.call(), pause, seen).code() == absl::StatusCode::kNotFound);

  // The rival's own upload, used as a logo on the merchant's code, reads as none.
  v1::Media logo;
  logo.set_id(core::NewId());
  logo.set_merchant_id(rival.merchant_id());
  logo.set_content_type("image/png");
  REQUIRE(w.media.Put(logo, "\x89PNG\r\n\x1a\n").ok());
  v1::GetCodeImageRequest image;
  image.set_id(code->id());
  image.set_logo(logo.id());
  google::api::HttpBody body;
  absl::Status refused = w.code.Image(m.call(), image, body);
  CHECK(core::FieldViolations(refused)[0].field == "logo");
}

TEST_CASE(
    "An auditor draws any code with a partner's platform code in its link, and changes none") {
  CenterWorld w;
  Caller m = w.Qualified();
  auto code = Create(w, m, ToUrl("https://shop.example"));
  REQUIRE(code.ok());
  Caller auditor = w.Auditor();
  v1::GetCodeImageRequest image;
  image.set_id(code->id());
  image.set_format("png");
  image.set_platform_code("weibo_2");
  google::api::HttpBody body;
  REQUIRE(w.code.Image(auditor.call(), image, body).ok());
  auto decoded = qr::Decode(body.data());
  REQUIRE(decoded.ok());
  REQUIRE(decoded->size() == 1);
  CHECK((*decoded)[0].text == code->short_url() + "?p=weibo_2");

  image.set_platform_code("no spaces");
  CHECK(core::FieldViolations(w.code.Image(auditor.call(), image, body))[0].field ==
        "platformCode");
  v1::UpdateCodeRequest pause;
  pause.set_id(code->id());
  pause.set_state(v1::Code::PAUSED);
  v1::Code seen;
  CHECK(w.code.Update(auditor.call(), pause, seen).code() == absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace qrcloud::center
