#include "libs/qr/pdf_renderer.h"

#include <catch2/catch.hpp>

#include "libs/core/status.h"
#include "libs/qr/encoder.h"
#include "libs/qr/testing/external_tools.h"
#include "libs/qr/testing/test_images.h"

namespace qrcloud::qr {
namespace {

TEST_CASE("A PDF code is a single page of the requested size that reads back") {
  Matrix matrix = Encode("https://qrcloud.example.com/s/abc123").value();
  PdfOptions options;
  options.size_pt = 180;
  std::string pdf = RenderPdf(matrix, options).value();
  CHECK(pdf.rfind("%PDF-", 0) == 0);
  testing::TempDir dir;
  testing::WriteFile(dir.File("code.pdf"), pdf);
  CHECK(testing::PdfPages(dir.File("code.pdf")) == 1);
  CHECK(testing::Run("pdfinfo " + dir.File("code.pdf")).find("180 x 180 pts") != std::string::npos);
  std::string png = testing::PdfPageToPng(dir.File("code.pdf"), 1, 150);
  CHECK(testing::ZbarBytes({png}) == "https://qrcloud.example.com/s/abc123");
}

TEST_CASE("A PDF code with a logo reads back") {
  EncodeOptions high;
  high.level = EcLevel::kHigh;
  Matrix matrix = Encode("https://qrcloud.example.com/s/pdf-logo", high).value();
  PdfOptions options;
  options.style.logo = Logo{testing::LogoPng(80, 80), kMaxLogoArea};
  testing::TempDir dir;
  testing::WriteFile(dir.File("logo.pdf"), RenderPdf(matrix, options).value());
  std::string png = testing::PdfPageToPng(dir.File("logo.pdf"), 1, 200);
  CHECK(testing::ZbarBytes({png}) == "https://qrcloud.example.com/s/pdf-logo");
}

TEST_CASE("PDF sizes outside 36..4000 pt are refused") {
  Matrix matrix = Encode("hello").value();
  PdfOptions options;
  options.size_pt = 20;
  auto status = RenderPdf(matrix, options).status();
  CHECK(core::FieldViolations(status).at(0).field == "size");
  CHECK(status.message().find("72 pt = 1 inch") != std::string::npos);
}

}  // namespace
}  // namespace qrcloud::qr
