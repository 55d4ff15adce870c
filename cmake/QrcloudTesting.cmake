# Test helpers. Unit tests are Catch2 v2 binaries beside the code they test;
# each test case becomes its own CTest test so the summary counts real cases.
include(${Catch2_DIR}/Catch.cmake)

# One compiled Catch2 main shared by every test binary.
add_library(qrcloud_catch_main STATIC ${CMAKE_SOURCE_DIR}/tests/catch_main.cc)
target_link_libraries(qrcloud_catch_main PUBLIC Catch2::Catch2 absl::synchronization)

# qrcloud_test(<name> SOURCES <files...> LIBS <targets...> [LABELS <labels...>]
#              [FIXTURES <fixtures...>] [SERIAL])
function(qrcloud_test name)
  cmake_parse_arguments(ARG "SERIAL" "" "SOURCES;LIBS;LABELS;FIXTURES" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  target_link_libraries(${name} PRIVATE qrcloud_catch_main ${ARG_LIBS})
  qrcloud_warnings(${name})
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  set(props LABELS "${ARG_LABELS}")
  if(ARG_FIXTURES)
    list(APPEND props FIXTURES_REQUIRED "${ARG_FIXTURES}"
         ENVIRONMENT "QRCLOUD_TEST_ENV_DIR=${CMAKE_BINARY_DIR}/testenv")
  endif()
  if(ARG_SERIAL)
    list(APPEND props RUN_SERIAL TRUE)
  endif()
  # --warn NoTests: a name CTest mangles (a ';' splits it) matches no case, and
  # must fail rather than pass having run nothing.
  catch_discover_tests(${name} TEST_PREFIX "${name}: " EXTRA_ARGS --warn NoTests
                       PROPERTIES ${props})
endfunction()
