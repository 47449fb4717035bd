// Torch-free helpers shared by mmirn's CUDA kernels.
#ifndef MMIRN_CUDA_HELPER_CUH
#define MMIRN_CUDA_HELPER_CUH

#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>

#define MMIRN_CUDA_1D_KERNEL_LOOP(i, n)                                       \
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < (n); \
       i += int64_t(blockDim.x) * gridDim.x)

namespace mmirn {

constexpr int kThreadsPerBlock = 256;
constexpr int64_t kMaxBlocks = 4096;

// Blocks of a grid-stride loop over n elements.
inline int get_blocks(int64_t n) {
  const int64_t blocks = (n + kThreadsPerBlock - 1) / kThreadsPerBlock;
  return int(blocks < kMaxBlocks ? (blocks > 0 ? blocks : 1) : kMaxBlocks);
}

// Arithmetic type of a storage type (half is computed in float).
template <typename T>
struct AccType {
  using type = T;
};
template <>
struct AccType<__half> {
  using type = float;
};

__device__ __forceinline__ float to_acc(__half v) { return __half2float(v); }
__device__ __forceinline__ float to_acc(float v) { return v; }
__device__ __forceinline__ double to_acc(double v) { return v; }

template <typename T>
__device__ __forceinline__ T from_acc(typename AccType<T>::type v) {
  return T(v);
}
template <>
__device__ __forceinline__ __half from_acc<__half>(float v) {
  return __float2half(v);
}

}  // namespace mmirn

#endif  // MMIRN_CUDA_HELPER_CUH
