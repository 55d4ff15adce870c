# qrcloud_embed_text(<target> FILE <file> FUNCTION <qualified name>)
#
# Compiles <file> into a function `std::string_view <qualified name>()`
# returning its text, in a generated source added to <target>. A changed file
# regenerates only that source.
function(qrcloud_embed_text target)
  cmake_parse_arguments(ARG "" "FILE;FUNCTION" "" ${ARGN})
  get_filename_component(stem ${ARG_FILE} NAME_WE)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${target}_${stem}_text.cc)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DIN=${ARG_FILE} -DFUNCTION=${ARG_FUNCTION}
            -P ${CMAKE_SOURCE_DIR}/cmake/GenerateText.cmake
    DEPENDS ${ARG_FILE} ${CMAKE_SOURCE_DIR}/cmake/GenerateText.cmake
    COMMENT "Embedding ${ARG_FILE}"
    VERBATIM)
  target_sources(${target} PRIVATE ${out})
endfunction()
