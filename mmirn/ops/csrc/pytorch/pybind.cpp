// The one Python module of mmirn's compiled ops: mmirn._ext.
#include <torch/extension.h>

bool compiled_with_cuda() {
#ifdef WITH_CUDA
  return true;
#else
  return false;
#endif
}

void boundary_affinity_forward(const at::Tensor& boundary, at::Tensor& output,
                               const at::Tensor& dirs, const at::Tensor& points,
                               const at::Tensor& ptr);
void boundary_affinity_backward(const at::Tensor& grad_output, const at::Tensor& boundary,
                                at::Tensor& grad_boundary, const at::Tensor& dirs,
                                const at::Tensor& points, const at::Tensor& ptr);
void random_walk_forward(const at::Tensor& x, const at::Tensor& affinity, at::Tensor& output,
                         const at::Tensor& dirs, double beta, int64_t num_iters);

PYBIND11_MODULE(TORCH_EXTENSION_NAME, m) {
  m.def("compiled_with_cuda", &compiled_with_cuda,
        "whether mmirn._ext was built with its CUDA kernels");
  m.def("boundary_affinity_forward", &boundary_affinity_forward,
        "out[n, d, p] = 1 - max of boundary[n] on the line from p to p + d",
        py::arg("boundary"), py::arg("output"), py::arg("dirs"), py::arg("points"),
        py::arg("ptr"));
  m.def("boundary_affinity_backward", &boundary_affinity_backward,
        "gradient of boundary_affinity_forward w.r.t. boundary (accumulated)",
        py::arg("grad_output"), py::arg("boundary"), py::arg("grad_boundary"),
        py::arg("dirs"), py::arg("points"), py::arg("ptr"));
  m.def("random_walk_forward", &random_walk_forward,
        "num_iters steps of the normalised random walk on symmetric affinities",
        py::arg("x"), py::arg("affinity"), py::arg("output"), py::arg("dirs"),
        py::arg("beta"), py::arg("num_iters"));
}
