#include "libs/qr/testing/external_tools.h"

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace qrcloud::qr::testing {
namespace {

constexpr size_t kFilesPerZbar = 200;

// Runs `command` once per file, two processes at a time, via xargs.
void RunEach(const std::vector<std::string>& files, const std::string& command) {
  if (files.empty()) return;
  std::filesystem::path list = std::filesystem::path(files[0]).parent_path() / "xargs.list";
  WriteFile(list.string(), absl::StrCat(absl::StrJoin(files, "\n"), "\n"));
  int exit_code = 0;
  Run(absl::StrCat("xargs -P 2 -I{} sh -c '", command, "' < ", list.string()), &exit_code);
  if (exit_code != 0) throw std::runtime_error(absl::StrCat("failed: ", command));
}

}  // namespace

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = absl::StrCat(base != nullptr ? base : "/tmp", "/qrcloud-qr-XXXXXX");
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string TempDir::File(absl::string_view name) const { return absl::StrCat(path_, "/", name); }

void WriteFile(const std::string& path, absl::string_view bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error(absl::StrCat("cannot write ", path));
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string Run(const std::string& command, int* exit_code) {
  FILE* pipe = popen(absl::StrCat(command, " 2>/dev/null").c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error(absl::StrCat("cannot run ", command));
  std::string output;
  char buffer[65536];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
  int status = pclose(pipe);
  if (exit_code != nullptr) *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return output;
}

std::string ZbarBytes(const std::vector<std::string>& pngs) {
  std::string out;
  for (size_t i = 0; i < pngs.size(); i += kFilesPerZbar) {
    std::vector<std::string> chunk(pngs.begin() + i,
                                   pngs.begin() + std::min(pngs.size(), i + kFilesPerZbar));
    out += Run(absl::StrCat("zbarimg -q --raw -Sbinary ", absl::StrJoin(chunk, " ")));
  }
  return out;
}

std::vector<std::string> ZbarText(const std::string& png) {
  std::string out = Run(absl::StrCat("zbarimg -q --raw ", png));
  return absl::StrSplit(out, '\n', absl::SkipEmpty());
}

void SvgsToPngs(const std::vector<std::string>& svgs) {
  RunEach(svgs, "rsvg-convert {} -o $(echo {} | sed s/.svg\\$/.png/)");
}

std::vector<std::string> PdfsToPngs(const std::vector<std::string>& pdfs, int dpi) {
  if (pdfs.empty()) return {};
  std::filesystem::path dir = std::filesystem::path(pdfs[0]).parent_path();
  std::string joined = (dir / "joined.pdf").string();
  std::string prefix = (dir / "joined").string();
  int exit_code = 0;
  Run(absl::StrCat("pdfunite ", absl::StrJoin(pdfs, " "), " ", joined), &exit_code);
  if (exit_code != 0) throw std::runtime_error("pdfunite failed");
  size_t half = (pdfs.size() + 1) / 2;
  std::string render = absl::StrCat("pdftoppm -png -r ", dpi, " ");
  Run(absl::StrCat(render, "-f 1 -l ", half, " ", joined, " ", prefix, " & ", render, "-f ",
                   half + 1, " -l ", pdfs.size(), " ", joined, " ", prefix, " & wait"));
  // pdftoppm numbers pages with as many digits as the page count has.
  int digits = static_cast<int>(std::to_string(pdfs.size()).size());
  std::vector<std::string> pngs;
  for (size_t page = 1; page <= pdfs.size(); ++page) {
    std::string number = std::to_string(page);
    number.insert(0, digits - number.size(), '0');
    pngs.push_back(absl::StrCat(prefix, "-", number, ".png"));
  }
  return pngs;
}

std::string PdfPageToPng(const std::string& pdf, int page, int dpi) {
  std::string base = absl::StrCat(WithExtension(pdf, ""), "-page", page);
  Run(absl::StrCat("pdftoppm -png -singlefile -r ", dpi, " -f ", page, " -l ", page, " ", pdf, " ",
                   base));
  return absl::StrCat(base, ".png");
}

std::string PdfText(const std::string& pdf) { return Run(absl::StrCat("pdftotext ", pdf, " -")); }

int PdfPages(const std::string& pdf) {
  std::string info = Run(absl::StrCat("pdfinfo ", pdf));
  for (absl::string_view line : absl::StrSplit(info, '\n')) {
    if (!absl::ConsumePrefix(&line, "Pages:")) continue;
    int pages = 0;
    if (absl::SimpleAtoi(absl::StripAsciiWhitespace(line), &pages)) return pages;
  }
  return -1;
}

std::string WithExtension(const std::string& path, absl::string_view extension) {
  return std::filesystem::path(path).replace_extension(std::string(extension)).string();
}

}  // namespace qrcloud::qr::testing
