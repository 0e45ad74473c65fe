# ofkit: thin wrapper over meson. Every user-facing target does its own
# set-up (packages, meson setup, compile), so each works as the first command
# on a fresh Debian 12 machine.
#
#   make demo    run the bundled demo (switch + controller on a trace)
#   make test    all test suites, then the unit tests under ASan+UBSan, then fuzzers, then the soak
#   make soak    ~2 min: two ofdp + ofctl-run (ASan/LSan) under traffic, churn, kills
#   make bench   micro-benchmarks and end-to-end harnesses -> bench/results/
#   make build   compile (build/)
#   make format  clang-format every source file
#   make clean   remove build directories

BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
JOBS       ?= $(shell nproc)
MESON_OPTS ?=
# CI builds treat warnings as errors.
ifneq ($(CI),)
MESON_OPTS += --werror
endif

SHELL := /bin/bash
.PHONY: deps setup build test test-unit test-asan test-fuzz fuzz soak demo bench format clean

deps:
	@bash scripts/install-deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD) --buildtype=debugoptimized $(MESON_OPTS)

setup: deps $(BUILD)/build.ninja

build: setup
	meson compile -C $(BUILD) -j $(JOBS)

test: build
	@bash scripts/run-tests.sh $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)

# Only the main build's unit suites (quick inner loop).
test-unit: build
	meson test -C $(BUILD) --suite unit --print-errorlogs

test-asan: deps
	@bash scripts/run-tests.sh --only-asan $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)

fuzz: deps
	@bash scripts/run-tests.sh --only-fuzz $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)

soak: deps
	@bash scripts/run-tests.sh --only-soak $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)

demo: build
	@bash scripts/demo.sh $(BUILD)

bench: deps
	@if [ ! -f build-release/build.ninja ]; then meson setup build-release --buildtype=release $(MESON_OPTS); fi
	meson compile -C build-release -j $(JOBS)
	@bash scripts/bench.sh build-release

format:
	@git ls-files '*.cc' '*.h' | xargs clang-format -i
	@echo "formatted $$(git ls-files '*.cc' '*.h' | wc -l) files"

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) build-release
