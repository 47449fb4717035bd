// CUDA launchers of the boundary affinity op.
#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAGuard.h>
#include <torch/extension.h>

#include "boundary_affinity_cuda_kernel.cuh"

namespace {

// The CUDA type with the layout of a torch scalar type.
template <typename T>
struct CudaScalar {
  using type = T;
};
template <>
struct CudaScalar<at::Half> {
  using type = __half;
};

}  // namespace

void boundary_affinity_forward_cuda(const at::Tensor& boundary, at::Tensor& output,
                                    const at::Tensor& dirs, const at::Tensor& points,
                                    const at::Tensor& ptr) {
  const c10::cuda::CUDAGuard device_guard(boundary.device());
  cudaStream_t stream = at::cuda::getCurrentCUDAStream();
  const int N = boundary.size(0), H = boundary.size(1), W = boundary.size(2);
  const int D = dirs.size(0);
  const int64_t total = output.numel();
  if (total == 0) return;
  AT_DISPATCH_FLOATING_TYPES_AND_HALF(
      boundary.scalar_type(), "boundary_affinity_forward_cuda", [&] {
        using T = typename CudaScalar<scalar_t>::type;
        mmirn::boundary_affinity_forward_cuda_kernel<T>
            <<<mmirn::get_blocks(total), mmirn::kThreadsPerBlock, 0, stream>>>(
                reinterpret_cast<const T*>(boundary.data_ptr<scalar_t>()),
                reinterpret_cast<T*>(output.data_ptr<scalar_t>()), N, D, H, W,
                dirs.data_ptr<int>(), points.data_ptr<int>(), ptr.data_ptr<int>());
        C10_CUDA_KERNEL_LAUNCH_CHECK();
      });
}

void boundary_affinity_backward_cuda(const at::Tensor& grad_output,
                                     const at::Tensor& boundary, at::Tensor& grad_boundary,
                                     const at::Tensor& dirs, const at::Tensor& points,
                                     const at::Tensor& ptr) {
  const c10::cuda::CUDAGuard device_guard(boundary.device());
  cudaStream_t stream = at::cuda::getCurrentCUDAStream();
  const int N = boundary.size(0), H = boundary.size(1), W = boundary.size(2);
  const int D = dirs.size(0);
  const int64_t total = grad_output.numel();
  grad_boundary.zero_();
  if (total == 0) return;
  AT_DISPATCH_FLOATING_TYPES_AND_HALF(
      boundary.scalar_type(), "boundary_affinity_backward_cuda", [&] {
        using T = typename CudaScalar<scalar_t>::type;
        mmirn::boundary_affinity_backward_cuda_kernel<T>
            <<<mmirn::get_blocks(total), mmirn::kThreadsPerBlock, 0, stream>>>(
                reinterpret_cast<const T*>(grad_output.data_ptr<scalar_t>()),
                reinterpret_cast<const T*>(boundary.data_ptr<scalar_t>()),
                reinterpret_cast<T*>(grad_boundary.data_ptr<scalar_t>()), N, D, H, W,
                dirs.data_ptr<int>(), points.data_ptr<int>(), ptr.data_ptr<int>());
        C10_CUDA_KERNEL_LAUNCH_CHECK();
      });
}
