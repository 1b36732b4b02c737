#!/usr/bin/env bash
# ./build.sh test      prepares what the tests need on a Debian machine, then runs every test (the README's command)
# ./build.sh prereqs   only prepares: ICU, the SWORD packages, python3-numpy, python3-torch (apt, as root or through sudo) and
#                      Debian's ptxas unpacked into .tools/ (no root needed). Each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")"

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else echo "build.sh: installing Debian packages needs root; run as root: $*" >&2; return 1
  fi
}

missing_packages() {
  # BERT tokenization needs ICU (the host is built without InvariantGlobalization).
  if ! { ldconfig -p 2>/dev/null || /sbin/ldconfig -p; } | grep -q 'libicuuc\.so'; then
    apt-cache pkgnames libicu | grep -E '^libicu[0-9]+$' | sort -V | tail -n 1
  fi
  # The retrieval test collection is built from the SWORD modules; the integration tests compare verses with diatheke.
  [ -d /usr/share/sword/modules/lexdict/zld/nave ] || echo sword-dict-naves
  [ -d /usr/share/sword/modules/texts/ztext/engWEB2015eb ] || echo sword-text-web
  command -v diatheke >/dev/null || echo diatheke
  # The tensor-core kernels' PTX runs in tools/ptx-gen's interpreter (InlinePtxInterpreterTests), which needs numpy.
  /usr/bin/python3 -c 'import numpy' >/dev/null 2>&1 || echo python3-numpy
  # The training script's block-sparse attention is compared with the runtime's (TrainingSelectionParityTests).
  /usr/bin/python3 -c 'import torch' >/dev/null 2>&1 || echo python3-torch
}

# GPU kernels are assembled offline by the tests (PtxCompilerTests) with ptxas from Debian's non-free
# nvidia-cuda-toolkit (CUDA 11.8; standalone, needs only libc). Downloaded through a private sources list and
# unpacked into .tools/ (git-ignored): nothing is installed, no root needed.
fetch_ptxas() {
  [ -x .tools/ptxas/usr/bin/ptxas ] && return
  local nf codename
  nf=$(mktemp -d)
  mkdir -p "$nf/lists/partial" "$nf/cache/archives/partial"
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $codename non-free" > "$nf/sources.list"
  local apt_nf=(-o Dir::Etc::SourceList="$nf/sources.list" -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists="$nf/lists"
                -o Dir::Cache="$nf/cache" -o Dir::State::Status=/var/lib/dpkg/status)
  if apt-get "${apt_nf[@]}" update -q >/dev/null 2>&1 && (cd "$nf" && apt-get "${apt_nf[@]}" download nvidia-cuda-toolkit >/dev/null 2>&1); then
    mkdir -p .tools/ptxas/x .tools/ptxas/usr/bin
    dpkg -x "$nf"/nvidia-cuda-toolkit_*.deb .tools/ptxas/x
    mv .tools/ptxas/x/usr/bin/ptxas .tools/ptxas/usr/bin/ptxas && rm -rf .tools/ptxas/x
  else
    echo "build.sh: could not fetch Debian's nvidia-cuda-toolkit; the PTX assembly tests will be skipped" >&2
  fi
  rm -rf "$nf"
}

prereqs() {
  local packages
  packages=$(missing_packages | tr '\n' ' ')
  if [ -n "${packages// }" ]; then
    echo "build.sh: installing $packages"
    as_root apt-get update -q
    # shellcheck disable=SC2086 # one word per package
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $packages
  fi
  fetch_ptxas
  command -v dotnet >/dev/null || { echo "build.sh: the .NET 10 SDK is required (dotnet is not on PATH)" >&2; exit 1; }
}

run_tests() {
  local log status
  log=$(mktemp)
  set +e
  dotnet test Runtime.sln 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  set -e
  # One plain closing line over all test assemblies.
  awk '/(Passed|Failed)! +- +Failed:/ {
         gsub(/,/, ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
       }
       END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
  rm -f "$log"
  [ "$status" = 0 ] || echo "dotnet test exited with $status: see the failed tests or build errors above"
  return "$status"
}

case "${1:-test}" in
  test) prereqs; run_tests ;;
  prereqs) prereqs ;;
  *) echo "usage: ./build.sh [test|prereqs]" >&2; exit 2 ;;
esac
