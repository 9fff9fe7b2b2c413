# Jisr — developer entry points (GNU make). Run `make help`.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
# Steps must run in order (cmake parallelises the compilation itself).
.NOTPARALLEL:
MAKEFLAGS += --no-print-directory

JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
LISTEN     ?= 127.0.0.1:8080
BUILD_TYPE ?= RelWithDebInfo
CMAKE      ?= cmake
CMAKE_ARGS ?=
# Suites for `make test` (empty = all): unit unit-asan api-sqlite api-postgres e2e
SUITES     ?=
# Extra options for scripts/install-deps.sh (test/bench add theirs).
DEPS_FLAGS ?=

# ccache: hash paths relative to the checkout, so a fresh clone in another folder (CI) reuses
# the cache of earlier builds on the same machine (debug info would otherwise embed the path).
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1

BUILD_DIR := build
ASAN_DIR  := build-asan
FORMAT_DIRS := src tests/unit bench

.PHONY: help deps build asan unit test demo bench format clean

help:
	@echo "Jisr make targets:"
	@echo "  make deps      install missing Debian packages and npm modules"
	@echo "  make build     deps + configure + build ($(BUILD_DIR)/, $(BUILD_TYPE))"
	@echo "  make asan      ASan+UBSan build of jisr_unit_tests ($(ASAN_DIR)/)"
	@echo "  make unit      build + unit tests (ctest)"
	@echo "  make test      everything: test deps, build, asan build, all test suites"
	@echo "                 (only some suites: make test SUITES='unit api-sqlite')"
	@echo "  make demo      build and run the demo on http://$(LISTEN)"
	@echo "                 (make demo LISTEN=0.0.0.0:8080)"
	@echo "  make bench     run the benchmarks (scripts/bench.sh)"
	@echo "  make format    clang-format -i the C++ sources"
	@echo "  make clean     remove $(BUILD_DIR)/ and $(ASAN_DIR)/"
	@echo "Variables: JOBS=$(JOBS) BUILD_TYPE=$(BUILD_TYPE) CMAKE_ARGS=..."

deps:
	@echo "==> dependencies"
	@scripts/install-deps.sh $(DEPS_FLAGS)

build: deps
	@echo "==> configure $(BUILD_DIR)/ ($(BUILD_TYPE))"
	$(CMAKE) -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_ARGS)
	@echo "==> build $(BUILD_DIR)/ (-j$(JOBS))"
	$(CMAKE) --build $(BUILD_DIR) -j$(JOBS)

asan: deps
	@echo "==> configure $(ASAN_DIR)/ (Debug, ASan+UBSan)"
	$(CMAKE) -S . -B $(ASAN_DIR) -DCMAKE_BUILD_TYPE=Debug -DJISR_SANITIZE=ON $(CMAKE_ARGS)
	@echo "==> build $(ASAN_DIR)/ jisr_unit_tests (-j$(JOBS))"
	$(CMAKE) --build $(ASAN_DIR) -j$(JOBS) --target jisr_unit_tests

unit: build
	@echo "==> unit tests"
	ctest --test-dir $(BUILD_DIR) --output-on-failure

test: DEPS_FLAGS += --test
test: deps build asan
	@echo "==> test suites"
	@scripts/run-all-tests.sh $(SUITES)

demo: deps build
	@echo "==> demo on http://$(LISTEN) (Ctrl-C to stop)"
	./$(BUILD_DIR)/jisr demo --listen $(LISTEN)

ifneq ($(wildcard scripts/bench.sh),)
bench: DEPS_FLAGS += --bench
bench: CMAKE_ARGS += -DJISR_BUILD_BENCH=ON
bench: deps build
	@echo "==> benchmarks"
	scripts/bench.sh
else
bench:
	@echo "bench: not yet (scripts/bench.sh does not exist)"
endif

format:
	@command -v clang-format >/dev/null || { echo "clang-format not found (apt-get install clang-format)"; exit 1; }
	@files=$$(find $(FORMAT_DIRS) -type f \( -name '*.cc' -o -name '*.h' -o -name '*.cpp' -o -name '*.hpp' \) 2>/dev/null | sort || true); \
	if [ -z "$$files" ]; then echo "format: no C++ files"; exit 0; fi; \
	echo "==> clang-format $$(wc -w <<<"$$files") files"; \
	clang-format -i $$files

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR)
