# Script mode: writes OUT, a C++ source whose function FUNCTION (a qualified
# name, e.g. qrcloud::service::ServiceListText) returns the text of IN.
file(READ ${IN} text)
if(text MATCHES "\\)qrcloud_text\"")
  message(FATAL_ERROR "${IN} contains the raw-string delimiter )qrcloud_text\"")
endif()
string(REGEX MATCH "^(.*)::([^:]+)$" _ ${FUNCTION})
set(ns ${CMAKE_MATCH_1})
set(name ${CMAKE_MATCH_2})
file(WRITE ${OUT}.tmp
"// Generated from ${IN} by cmake/GenerateText.cmake. Do not edit.
#include <string_view>

namespace ${ns} {

std::string_view ${name}() {
  return R\"qrcloud_text(${text})qrcloud_text\";
}

}  // namespace ${ns}
")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
