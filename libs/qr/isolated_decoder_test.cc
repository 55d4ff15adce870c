#include "libs/qr/isolated_decoder.h"

#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "libs/core/status.h"
#include "libs/qr/encoder.h"
#include "libs/qr/png_renderer.h"

namespace qrcloud::qr {
namespace {

std::string Script(const std::string& name, const std::string& body) {
  const std::string path = "/tmp/" + name + "-" + std::to_string(getpid());
  std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
  chmod(path.c_str(), 0755);
  return path;
}

TEST_CASE("Uploads decode in a child process") {
  auto matrix = Encode("https://qr.example.com/s/abcdefghjk");
  REQUIRE(matrix.ok());
  auto png = RenderPng(*matrix);
  REQUIRE(png.ok());
  auto codes = DecodeIsolated(*png, QRCLOUD_QR_DECODER);
  REQUIRE(codes.ok());
  REQUIRE(codes->size() == 1);
  CHECK((*codes)[0].text == "https://qr.example.com/s/abcdefghjk");

  auto junk = DecodeIsolated("not an image", QRCLOUD_QR_DECODER);
  CHECK(junk.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(core::FieldViolations(junk.status()).at(0).field == "image");
}

TEST_CASE("A decoder that crashes or hangs costs only its request") {
  auto crashed = DecodeIsolated("x", Script("abort", "kill -ABRT $$"));
  CHECK(crashed.status().code() == absl::StatusCode::kInvalidArgument);
  auto hung = DecodeIsolated("x", Script("hang", "exec sleep 30"), absl::Milliseconds(300));
  CHECK(hung.status().code() == absl::StatusCode::kDeadlineExceeded);
}

TEST_CASE("The decoder's output format round-trips any text") {
  std::vector<DecodedCode> codes = {{"WIFI:T:WPA;S:a\\;b;P:\n\t;;", "QRCode"}, {"欢迎", "QRCode"}};
  CHECK(ParseDecoded(FormatDecoded(codes)) == codes);
}

}  // namespace
}  // namespace qrcloud::qr
