// Test support: the independent tools the QR tests check our output with —
// zbarimg (ZBar, a decoder sharing no code with ZXing), rsvg-convert
// (librsvg) for SVG, and poppler's pdftoppm, pdftotext and pdfinfo for PDF —
// plus a scratch directory. Commands run through /bin/sh; every path they
// see is inside a TempDir, so nothing needs quoting.
#ifndef QRCLOUD_LIBS_QR_TESTING_EXTERNAL_TOOLS_H_
#define QRCLOUD_LIBS_QR_TESTING_EXTERNAL_TOOLS_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace qrcloud::qr::testing {

// A fresh directory under $TMPDIR (or /tmp), removed with its contents.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // `name` inside the directory.
  std::string File(absl::string_view name) const;

 private:
  std::string path_;
};

void WriteFile(const std::string& path, absl::string_view bytes);
std::string ReadFile(const std::string& path);

// Runs `command` with /bin/sh; its stdout, stderr discarded. Sets
// *exit_code when given.
std::string Run(const std::string& command, int* exit_code = nullptr);

// What zbarimg reads from `pngs`, in order: the raw bytes of every symbol
// (-Sbinary: no character-set guessing), concatenated. One zbarimg process
// per 200 files.
std::string ZbarBytes(const std::vector<std::string>& pngs);

// What zbarimg prints for one image in its default text mode (it guesses
// the character set of 8-bit data), one line per symbol.
std::vector<std::string> ZbarText(const std::string& png);

// Rasterises each SVG to a PNG beside it (x.svg → x.png) with rsvg-convert,
// two at a time.
void SvgsToPngs(const std::vector<std::string>& svgs);

// Rasterises one-page PDFs with pdftoppm at `dpi`: joined into one
// document by pdfunite (saving a process start per file), then rendered by
// two pdftoppm processes, each taking half the pages. Returns the PNGs'
// paths, in the order of `pdfs`.
std::vector<std::string> PdfsToPngs(const std::vector<std::string>& pdfs, int dpi);

// Page `page` (1-based) of `pdf` as PNG at `dpi`; returns the PNG's path.
std::string PdfPageToPng(const std::string& pdf, int page, int dpi);

// The text pdftotext extracts, and the page count pdfinfo reports.
std::string PdfText(const std::string& pdf);
int PdfPages(const std::string& pdf);

// The path with its extension replaced: ("a/b.svg", ".png") → "a/b.png".
std::string WithExtension(const std::string& path, absl::string_view extension);

}  // namespace qrcloud::qr::testing

#endif  // QRCLOUD_LIBS_QR_TESTING_EXTERNAL_TOOLS_H_
