// CUDA kernels of the boundary affinity a = 1 - max of the boundary along a line (IRN eq. 7).
// Torch-free: raw pointers, one thread per (n, d, y, x) in a grid-stride loop.
#ifndef BOUNDARY_AFFINITY_CUDA_KERNEL_CUH
#define BOUNDARY_AFFINITY_CUDA_KERNEL_CUH

#include "mmirn_cuda_helper.cuh"

namespace mmirn {

// The (n, d, y, x) of a flat index into an (N, D, H, W) output.
struct LineStart {
  int64_t n;
  int d, y, x;
};
__device__ __forceinline__ LineStart line_start(int64_t index, int D, int H, int W) {
  return {index / (int64_t(W) * H * D), int((index / (int64_t(W) * H)) % D),
          int((index / W) % H), int(index % W)};
}

// dirs (D, 2): offsets (dy, dx); points (P, 2): line pixels (y, x) relative to the start,
// line d being points[ptr[d]:ptr[d + 1]] from the start to the far end.
template <typename T>
__global__ void boundary_affinity_forward_cuda_kernel(const T* __restrict__ boundary,
                                                      T* __restrict__ output, int N, int D,
                                                      int H, int W,
                                                      const int* __restrict__ dirs,
                                                      const int* __restrict__ points,
                                                      const int* __restrict__ ptr) {
  using acc_t = typename AccType<T>::type;
  const int64_t total = int64_t(N) * D * H * W;
  MMIRN_CUDA_1D_KERNEL_LOOP(index, total) {
    const LineStart p = line_start(index, D, H, W);
    const int x = p.x, y = p.y, d = p.d;
    const int64_t n = p.n;
    const int dy = dirs[2 * d], dx = dirs[2 * d + 1];
    if (y + dy >= H || x + dx < 0 || x + dx >= W) {
      output[index] = from_acc<T>(acc_t(0));
      continue;
    }
    const T* b = boundary + n * H * W;
    acc_t peak = to_acc(b[y * W + x]);
    for (int k = ptr[d] + 1; k < ptr[d + 1]; ++k) {
      const acc_t v = to_acc(b[(y + points[2 * k]) * W + x + points[2 * k + 1]]);
      peak = v > peak ? v : peak;
    }
    output[index] = from_acc<T>(acc_t(1) - peak);
  }
}

// Adds -grad_output to the first maximum (from the start) of every line. grad_boundary
// must be zeroed by the caller.
template <typename T>
__global__ void boundary_affinity_backward_cuda_kernel(
    const T* __restrict__ grad_output, const T* __restrict__ boundary,
    T* __restrict__ grad_boundary, int N, int D, int H, int W, const int* __restrict__ dirs,
    const int* __restrict__ points, const int* __restrict__ ptr) {
  using acc_t = typename AccType<T>::type;
  const int64_t total = int64_t(N) * D * H * W;
  MMIRN_CUDA_1D_KERNEL_LOOP(index, total) {
    const LineStart p = line_start(index, D, H, W);
    const int x = p.x, y = p.y, d = p.d;
    const int64_t n = p.n;
    const int dy = dirs[2 * d], dx = dirs[2 * d + 1];
    if (y + dy >= H || x + dx < 0 || x + dx >= W) continue;
    const T* b = boundary + n * H * W;
    int arg = y * W + x;
    acc_t peak = to_acc(b[arg]);
    for (int k = ptr[d] + 1; k < ptr[d + 1]; ++k) {
      const int at = (y + points[2 * k]) * W + x + points[2 * k + 1];
      const acc_t v = to_acc(b[at]);
      if (v > peak) {
        peak = v;
        arg = at;
      }
    }
    atomicAdd(grad_boundary + n * H * W + arg, from_acc<T>(-to_acc(grad_output[index])));
  }
}

}  // namespace mmirn

#endif  // BOUNDARY_AFFINITY_CUDA_KERNEL_CUH
