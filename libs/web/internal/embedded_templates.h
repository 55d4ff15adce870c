// The files of libs/web/templates, compiled into the library by
// cmake/GenerateTemplates.cmake so a running service needs no template
// directory. Not part of the public API.
#ifndef QRCLOUD_LIBS_WEB_INTERNAL_EMBEDDED_TEMPLATES_H_
#define QRCLOUD_LIBS_WEB_INTERNAL_EMBEDDED_TEMPLATES_H_

#include <span>

#include "absl/strings/string_view.h"

namespace qrcloud::web::internal {

struct EmbeddedFile {
  // The file name without its extension: "coupon", "_head", "_order".
  absl::string_view name;
  // The file's text, leading indentation removed.
  absl::string_view text;
};

// Every embedded file, in file-name order. Lives forever.
std::span<const EmbeddedFile> EmbeddedTemplates();

}  // namespace qrcloud::web::internal

#endif  // QRCLOUD_LIBS_WEB_INTERNAL_EMBEDDED_TEMPLATES_H_
