# Writes OUTPUT, a C++ source defining NAMESPACE::FUNCTION(name) (default
# chatterbox::io::embedded_text), which returns the content of each file in INPUT_DIR by its file
# name (e.g. "t3_base.txt"), or nullptr.
if(NOT NAMESPACE)
  set(NAMESPACE chatterbox::io)
endif()
if(NOT FUNCTION)
  set(FUNCTION embedded_text)
endif()
file(GLOB INPUTS ${INPUT_DIR}/*)
set(body "#include <cstring>\nnamespace ${NAMESPACE} {\nconst char* ${FUNCTION}(const char* name) {\n")
foreach(path ${INPUTS})
  get_filename_component(name ${path} NAME)
  file(READ ${path} content)
  set(body "${body}  if (std::strcmp(name, \"${name}\") == 0) return R\"EMBED(${content})EMBED\";\n")
endforeach()
set(body "${body}  return nullptr;\n}\n}  // namespace ${NAMESPACE}\n")
file(WRITE ${OUTPUT}.tmp "${body}")
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
