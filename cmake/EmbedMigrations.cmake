# qrcloud_embed_migrations(<target> DIR <dir> NAMESPACE <ns>)
#
# Compiles every <dir>/NNNN_name.sql into a function
#   std::vector<qrcloud::store::Migration> <ns>::Migrations();
# in a generated source added to <target>. A changed file regenerates only
# this one source.
function(qrcloud_embed_migrations target)
  cmake_parse_arguments(ARG "" "DIR;NAMESPACE" "" ${ARGN})
  file(GLOB sql_files CONFIGURE_DEPENDS ${ARG_DIR}/*.sql)
  list(SORT sql_files)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${target}_migrations.cc)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DNAMESPACE=${ARG_NAMESPACE} "-DFILES=${sql_files}"
            -P ${CMAKE_SOURCE_DIR}/cmake/GenerateMigrations.cmake
    DEPENDS ${sql_files} ${CMAKE_SOURCE_DIR}/cmake/GenerateMigrations.cmake
    COMMENT "Embedding ${target} migrations"
    VERBATIM)
  target_sources(${target} PRIVATE ${out})
endfunction()
