// CUDA launcher of the sparse random walk.
#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAGuard.h>
#include <torch/extension.h>

#include <utility>

#include "random_walk_cuda_kernel.cuh"

namespace {

template <typename T>
struct CudaScalar {
  using type = T;
};
template <>
struct CudaScalar<at::Half> {
  using type = __half;
};

}  // namespace

void random_walk_forward_cuda(const at::Tensor& x, const at::Tensor& affinity,
                              at::Tensor& output, const at::Tensor& dirs, double beta,
                              int64_t num_iters) {
  const c10::cuda::CUDAGuard device_guard(x.device());
  cudaStream_t stream = at::cuda::getCurrentCUDAStream();
  const int N = x.size(0), C = x.size(1), H = x.size(2), W = x.size(3);
  const int D = dirs.size(0);
  output.copy_(x);
  if (x.numel() == 0 || num_iters == 0) return;
  // Half maps walk with float weights; float and double with their own type.
  const auto weight_type = x.scalar_type() == at::kHalf ? at::kFloat : x.scalar_type();
  at::Tensor weights =
      at::empty({N, 2 * D, H, W}, x.options().dtype(weight_type));
  at::Tensor buffer = at::empty_like(output);
  AT_DISPATCH_FLOATING_TYPES_AND_HALF(x.scalar_type(), "random_walk_forward_cuda", [&] {
    using T = typename CudaScalar<scalar_t>::type;
    using acc_t = typename mmirn::AccType<T>::type;
    const int64_t pixels = int64_t(N) * H * W;
    mmirn::random_walk_weights_cuda_kernel<T>
        <<<mmirn::get_blocks(pixels), mmirn::kThreadsPerBlock, 0, stream>>>(
            reinterpret_cast<const T*>(affinity.data_ptr<scalar_t>()),
            weights.data_ptr<acc_t>(), N, D, H, W, dirs.data_ptr<int>(), float(beta));
    C10_CUDA_KERNEL_LAUNCH_CHECK();
    // Ping-pong between output and buffer; the result is copied back when it ends up in
    // the buffer.
    T* src = reinterpret_cast<T*>(output.data_ptr<scalar_t>());
    T* dst = reinterpret_cast<T*>(buffer.data_ptr<scalar_t>());
    const int64_t total = x.numel();
    for (int64_t it = 0; it < num_iters; ++it) {
      mmirn::random_walk_step_cuda_kernel<T>
          <<<mmirn::get_blocks(total), mmirn::kThreadsPerBlock, 0, stream>>>(
              src, dst, weights.data_ptr<acc_t>(), N, C, D, H, W, dirs.data_ptr<int>());
      C10_CUDA_KERNEL_LAUNCH_CHECK();
      std::swap(src, dst);
    }
    if (num_iters % 2 == 1) output.copy_(buffer);
  });
}
