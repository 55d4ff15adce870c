# Script mode: writes OUT, the passwords refused as common: the lines of each
# file in IN (a |-separated list) that are 4 or more characters long (shorter
# passwords are refused anyway; 4 is enough to catch "dragon" in
# "dragon2024"), lower-cased, without duplicates, sorted, one per line. Lines
# starting "#!comment" (the header of Openwall's list) are left out. The
# lists hold ';' and '[' (CMake's list syntax), so awk and sort do the work.
string(REPLACE "|" ";" sources "${IN}")
foreach(source ${sources})
  if(NOT EXISTS ${source})
    message(FATAL_ERROR "${source} is missing: run tools/setup (Debian packages john-data and "
                        "cracklib-runtime hold the common-password lists)")
  endif()
endforeach()
execute_process(
  COMMAND awk "!/^#!comment/ && length($0) >= 4 { print tolower($0) }" ${sources}
  COMMAND env LC_ALL=C sort -u
  OUTPUT_FILE ${OUT}.tmp
  RESULT_VARIABLE failed)
if(failed)
  message(FATAL_ERROR "listing common passwords failed: ${failed}")
endif()
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
