# Thin wrappers around cmake. `make run` and `make test` are the README's two commands.
BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: setup configure build test run format clean sanitize fuzz reliability-long

setup:
	bash scripts/setup.sh

configure: setup
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_FLAGS)

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) $(CTEST_FLAGS)

# The long reliability runs (README.md, Reliability): 32 clients for 60 s, 1,000 requests.
reliability-long: build
	sh tests/server/run_long.sh $(BUILD_DIR)

run: build
	bash scripts/run.sh $(BUILD_DIR)

# ASan + UBSan build of the unit, runtime and server tests (tests/sanitizers/README.md).
ASAN_DIR ?= build-asan
SANITIZE_LABELS ?= unit|runtime|server|fuzz
SANITIZE_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
SANITIZE_TARGETS := unit_tests server_unit_tests runtime_tests chatterboxd chatterbox-cli \
                    chatterbox_python_stubs fuzz_replays safetensors_header_fuzzer

sanitize: setup
	cmake -S . -B $(ASAN_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" -DCMAKE_CXX_FLAGS="$(SANITIZE_FLAGS)" \
	  -DCMAKE_EXE_LINKER_FLAGS="$(SANITIZE_FLAGS)" $(CMAKE_FLAGS)
	cmake --build $(ASAN_DIR) -j $(JOBS) --target $(SANITIZE_TARGETS)
	cd $(ASAN_DIR) && bash $(CURDIR)/tests/sanitizers/run-ctest.sh -L '$(SANITIZE_LABELS)' $(CTEST_FLAGS)

# libFuzzer + ASan + UBSan binaries of tests/fuzz, each run FUZZ_SECONDS (clang, build-fuzz).
FUZZ_DIR ?= build-fuzz
FUZZ_SECONDS ?= 600

fuzz: setup
	cmake -S . -B $(FUZZ_DIR) -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER=clang++ \
	  -DCHATTERBOX_BUILD_FUZZERS=ON -DCHATTERBOX_FUZZ_SECONDS=$(FUZZ_SECONDS) $(CMAKE_FLAGS)
	cmake --build $(FUZZ_DIR) -j $(JOBS) --target fuzzers
	cd $(FUZZ_DIR) && ctest -L fuzz --output-on-failure $(CTEST_FLAGS)

format:
	clang-format -i $$(git ls-files '*.cpp' '*.h')

clean:
	rm -rf $(BUILD_DIR)
