#!/bin/sh
# Build one ISA program: build.sh SRC OUT  (the Rust harness runs the same command line)
set -e
d=$(dirname "$0")
riscv64-linux-gnu-gcc -march=rv64gc -mabi=lp64d -static -nostdlib -ffreestanding -O2 \
  -I"$d" -o "$2" "$d/rt.c" "$1"
