# kin: thin wrapper over CMake presets. `make check` is what CI runs (see .ci/run).
# Targets: deps, build, check, demo, bench, fuzz, format, clean.
SHELL := /bin/bash
JOBS ?= $(shell nproc)
FUZZ_SECONDS ?= 20

.PHONY: all deps build check check-format check-layering check-tidy test-dev test-asan test-fuzz demo bench fuzz format clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	cmake --preset release >/dev/null
	cmake --build --preset release -j $(JOBS)

check: deps check-format check-layering check-tidy test-dev test-asan test-fuzz
	@echo "make check: all passed"

check-format:
	@scripts/check-format.sh

check-layering:
	@scripts/check-layering.sh

check-tidy:
	@scripts/check-tidy.sh

test-dev:
	cmake --workflow --preset dev

test-asan:
	cmake --workflow --preset asan

test-fuzz:
	cmake --workflow --preset fuzz
	@scripts/fuzz-smoke.sh build/fuzz 5

demo: build
	@scripts/demo.sh

bench: build
	@scripts/bench.sh

fuzz: deps
	cmake --preset fuzz >/dev/null
	cmake --build --preset fuzz -j $(JOBS)
	@scripts/fuzz-smoke.sh build/fuzz $(FUZZ_SECONDS)

format:
	@git ls-files '*.c' '*.h' '*.cpp' | xargs clang-format -i

clean:
	rm -rf build
