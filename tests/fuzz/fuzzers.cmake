# libFuzzer binaries (CHATTERBOX_BUILD_FUZZERS=ON; the compiler must be clang).
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "CHATTERBOX_BUILD_FUZZERS needs clang: configure with "
                      "-DCMAKE_CXX_COMPILER=clang++ (make fuzz does)")
endif()
set(CHATTERBOX_FUZZ_SECONDS 20 CACHE STRING "How long ctest runs each fuzzer")
math(EXPR fuzz_timeout "${CHATTERBOX_FUZZ_SECONDS} + 300")
set(FUZZ_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=undefined
               -fno-omit-frame-pointer -g -O1)

# The production code the harnesses call, instrumented for coverage and the sanitizers.
set(FUZZ_CODE
  engine/common/error.cpp engine/common/file_system.cpp engine/common/variant.cpp
  engine/log/log.cpp
  engine/io/safetensors_header.cpp engine/io/safetensors.cpp engine/io/mapped_file.cpp
  engine/io/atomic_file.cpp engine/io/torch_archive.cpp engine/io/pickle_bounds.cpp
  engine/dsp/audio_file.cpp engine/dsp/vorbis_headers.cpp
  engine/pipeline/conditionals_file.cpp
  server/request_fields.cpp server/speech_request.cpp server/api_error.cpp server/base64.cpp
  server/audio_format.cpp server/voice_name.cpp server/metrics.cpp server/voice_library.cpp
  server/clip_info.cpp)
list(TRANSFORM FUZZ_CODE PREPEND ${CMAKE_SOURCE_DIR}/)
file(GLOB FUZZ_TEXT_CODE CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/engine/text/*.cpp)
find_package(ICU REQUIRED COMPONENTS uc)
find_package(PkgConfig REQUIRED)
pkg_check_modules(FUZZ_SNDFILE REQUIRED IMPORTED_TARGET sndfile vorbis ogg)

add_library(chatterbox_fuzz_code STATIC ${FUZZ_CODE} ${FUZZ_TEXT_CODE} ${FUZZ_DIR}/fuzz_input.cpp)
target_include_directories(chatterbox_fuzz_code PUBLIC ${CMAKE_SOURCE_DIR})
target_include_directories(chatterbox_fuzz_code SYSTEM PUBLIC ${TORCH_INCLUDE_DIRS})
# clang's -Woverloaded-virtual (in its -Wall, not gcc's) flags the models' load(StateDict)
# beside torch::nn::Module::load(InputArchive), seen here through conditionals.h: intended.
target_compile_options(chatterbox_fuzz_code PUBLIC ${FUZZ_FLAGS}
                       PRIVATE -fsanitize=fuzzer-no-link ${CHATTERBOX_WARNINGS}
                               -Wno-overloaded-virtual)
target_link_libraries(chatterbox_fuzz_code PUBLIC ${TORCH_LIBRARIES} ICU::uc
  PkgConfig::FUZZ_SNDFILE spdlog::spdlog nlohmann_json::nlohmann_json Threads::Threads)
target_precompile_headers(chatterbox_fuzz_code PRIVATE <torch/torch.h>)

# Inputs near libtorch's zip-reader leak (tests/sanitizers/lsan.supp) leak on most mutations,
# and libFuzzer then scans the whole heap after each run (suppressed or not): 2 runs a second
# instead of hundreds; and at exit the unsuppressible fast-unwound stacks through libtorch fail
# the run. So torch_archive fuzzes without LeakSanitizer; its replay under make sanitize still
# checks for leaks. (audio_upload did too until the Vorbis header leak was fixed: with leak
# checks on it ran 111,136 inputs in 90 s, 1,221 a second, no leak.)
set(FUZZ_NO_LEAK_CHECK torch_archive)

add_custom_target(fuzzers)
foreach(name ${FUZZ_NAMES})
  add_executable(${name}_fuzzer ${FUZZ_DIR}/${name}_fuzz.cpp)
  target_link_libraries(${name}_fuzzer PRIVATE chatterbox_fuzz_code)
  # Compiled like chatterbox_fuzz_code (libFuzzer's -fsanitize=fuzzer matters at the link), so
  # that its precompiled libtorch headers serve the harness too.
  target_compile_options(${name}_fuzzer PRIVATE -fsanitize=fuzzer-no-link ${CHATTERBOX_WARNINGS}
                                               -Wno-overloaded-virtual)
  target_precompile_headers(${name}_fuzzer REUSE_FROM chatterbox_fuzz_code)
  target_link_options(${name}_fuzzer PRIVATE -fsanitize=fuzzer ${FUZZ_FLAGS})
  add_dependencies(fuzzers ${name}_fuzzer)
  # New inputs go to the build tree's corpus; crashes to artifacts/ (commit them under
  # corpus/<name>/ once fixed).
  set(work ${CMAKE_CURRENT_BINARY_DIR}/corpus/${name})
  set(artifacts ${CMAKE_CURRENT_BINARY_DIR}/artifacts/${name})
  file(MAKE_DIRECTORY ${work} ${artifacts})
  add_test(NAME fuzz.${name}
           COMMAND ${CMAKE_SOURCE_DIR}/tests/fuzz/run-fuzzer.sh $<TARGET_FILE:${name}_fuzzer>
                   ${CHATTERBOX_FUZZ_SECONDS} ${FUZZ_MAX_LEN_${name}} ${artifacts} ${work} ${FUZZ_DIR}/corpus/${name})
  set_tests_properties(fuzz.${name} PROPERTIES LABELS fuzz TIMEOUT ${fuzz_timeout})
  if(name IN_LIST FUZZ_NO_LEAK_CHECK)
    set_property(TEST fuzz.${name} PROPERTY ENVIRONMENT
                 "ASAN_OPTIONS=abort_on_error=1:detect_stack_use_after_return=1:detect_leaks=0")
  endif()
endforeach()

# Writes the generated seeds (corpus/README.md): chatterbox_fuzz_seeds tests/fuzz/corpus
add_executable(chatterbox_fuzz_seeds ${FUZZ_DIR}/make_seeds.cpp)
target_link_libraries(chatterbox_fuzz_seeds PRIVATE chatterbox_fuzz_code)
target_link_options(chatterbox_fuzz_seeds PRIVATE ${FUZZ_FLAGS})

