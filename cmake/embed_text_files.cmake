# Writes OUTPUT, a C++ source defining chatterbox::io::embedded_text(name), which returns the
# content of each .txt file in INPUT_DIR (by base name without extension), or nullptr.
file(GLOB INPUTS ${INPUT_DIR}/*.txt)
set(body "#include <cstring>\nnamespace chatterbox::io {\nconst char* embedded_text(const char* name) {\n")
foreach(path ${INPUTS})
  get_filename_component(name ${path} NAME_WE)
  file(READ ${path} content)
  set(body "${body}  if (std::strcmp(name, \"${name}\") == 0) return R\"EMBED(${content})EMBED\";\n")
endforeach()
set(body "${body}  return nullptr;\n}\n}  // namespace chatterbox::io\n")
file(WRITE ${OUTPUT}.tmp "${body}")
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
