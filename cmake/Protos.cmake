# qrcloud_add_protos(<target> ROOT <dir> PROTOS <files...> [GRPC] [IMPORT_DIRS <dirs...>])
#
# Generates C++ (and, with GRPC, gRPC service) code for each .proto under ROOT
# into ${CMAKE_BINARY_DIR}/gen and compiles it into the static library
# <target>. Each file is regenerated only when that .proto changes: generated
# code includes, but never embeds, what it imports.
function(qrcloud_add_protos target)
  cmake_parse_arguments(ARG "GRPC" "ROOT" "PROTOS;IMPORT_DIRS" ${ARGN})
  set(gen_dir ${CMAKE_BINARY_DIR}/gen)
  file(MAKE_DIRECTORY ${gen_dir})

  set(include_flags -I${ARG_ROOT})
  foreach(dir IN LISTS ARG_IMPORT_DIRS)
    list(APPEND include_flags -I${dir})
  endforeach()
  list(APPEND include_flags -I${Protobuf_INCLUDE_DIRS})

  set(sources)
  foreach(proto IN LISTS ARG_PROTOS)
    get_filename_component(abs ${proto} ABSOLUTE BASE_DIR ${ARG_ROOT})
    file(RELATIVE_PATH rel ${ARG_ROOT} ${abs})
    string(REGEX REPLACE "\\.proto$" "" stem ${rel})
    set(outputs ${gen_dir}/${stem}.pb.cc ${gen_dir}/${stem}.pb.h)
    set(plugin_flags)
    if(ARG_GRPC)
      list(APPEND outputs ${gen_dir}/${stem}.grpc.pb.cc ${gen_dir}/${stem}.grpc.pb.h)
      set(plugin_flags --grpc_out=${gen_dir} --plugin=protoc-gen-grpc=${GRPC_CPP_PLUGIN})
    endif()
    add_custom_command(
      OUTPUT ${outputs}
      COMMAND protobuf::protoc --cpp_out=${gen_dir} ${plugin_flags} ${include_flags} ${abs}
      DEPENDS ${abs} protobuf::protoc
      COMMENT "protoc ${rel}"
      VERBATIM)
    list(APPEND sources ${outputs})
  endforeach()

  add_library(${target} STATIC ${sources})
  target_include_directories(${target} PUBLIC ${gen_dir})
  target_link_libraries(${target} PUBLIC protobuf::libprotobuf gRPC::grpc++)
  # Generated code is not ours to warn about.
  target_compile_options(${target} PRIVATE -w)
endfunction()
