// CPU kernels of the boundary affinity a = 1 - max of the boundary along a line (IRN eq. 7).
// Each task handles whole image rows so that the inner loops run over contiguous pixels.
#include <ATen/Parallel.h>
#include <torch/extension.h>

#include <algorithm>
#include <vector>

namespace {

// Pixel range [x0, x1) of a row whose partner at column offset dx lies inside the image.
inline void valid_columns(int W, int dx, int* x0, int* x1) {
  *x0 = std::min(W, std::max(0, -dx));
  *x1 = std::max(*x0, W - std::max(0, dx));
}

template <typename scalar_t>
void forward_kernel(const scalar_t* __restrict__ boundary, scalar_t* __restrict__ out,
                    int N, int H, int W, int D, const int* dirs, const int* points,
                    const int* ptr) {
  const int64_t rows = int64_t(N) * D * H;
  at::parallel_for(0, rows, 16, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const int y = r % H;
      const int d = (r / H) % D;
      const int n = r / (int64_t(H) * D);
      scalar_t* __restrict__ o = out + r * W;
      const scalar_t* __restrict__ b = boundary + int64_t(n) * H * W;
      const int dy = dirs[2 * d], dx = dirs[2 * d + 1];
      int x0, x1;
      valid_columns(W, dx, &x0, &x1);
      if (y + dy >= H) x1 = x0;
      std::fill(o, o + x0, scalar_t(0));
      std::fill(o + x1, o + W, scalar_t(0));
      if (x1 == x0) continue;
      // Running max over the line, one line point at a time for the whole row.
      std::copy(b + int64_t(y) * W + x0, b + int64_t(y) * W + x1, o + x0);
      for (int k = ptr[d] + 1; k < ptr[d + 1]; ++k) {
        const scalar_t* __restrict__ s =
            b + int64_t(y + points[2 * k]) * W + points[2 * k + 1];
        for (int x = x0; x < x1; ++x) o[x] = std::max(o[x], s[x]);
      }
      for (int x = x0; x < x1; ++x) o[x] = scalar_t(1) - o[x];
    }
  });
}

// Adds -grad_out to the first maximum of every line. Tasks are bands of `band` rows of
// one image; a band writes at most `band - 1 + max dy` rows down, so bands of the same
// parity never overlap when band >= max dy, and the two parities run one after the other.
template <typename scalar_t>
void backward_kernel(const scalar_t* __restrict__ grad_out,
                     const scalar_t* __restrict__ boundary, scalar_t* __restrict__ grad,
                     int N, int H, int W, int D, const int* dirs, const int* points,
                     const int* ptr) {
  int max_dy = 1;
  for (int d = 0; d < D; ++d) max_dy = std::max(max_dy, dirs[2 * d]);
  const int threads = std::max(1, at::get_num_threads());
  const int band = std::max(max_dy, (H + 2 * threads - 1) / (2 * threads));
  const int num_bands = (H + band - 1) / band;
  const int per_parity = (num_bands + 1) / 2;
  for (int parity = 0; parity < 2; ++parity) {
    at::parallel_for(0, int64_t(N) * per_parity, 1, [&](int64_t begin, int64_t end) {
      std::vector<scalar_t> row_max(W);
      std::vector<int> row_arg(W);
      for (int64_t t = begin; t < end; ++t) {
        const int n = t / per_parity;
        const int band_id = 2 * (t % per_parity) + parity;
        if (band_id >= num_bands) continue;
        const scalar_t* b = boundary + int64_t(n) * H * W;
        scalar_t* g = grad + int64_t(n) * H * W;
        const int y_end = std::min(H, (band_id + 1) * band);
        for (int y = band_id * band; y < y_end; ++y) {
          for (int d = 0; d < D; ++d) {
            const int dy = dirs[2 * d], dx = dirs[2 * d + 1];
            int x0, x1;
            valid_columns(W, dx, &x0, &x1);
            if (y + dy >= H || x1 == x0) continue;
            const scalar_t* __restrict__ go = grad_out + ((int64_t(n) * D + d) * H + y) * W;
            scalar_t* __restrict__ m = row_max.data();
            int* __restrict__ arg = row_arg.data();
            // Running max and first arg-max (strict >) of the whole row, point by point.
            std::copy(b + int64_t(y) * W + x0, b + int64_t(y) * W + x1, m + x0);
            std::fill(arg + x0, arg + x1, ptr[d]);
            for (int k = ptr[d] + 1; k < ptr[d + 1]; ++k) {
              const scalar_t* __restrict__ s =
                  b + int64_t(y + points[2 * k]) * W + points[2 * k + 1];
              for (int x = x0; x < x1; ++x) {  // branch-free so that it vectorises
                const scalar_t v = s[x], cur = m[x];
                const int greater = -int(v > cur);
                m[x] = std::max(cur, v);
                arg[x] ^= (arg[x] ^ k) & greater;
              }
            }
            for (int x = x0; x < x1; ++x) {
              const int k = arg[x];
              g[int64_t(y + points[2 * k]) * W + points[2 * k + 1] + x] -= go[x];
            }
          }
        }
      }
    });
  }
}

void check_tables(const at::Tensor& dirs, const at::Tensor& points, const at::Tensor& ptr) {
  TORCH_CHECK(dirs.scalar_type() == at::kInt && points.scalar_type() == at::kInt &&
                  ptr.scalar_type() == at::kInt,
              "direction tables must be int32");
  TORCH_CHECK(dirs.is_contiguous() && points.is_contiguous() && ptr.is_contiguous(),
              "direction tables must be contiguous");
}

}  // namespace

void boundary_affinity_forward_cpu(const at::Tensor& boundary, at::Tensor& output,
                                   const at::Tensor& dirs, const at::Tensor& points,
                                   const at::Tensor& ptr) {
  check_tables(dirs, points, ptr);
  const int N = boundary.size(0), H = boundary.size(1), W = boundary.size(2);
  const int D = dirs.size(0);
  AT_DISPATCH_FLOATING_TYPES(boundary.scalar_type(), "boundary_affinity_forward_cpu", [&] {
    forward_kernel<scalar_t>(boundary.data_ptr<scalar_t>(), output.data_ptr<scalar_t>(),
                             N, H, W, D, dirs.data_ptr<int>(), points.data_ptr<int>(),
                             ptr.data_ptr<int>());
  });
}

void boundary_affinity_backward_cpu(const at::Tensor& grad_output, const at::Tensor& boundary,
                                    at::Tensor& grad_boundary, const at::Tensor& dirs,
                                    const at::Tensor& points, const at::Tensor& ptr) {
  check_tables(dirs, points, ptr);
  const int N = boundary.size(0), H = boundary.size(1), W = boundary.size(2);
  const int D = dirs.size(0);
  AT_DISPATCH_FLOATING_TYPES(boundary.scalar_type(), "boundary_affinity_backward_cpu", [&] {
    backward_kernel<scalar_t>(grad_output.data_ptr<scalar_t>(), boundary.data_ptr<scalar_t>(),
                              grad_boundary.data_ptr<scalar_t>(), N, H, W, D,
                              dirs.data_ptr<int>(), points.data_ptr<int>(),
                              ptr.data_ptr<int>());
  });
}
