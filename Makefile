# NanoVM build entry points.
#   make build   native CLI (target/release/nanovm) + wasm module and JS glue (js/pkg/)
#   make test    everything the project tests: cargo tests, then the Node.js suite
# .ci/run installs the toolchain on a fresh Debian machine and runs `make test`.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c

CARGO ?= cargo
NODE ?= node
WASM_TARGET := wasm32-unknown-unknown
# wasm-bindgen's CLI must be exactly the version Cargo.lock pins for the crate.
WB_VERSION := $(shell awk '$$0 == "name = \"wasm-bindgen\"" { getline; gsub(/"/, "", $$3); print $$3 }' Cargo.lock)
WASM_BINDGEN ?= $(HOME)/.cache/nanovm/wasm-bindgen-$(WB_VERSION)/bin/wasm-bindgen
# The shipped module carries no function names (about 80 KiB); `make wasm WB_FLAGS=` keeps
# them, for profiles that name functions (`node --cpu-prof`, `--print-wasm-code`).
WB_FLAGS ?= --remove-name-section --remove-producers-section
WASM_RAW := target/$(WASM_TARGET)/release/nanovm_runtime.wasm
PKG := js/pkg
# Extra flags for `cargo test` in `make test` (e.g. CARGO_TEST_FLAGS=--release).
CARGO_TEST_FLAGS ?=
# Directories of prebuilt guest + *.expected pairs for the Node.js suite (empty: skipped).
# The Rust fuzz test (runtime/tests/fuzz.rs) keeps its binaries in FUZZ_OUT during `make test`.
ISA_DIR ?=
FUZZ_OUT ?= $(if $(wildcard runtime/tests/fuzz.rs),build/fuzz)
# Fuzz sequences for `make fuzz`.
N ?= 1000000

.PHONY: all build native wasm demo test test-rust test-js test-suites test-console bench image image-test fuzz clean help

all: build

help:
	@echo "targets: build (native + wasm), native, wasm, test, bench, fuzz [N=...], image, image-test, clean"

build: native wasm

native:
	$(CARGO) build --release --workspace

wasm:
	$(CARGO) build -p nanovm-runtime --lib --release --target $(WASM_TARGET)
	@test -x "$(WASM_BINDGEN)" || { echo "wasm-bindgen $(WB_VERSION) not found at $(WASM_BINDGEN): run .ci/run" >&2; exit 1; }
	$(WASM_BINDGEN) --target web $(WB_FLAGS) --out-dir $(PKG) --out-name nanovm $(WASM_RAW)
	@echo "wasm module: $(PKG)/nanovm_bg.wasm, $$(stat -c %s $(PKG)/nanovm_bg.wasm) bytes"

test: build test-rust test-js test-suites test-console

test-rust:
ifneq ($(FUZZ_OUT),)
	rm -rf $(FUZZ_OUT) && mkdir -p $(FUZZ_OUT)
	NANOVM_FUZZ_OUT=$(abspath $(FUZZ_OUT)) $(CARGO) test --workspace $(CARGO_TEST_FLAGS)
else
	$(CARGO) test --workspace $(CARGO_TEST_FLAGS)
endif

test-js:
	cd js && $(if $(ISA_DIR),NANOVM_ISA_DIR=$(abspath $(ISA_DIR))) \
		$(if $(FUZZ_OUT),NANOVM_FUZZ_OUT=$(abspath $(FUZZ_OUT))) \
		$(NODE) --test test/

bench: build
	$(NODE) bench/run.mjs

fuzz:
	NANOVM_FUZZ_SEQUENCES=$(N) $(CARGO) test --release -p nanovm-runtime --test fuzz

# Builds everything, then runs a guest C program (compiled for riscv64 here) in the wasm build
# under Node.js, with --stats.
demo: build
	mkdir -p build/demo
	riscv64-linux-gnu-gcc -O2 -static -o build/demo/sieve bench/programs/sieve.c
	$(NODE) js/bin/nanovm.mjs run --stats -- build/demo/sieve 3

# The Linux personality's oracle suites (docs/testing.md). Each runs under qemu-riscv64 alone
# (keeps the golden files and determinism honest), then NanoVM (native CLI and the wasm build)
# against the same golden files / the qemu oracle, on the programs and scenarios NanoVM passes
# today: all of them.
LINUX_PASSING := file mmap pipe proc signal stack thread time
BUSYBOX_PASSING := archive diff_patch exec_scripts files misc more_tools procfs shell_basics shell_jobs shell_redir text_tools
NANOVM_NATIVE := $(CURDIR)/target/release/nanovm run
NANOVM_WASM := $(NODE) $(CURDIR)/js/bin/nanovm.mjs run
# Dynamic binaries are host paths: the image's libraries go on the default root at /lib.
NANOVM_NATIVE_DYN := $(NANOVM_NATIVE) --mount $(CURDIR)/build/image/usr/lib:/lib:ro
NANOVM_WASM_DYN := $(NANOVM_WASM) --mount $(CURDIR)/build/image/usr/lib:/lib:ro

test-suites: image-test
	tests/linux/run.sh
	tests/linux/run.sh --emu "$(NANOVM_NATIVE) --" --dynamic-emu "$(NANOVM_NATIVE_DYN) --" $(LINUX_PASSING)
	NANOVM_IMAGE=build/image $(CARGO) test -p nanovm-runtime --test cli dynamic_glibc
	tests/linux/run.sh --emu "$(NANOVM_WASM) --" --dynamic-emu "$(NANOVM_WASM_DYN) --" $(LINUX_PASSING)
	tests/busybox/selftest.sh
	tests/busybox/run.sh -j 2 --expect tests/busybox/qemu-guest.sh --actual tests/busybox/qemu-guest.sh
	tests/busybox/run.sh -j 2 --expect tests/busybox/qemu-guest.sh \
		--actual "$(NANOVM_NATIVE) --root build/image --" $(BUSYBOX_PASSING)
	tests/busybox/run.sh -j 2 --expect tests/busybox/qemu-guest.sh \
		--actual "$(NANOVM_WASM) --root build/image --" $(BUSYBOX_PASSING)

# The console: an interactive BusyBox shell driven through a real host pty (line editing,
# Ctrl-C/Ctrl-Z/Ctrl-D, window size, the host terminal restored), native and wasm CLIs.
test-console: image
	tests/console/run.py --emu "$(NANOVM_NATIVE)" --root build/image
	tests/console/run.py --emu "$(NANOVM_WASM)" --root build/image

# The guest root file system (build/image/, from Debian riscv64 packages; docs/image.md).
image:
	scripts/build-image.sh

image-test: image
	scripts/test-image.sh

clean:
	$(CARGO) clean
	rm -rf $(PKG) build
