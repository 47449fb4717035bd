// The one Python module of mmirn's compiled ops: mmirn._ext.
#include <torch/extension.h>

bool compiled_with_cuda() {
#ifdef WITH_CUDA
  return true;
#else
  return false;
#endif
}

PYBIND11_MODULE(TORCH_EXTENSION_NAME, m) {
  m.def("compiled_with_cuda", &compiled_with_cuda,
        "whether mmirn._ext was built with its CUDA kernels");
}
