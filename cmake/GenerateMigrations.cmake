# Script mode: writes OUT, a C++ source holding FILES as store::Migration values.
set(body "")
foreach(f IN LISTS FILES)
  get_filename_component(name ${f} NAME)
  string(REGEX MATCH "^([0-9]+)_" _ ${name})
  if(NOT CMAKE_MATCH_1)
    message(FATAL_ERROR "migration ${name} does not start with a version number (0001_name.sql)")
  endif()
  math(EXPR version "${CMAKE_MATCH_1}")
  file(READ ${f} sql)
  string(APPEND body "      {${version}, \"${name}\", R\"qrcloud_sql(${sql})qrcloud_sql\"},\n")
endforeach()
file(WRITE ${OUT}.tmp
"// Generated from migrations/*.sql by cmake/GenerateMigrations.cmake. Do not edit.
#include <vector>

#include \"libs/store/migrations.h\"

namespace ${NAMESPACE} {

std::vector<qrcloud::store::Migration> Migrations() {
  return {
${body}  };
}

}  // namespace ${NAMESPACE}
")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
