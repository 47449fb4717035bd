// CUDA kernels of the sparse random walk x_j <- sum_i a_ij^beta x_i / sum_i a_ij^beta
// (IRN eq. 13). Torch-free: raw pointers, grid-stride loops.
#ifndef RANDOM_WALK_CUDA_KERNEL_CUH
#define RANDOM_WALK_CUDA_KERNEL_CUH

#include "mmirn_cuda_helper.cuh"

namespace mmirn {

// weights (N, 2D, H, W) in the arithmetic type: k = 0..D-1 the partner p + d_k, D..2D-1
// the pixel p - d_k (whose affinity to p is stored at p - d_k), each divided by the sum
// over them and p itself (1); 0 for neighbours outside the image.
template <typename T>
__global__ void random_walk_weights_cuda_kernel(const T* __restrict__ affinity,
                                                typename AccType<T>::type* __restrict__ weights,
                                                int N, int D, int H, int W,
                                                const int* __restrict__ dirs, float beta) {
  using acc_t = typename AccType<T>::type;
  const int64_t HW = int64_t(H) * W;
  MMIRN_CUDA_1D_KERNEL_LOOP(index, int64_t(N) * HW) {
    const int64_t p = index % HW;
    const int64_t n = index / HW;
    const int y = p / W, x = p % W;
    const T* a = affinity + n * D * HW;
    acc_t* w = weights + n * 2 * D * HW + p;
    acc_t sum = 1;
    for (int d = 0; d < D; ++d) {
      const int dy = dirs[2 * d], dx = dirs[2 * d + 1];
      acc_t fwd = 0, bwd = 0;
      if (y + dy < H && x + dx >= 0 && x + dx < W)
        fwd = pow(to_acc(a[d * HW + p]), acc_t(beta));
      if (y - dy >= 0 && x - dx >= 0 && x - dx < W)
        bwd = pow(to_acc(a[d * HW + p - dy * W - dx]), acc_t(beta));
      w[d * HW] = fwd;
      w[(D + d) * HW] = bwd;
      sum += fwd + bwd;
    }
    const acc_t inv = acc_t(1) / sum;
    for (int k = 0; k < 2 * D; ++k) w[k * HW] *= inv;
  }
}

// One step: dst = src + sum_k weights[k] * (src[p + offset_k] - src[p]). The weights with
// the pixel's own sum to 1, and this form keeps the rounding proportional to the change.
template <typename T>
__global__ void random_walk_step_cuda_kernel(const T* __restrict__ src, T* __restrict__ dst,
                                             const typename AccType<T>::type* __restrict__ weights,
                                             int N, int C, int D, int H, int W,
                                             const int* __restrict__ dirs) {
  using acc_t = typename AccType<T>::type;
  const int64_t HW = int64_t(H) * W;
  MMIRN_CUDA_1D_KERNEL_LOOP(index, int64_t(N) * C * HW) {
    const int64_t p = index % HW;
    const int64_t n = index / (C * HW);
    const int y = p / W, x = p % W;
    const T* s = src + (index - p);
    const acc_t* w = weights + n * 2 * D * HW + p;
    const acc_t self = to_acc(s[p]);
    acc_t acc = 0;
    for (int d = 0; d < D; ++d) {
      const int dy = dirs[2 * d], dx = dirs[2 * d + 1];
      if (y + dy < H && x + dx >= 0 && x + dx < W)
        acc += w[d * HW] * (to_acc(s[p + dy * W + dx]) - self);
      if (y - dy >= 0 && x - dx >= 0 && x - dx < W)
        acc += w[(D + d) * HW] * (to_acc(s[p - dy * W - dx]) - self);
    }
    dst[index] = from_acc<T>(self + acc);
  }
}

}  // namespace mmirn

#endif  // RANDOM_WALK_CUDA_KERNEL_CUH
