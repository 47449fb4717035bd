#!/usr/bin/env bash
# Compile mmirn's torch-free CUDA kernels (mmirn/ops/csrc/common/cuda/*.cuh) with nvcc through
# a small unit that instantiates every kernel for float, double and half. This checks the
# kernels where only a CPU build of torch is installed (its headers lack the CUDA parts that
# the launchers in csrc/pytorch/cuda/ need).
#
# Usage: tools/check_cuda_compile.sh [ARCH]   (ARCH defaults to sm_80; NVCC overrides nvcc)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
NVCC="${NVCC:-nvcc}"
ARCH="${1:-sm_80}"
if ! command -v "$NVCC" >/dev/null 2>&1; then
  echo "nvcc not found (set NVCC or install the CUDA toolkit)" >&2
  exit 2
fi
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cat > "$WORK/instantiate.cu" <<'CU'
#include "boundary_affinity_cuda_kernel.cuh"
#include "random_walk_cuda_kernel.cuh"

namespace mmirn {
#define MMIRN_INSTANTIATE(T)                                                               \
  template __global__ void boundary_affinity_forward_cuda_kernel<T>(                       \
      const T*, T*, int, int, int, int, const int*, const int*, const int*);              \
  template __global__ void boundary_affinity_backward_cuda_kernel<T>(                      \
      const T*, const T*, T*, int, int, int, int, const int*, const int*, const int*);    \
  template __global__ void random_walk_weights_cuda_kernel<T>(                             \
      const T*, AccType<T>::type*, int, int, int, int, const int*, float);                \
  template __global__ void random_walk_step_cuda_kernel<T>(                                \
      const T*, T*, const AccType<T>::type*, int, int, int, int, int, const int*);
MMIRN_INSTANTIATE(float)
MMIRN_INSTANTIATE(double)
MMIRN_INSTANTIATE(__half)
}  // namespace mmirn

// A host function that launches each kernel, so the launch syntax is checked too.
void launch_all(float* f, __half* h, int* i, cudaStream_t stream) {
  using namespace mmirn;
  const int blocks = get_blocks(1 << 20);
  boundary_affinity_forward_cuda_kernel<float><<<blocks, kThreadsPerBlock, 0, stream>>>(
      f, f, 1, 1, 1, 1, i, i, i);
  boundary_affinity_backward_cuda_kernel<__half><<<blocks, kThreadsPerBlock, 0, stream>>>(
      h, h, h, 1, 1, 1, 1, i, i, i);
  random_walk_weights_cuda_kernel<__half><<<blocks, kThreadsPerBlock, 0, stream>>>(
      h, f, 1, 1, 1, 1, i, 10.f);
  random_walk_step_cuda_kernel<__half><<<blocks, kThreadsPerBlock, 0, stream>>>(
      h, h, f, 1, 1, 1, 1, 1, i);
}
CU
"$NVCC" -std=c++17 -arch="$ARCH" -Werror all-warnings -I "$ROOT/mmirn/ops/csrc/common/cuda" \
  -c "$WORK/instantiate.cu" -o "$WORK/instantiate.o"
echo "CUDA kernels compile with $("$NVCC" --version | tail -1) for $ARCH"
