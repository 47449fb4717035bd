// Device-agnostic entry of the boundary affinity op: checks and dispatch on the device.
#include <torch/extension.h>

void boundary_affinity_forward_cpu(const at::Tensor& boundary, at::Tensor& output,
                                   const at::Tensor& dirs, const at::Tensor& points,
                                   const at::Tensor& ptr);
void boundary_affinity_backward_cpu(const at::Tensor& grad_output, const at::Tensor& boundary,
                                    at::Tensor& grad_boundary, const at::Tensor& dirs,
                                    const at::Tensor& points, const at::Tensor& ptr);
#ifdef WITH_CUDA
void boundary_affinity_forward_cuda(const at::Tensor& boundary, at::Tensor& output,
                                    const at::Tensor& dirs, const at::Tensor& points,
                                    const at::Tensor& ptr);
void boundary_affinity_backward_cuda(const at::Tensor& grad_output,
                                     const at::Tensor& boundary, at::Tensor& grad_boundary,
                                     const at::Tensor& dirs, const at::Tensor& points,
                                     const at::Tensor& ptr);
#endif

namespace {

void check_inputs(const at::Tensor& boundary, const at::Tensor& out, const at::Tensor& dirs,
                  const at::Tensor& points, const at::Tensor& ptr) {
  TORCH_CHECK(boundary.dim() == 3, "boundary must be (N, H, W), got ", boundary.sizes());
  TORCH_CHECK(out.dim() == 4 && out.size(0) == boundary.size(0) &&
                  out.size(1) == dirs.size(0) && out.size(2) == boundary.size(1) &&
                  out.size(3) == boundary.size(2),
              "affinity must be (N, D, H, W), got ", out.sizes());
  TORCH_CHECK(boundary.is_contiguous() && out.is_contiguous(), "tensors must be contiguous");
  TORCH_CHECK(out.scalar_type() == boundary.scalar_type(), "dtype mismatch");
  TORCH_CHECK(dirs.dim() == 2 && dirs.size(1) == 2 && points.dim() == 2 &&
                  points.size(1) == 2 && ptr.numel() == dirs.size(0) + 1,
              "malformed direction tables");
  for (const at::Tensor* t : {&out, &dirs, &points, &ptr})
    TORCH_CHECK(t->device() == boundary.device(), "all tensors must be on one device");
}

}  // namespace

void boundary_affinity_forward(const at::Tensor& boundary, at::Tensor& output,
                               const at::Tensor& dirs, const at::Tensor& points,
                               const at::Tensor& ptr) {
  check_inputs(boundary, output, dirs, points, ptr);
  if (boundary.is_cuda()) {
#ifdef WITH_CUDA
    boundary_affinity_forward_cuda(boundary, output, dirs, points, ptr);
#else
    TORCH_CHECK(false, "mmirn._ext was built without CUDA");
#endif
  } else {
    boundary_affinity_forward_cpu(boundary, output, dirs, points, ptr);
  }
}

void boundary_affinity_backward(const at::Tensor& grad_output, const at::Tensor& boundary,
                                at::Tensor& grad_boundary, const at::Tensor& dirs,
                                const at::Tensor& points, const at::Tensor& ptr) {
  check_inputs(boundary, grad_output, dirs, points, ptr);
  TORCH_CHECK(grad_boundary.sizes() == boundary.sizes() && grad_boundary.is_contiguous() &&
                  grad_boundary.device() == boundary.device(),
              "grad_boundary must be a contiguous tensor shaped like boundary");
  if (boundary.is_cuda()) {
#ifdef WITH_CUDA
    boundary_affinity_backward_cuda(grad_output, boundary, grad_boundary, dirs, points, ptr);
#else
    TORCH_CHECK(false, "mmirn._ext was built without CUDA");
#endif
  } else {
    boundary_affinity_backward_cpu(grad_output, boundary, grad_boundary, dirs, points, ptr);
  }
}
