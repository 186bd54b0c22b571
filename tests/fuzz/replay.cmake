# Replay drivers: every harness against the project's libraries (no libFuzzer, no sanitizers
# unless the whole build has them, as `make sanitize` does).
add_library(chatterbox_fuzz_replay_main STATIC ${FUZZ_DIR}/fuzz_input.cpp ${FUZZ_DIR}/replay_main.cpp)
target_link_libraries(chatterbox_fuzz_replay_main PUBLIC chatterbox_common)
target_compile_options(chatterbox_fuzz_replay_main PRIVATE ${CHATTERBOX_WARNINGS})
add_custom_target(fuzz_replays)
foreach(name ${FUZZ_NAMES})
  add_executable(${name}_fuzz_replay ${FUZZ_DIR}/${name}_fuzz.cpp)
  target_link_libraries(${name}_fuzz_replay PRIVATE chatterbox_fuzz_replay_main chatterbox_server_core)
  target_compile_options(${name}_fuzz_replay PRIVATE ${CHATTERBOX_WARNINGS})
  target_precompile_headers(${name}_fuzz_replay REUSE_FROM chatterbox_io)
  add_dependencies(fuzz_replays ${name}_fuzz_replay)
  add_test(NAME fuzz_replay.${name}
           COMMAND ${name}_fuzz_replay -mutations=${FUZZ_MUTATIONS_${name}} ${FUZZ_DIR}/corpus/${name})
  set_tests_properties(fuzz_replay.${name} PROPERTIES LABELS fuzz TIMEOUT 300)
endforeach()

# The safetensors header needs neither libtorch nor the rest of the engine: a real libFuzzer run
# of it costs seconds to build, so CI has one.
find_program(CLANGXX NAMES clang++ clang++-14)
if(CLANGXX)
  set(FUZZER ${CMAKE_CURRENT_BINARY_DIR}/safetensors_header_fuzzer)
  set(sources ${FUZZ_DIR}/safetensors_header_fuzz.cpp
              ${CMAKE_SOURCE_DIR}/engine/io/safetensors_header.cpp
              ${CMAKE_SOURCE_DIR}/engine/common/error.cpp)
  add_custom_command(
    OUTPUT ${FUZZER}
    COMMAND ${CLANGXX} -std=c++17 -O1 -g -fsanitize=fuzzer,address,undefined
            -fno-sanitize-recover=undefined -I${CMAKE_SOURCE_DIR} ${sources} -o ${FUZZER}
    DEPENDS ${sources}
    COMMENT "Building the safetensors header libFuzzer target with clang"
    VERBATIM)
  add_custom_target(safetensors_header_fuzzer ALL DEPENDS ${FUZZER})
  file(MAKE_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/artifacts/safetensors_header)
  add_test(NAME fuzz.safetensors_header
           COMMAND ${FUZZ_DIR}/run-fuzzer.sh ${FUZZER} 20 4096
                   ${CMAKE_CURRENT_BINARY_DIR}/artifacts/safetensors_header
                   ${CMAKE_CURRENT_BINARY_DIR}/corpus ${FUZZ_DIR}/corpus/safetensors_header)
  file(MAKE_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/corpus)
  set_tests_properties(fuzz.safetensors_header PROPERTIES LABELS fuzz TIMEOUT 120)
endif()

# Under make sanitize: libtorch's zip reader leak (tests/sanitizers/lsan.supp) is recognised only
# on a stack unwound through libtorch's frames, which the fast unwinder cannot do.
set_property(TEST fuzz_replay.torch_archive PROPERTY ENVIRONMENT
             "ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:fast_unwind_on_malloc=0")
