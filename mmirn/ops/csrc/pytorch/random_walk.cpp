// Device-agnostic entry of the sparse random walk: checks and dispatch on the device.
#include <torch/extension.h>

void random_walk_forward_cpu(const at::Tensor& x, const at::Tensor& affinity,
                             at::Tensor& output, const at::Tensor& dirs, double beta,
                             int64_t num_iters);
#ifdef WITH_CUDA
void random_walk_forward_cuda(const at::Tensor& x, const at::Tensor& affinity,
                              at::Tensor& output, const at::Tensor& dirs, double beta,
                              int64_t num_iters);
#endif

void random_walk_forward(const at::Tensor& x, const at::Tensor& affinity, at::Tensor& output,
                         const at::Tensor& dirs, double beta, int64_t num_iters) {
  TORCH_CHECK(x.dim() == 4, "x must be (N, C, H, W), got ", x.sizes());
  TORCH_CHECK(affinity.dim() == 4 && affinity.size(0) == x.size(0) &&
                  affinity.size(1) == dirs.size(0) && affinity.size(2) == x.size(2) &&
                  affinity.size(3) == x.size(3),
              "affinity must be (N, D, H, W) matching x, got ", affinity.sizes());
  TORCH_CHECK(output.sizes() == x.sizes(), "output must be shaped like x");
  TORCH_CHECK(x.is_contiguous() && affinity.is_contiguous() && output.is_contiguous(),
              "tensors must be contiguous");
  TORCH_CHECK(affinity.scalar_type() == x.scalar_type() &&
                  output.scalar_type() == x.scalar_type(),
              "dtype mismatch");
  TORCH_CHECK(dirs.dim() == 2 && dirs.size(1) == 2, "directions must be (D, 2)");
  TORCH_CHECK(num_iters >= 0, "num_iters must be >= 0");
  TORCH_CHECK(affinity.device() == x.device() && output.device() == x.device() &&
                  dirs.device() == x.device(),
              "all tensors must be on one device");
  if (x.is_cuda()) {
#ifdef WITH_CUDA
    random_walk_forward_cuda(x, affinity, output, dirs, beta, num_iters);
#else
    TORCH_CHECK(false, "mmirn._ext was built without CUDA");
#endif
  } else {
    random_walk_forward_cpu(x, affinity, output, dirs, beta, num_iters);
  }
}
