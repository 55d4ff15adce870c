// Path templates (from the contracts' http rules) and the paths matched
// against them: the input is "<template>\n<path>".
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "gateway/path_template.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t newline = input.find('\n');
  const std::string_view text = input.substr(0, newline);
  const std::string_view path = newline == std::string_view::npos ? "" : input.substr(newline + 1);
  using qrcloud::gateway::PathTemplate;
  for (std::string_view t : {text, std::string_view("/v1/merchants/{id}"),
                             std::string_view("/v1/{name=shops/*/codes/**}:verb")}) {
    auto parsed = PathTemplate::Parse(absl::string_view(t.data(), t.size()));
    if (!parsed.ok()) continue;
    (void)parsed->Match(absl::string_view(path.data(), path.size()));
    (void)parsed->Specificity();
  }
  (void)qrcloud::gateway::PercentDecode(absl::string_view(path.data(), path.size()));
  return 0;
}
