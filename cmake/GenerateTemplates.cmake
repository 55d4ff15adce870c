# Script mode: writes OUT, a C++ source holding FILES as web::internal
# EmbeddedFile values named by their file name without the extension.
#
# Leading indentation is dropped from every line, and whole-line // comments
# from scripts (none of the embedded files holds a <pre>, a <textarea> or a
# multi-line string literal), which keeps the pages small without a minifier.
cmake_policy(SET CMP0057 NEW)
set(body "")
set(names "")
foreach(f IN LISTS FILES)
  get_filename_component(name ${f} NAME_WE)
  # Files are found by name without the extension: two may not share one.
  if(name IN_LIST names)
    message(FATAL_ERROR "${f}: another embedded file is also named ${name}")
  endif()
  list(APPEND names ${name})
  file(READ ${f} text)
  if(text MATCHES "\\)qrcloud_tpl\"")
    message(FATAL_ERROR "${f} contains the raw-string delimiter )qrcloud_tpl\"")
  endif()
  string(PREPEND text "\n")
  string(REGEX REPLACE "\n[ \t]+" "\n" text "${text}")
  if(f MATCHES "\\.js$")
    string(REGEX REPLACE "\n//[^\n]*" "" text "${text}")
  endif()
  string(SUBSTRING "${text}" 1 -1 text)
  string(APPEND body "    {\"${name}\", R\"qrcloud_tpl(${text})qrcloud_tpl\"},\n")
endforeach()
file(WRITE ${OUT}.tmp
"// Generated from libs/web/templates by cmake/GenerateTemplates.cmake. Do not edit.
#include \"libs/web/internal/embedded_templates.h\"

namespace qrcloud::web::internal {

std::span<const EmbeddedFile> EmbeddedTemplates() {
  static constexpr EmbeddedFile kFiles[] = {
${body}  };
  return kFiles;
}

}  // namespace qrcloud::web::internal
")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
