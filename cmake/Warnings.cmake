# qrcloud_warnings(<target>): the project's warning set, applied to our own
# code only (never to generated protobuf sources).
function(qrcloud_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow=local -Wnon-virtual-dtor
    -Wno-unused-parameter -Wno-missing-field-initializers)
  if(QRCLOUD_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
