# Writes OUTPUT, a C++ source defining chatterbox::io::embedded_text(name), which returns the
# content of each file in INPUT_DIR by its file name (e.g. "t3_base.txt"), or nullptr.
file(GLOB INPUTS ${INPUT_DIR}/*)
set(body "#include <cstring>\nnamespace chatterbox::io {\nconst char* embedded_text(const char* name) {\n")
foreach(path ${INPUTS})
  get_filename_component(name ${path} NAME)
  file(READ ${path} content)
  set(body "${body}  if (std::strcmp(name, \"${name}\") == 0) return R\"EMBED(${content})EMBED\";\n")
endforeach()
set(body "${body}  return nullptr;\n}\n}  // namespace chatterbox::io\n")
file(WRITE ${OUTPUT}.tmp "${body}")
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
