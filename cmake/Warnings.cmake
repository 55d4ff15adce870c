# qrcloud_warnings(<target>): the project's warning set, applied to our own
# code only (never to generated protobuf sources).
function(qrcloud_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic $<$<CXX_COMPILER_ID:GNU>:-Wshadow=local> -Wnon-virtual-dtor
    -Wno-unused-parameter -Wno-missing-field-initializers)
  if(QRCLOUD_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if(QRCLOUD_FUZZ)
    target_compile_options(${target} PRIVATE
      -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  endif()
endfunction()
