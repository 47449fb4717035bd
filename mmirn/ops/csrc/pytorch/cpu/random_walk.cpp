// CPU kernels of the sparse random walk x_j <- sum_i a_ij^beta x_i / sum_i a_ij^beta (IRN eq. 13).
//
// The normalised weights of the K = 2D neighbours of every pixel are computed once. The
// walk keeps the channels in groups of CB interleaved per pixel, [N][G][Hp][Wp][CB], in a
// zero-padded plane, so one step of a pixel is K broadcast-multiply-adds over CB contiguous
// channels with no bounds check (absent neighbours have weight 0). Since the weights with
// the pixel's own sum to 1, a step is x_j + sum_k w_k (x_k - x_j): the float rounding then
// scales with the change, not with x, and does not pile up over hundreds of steps.
#include <ATen/Parallel.h>
#include <torch/extension.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

namespace {

// weights[n][j][k]: k = 0..D-1 the partner j + d_k, D..2D-1 the pixel j - d_k whose
// affinity to j is stored at j - d_k, divided by the sum over them and j itself (1).
template <typename scalar_t>
void compute_weights(const scalar_t* aff, scalar_t* weights, int N, int H, int W, int D,
                     const int* dirs, double beta) {
  const int K = 2 * D;
  at::parallel_for(0, int64_t(N) * H, 4, [&](int64_t begin, int64_t end) {
    std::vector<double> raw(K);
    for (int64_t r = begin; r < end; ++r) {
      const int n = r / H, y = r % H;
      const scalar_t* a = aff + int64_t(n) * D * H * W;
      for (int x = 0; x < W; ++x) {
        double sum = 1.0;
        for (int d = 0; d < D; ++d) {
          const int dy = dirs[2 * d], dx = dirs[2 * d + 1];
          double fwd = 0, bwd = 0;
          if (y + dy < H && x + dx >= 0 && x + dx < W)
            fwd = std::pow(double(a[(int64_t(d) * H + y) * W + x]), beta);
          if (y - dy >= 0 && x - dx >= 0 && x - dx < W)
            bwd = std::pow(double(a[(int64_t(d) * H + y - dy) * W + x - dx]), beta);
          raw[d] = fwd;
          raw[D + d] = bwd;
          sum += fwd + bwd;
        }
        scalar_t* w = weights + (r * W + x) * K;
        for (int k = 0; k < K; ++k) w[k] = scalar_t(raw[k] / sum);
      }
    }
  });
}

// One step of the pixels [0, W) of a row: dst = src + sum_k w[k] * (src[off[k]] - src), CB
// channels each. With CB a multiple of the vector width the channels are kBytes-wide
// vectors and the sum runs in two interleaved accumulators (even and odd k) to hide the
// add latency.
template <typename scalar_t, int CB, int kBytes>
inline __attribute__((always_inline)) void step_row(const scalar_t* __restrict__ src,
                                                    scalar_t* __restrict__ dst,
                                                    const scalar_t* __restrict__ w,
                                                    const int64_t* __restrict__ off, int W,
                                                    int K) {
  constexpr int L = kBytes / sizeof(scalar_t);
  if constexpr (CB % L == 0) {
    typedef scalar_t vec_t __attribute__((vector_size(kBytes)));
    constexpr int V = CB / L;
    for (int x = 0; x < W; ++x, w += K, src += CB, dst += CB) {
      vec_t self[V], even[V], odd[V];
      for (int v = 0; v < V; ++v) {
        std::memcpy(&self[v], src + v * L, sizeof(vec_t));
        even[v] = odd[v] = vec_t{};
      }
      int k = 0;
      for (; k + 1 < K; k += 2) {
        const scalar_t* __restrict__ s0 = src + off[k];
        const scalar_t* __restrict__ s1 = src + off[k + 1];
        const scalar_t w0 = w[k], w1 = w[k + 1];
        for (int v = 0; v < V; ++v) {
          vec_t a, b;
          std::memcpy(&a, s0 + v * L, sizeof(vec_t));
          std::memcpy(&b, s1 + v * L, sizeof(vec_t));
          even[v] += w0 * (a - self[v]);
          odd[v] += w1 * (b - self[v]);
        }
      }
      if (k < K) {
        const scalar_t* __restrict__ s0 = src + off[k];
        for (int v = 0; v < V; ++v) {
          vec_t a;
          std::memcpy(&a, s0 + v * L, sizeof(vec_t));
          even[v] += w[k] * (a - self[v]);
        }
      }
      for (int v = 0; v < V; ++v) {
        const vec_t sum = self[v] + (even[v] + odd[v]);
        std::memcpy(dst + v * L, &sum, sizeof(vec_t));
      }
    }
  } else {
    for (int x = 0; x < W; ++x, w += K, src += CB, dst += CB) {
      scalar_t acc[CB] = {};
      for (int k = 0; k < K; ++k) {
        const scalar_t wk = w[k];
        const scalar_t* __restrict__ s = src + off[k];
        for (int c = 0; c < CB; ++c) acc[c] += wk * (s[c] - src[c]);
      }
      for (int c = 0; c < CB; ++c) dst[c] = src[c] + acc[c];
    }
  }
}

// The arguments of one step over a range of (n, y) rows.
template <typename scalar_t>
struct StepArgs {
  const scalar_t* src;
  scalar_t* dst;
  const scalar_t* weights;
  const int64_t* off;
  int H, W, K, G, pad, Wp;
  int64_t plane;
};

template <typename scalar_t, int CB, int kBytes>
inline __attribute__((always_inline)) void step_rows(const StepArgs<scalar_t>& a,
                                                     int64_t begin, int64_t end) {
  for (int64_t r = begin; r < end; ++r) {
    const int n = r / a.H, y = r % a.H;
    const int64_t start = ((int64_t(y) + a.pad) * a.Wp + a.pad) * CB;
    for (int g = 0; g < a.G; ++g) {
      const int64_t base = (int64_t(n) * a.G + g) * a.plane + start;
      step_row<scalar_t, CB, kBytes>(a.src + base, a.dst + base, a.weights + r * a.W * a.K,
                                   a.off, a.W, a.K);
    }
  }
}

template <typename scalar_t, int CB>
void step_rows_generic(const StepArgs<scalar_t>& a, int64_t begin, int64_t end) {
  step_rows<scalar_t, CB, 16>(a, begin, end);
}

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#define MMIRN_X86_DISPATCH 1
// The same loop with 256-bit vectors, chosen at run time where the CPU has AVX2.
template <typename scalar_t, int CB>
__attribute__((target("avx2"))) void step_rows_avx2(const StepArgs<scalar_t>& a,
                                                   int64_t begin, int64_t end) {
  step_rows<scalar_t, CB, 32>(a, begin, end);
}
#endif

template <typename scalar_t, int CB>
void walk(const scalar_t* x, const scalar_t* weights, scalar_t* out, int N, int C, int H,
          int W, int D, const int* dirs, int64_t num_iters) {
  const int K = 2 * D;
  int pad = 0;
  for (int d = 0; d < D; ++d)
    pad = std::max(pad, std::max(std::abs(dirs[2 * d]), std::abs(dirs[2 * d + 1])));
  const int Hp = H + 2 * pad, Wp = W + 2 * pad;
  const int G = (C + CB - 1) / CB;
  const int64_t plane = int64_t(Hp) * Wp * CB;
  std::vector<int64_t> offset(K);
  for (int d = 0; d < D; ++d) {
    const int64_t o = (int64_t(dirs[2 * d]) * Wp + dirs[2 * d + 1]) * CB;
    offset[d] = o;
    offset[D + d] = -o;
  }
  // Ping-pong buffers, zero outside the image and in the padding channels.
  std::vector<scalar_t> buf_a(N * G * plane, scalar_t(0)), buf_b(N * G * plane, scalar_t(0));
  auto at_pixel = [&](int64_t ng, int y, int xx) {
    return ng * plane + ((int64_t(y) + pad) * Wp + xx + pad) * CB;
  };
  // visit(b, i) for every pixel: b its index in a padded buffer, i in x / out
  auto each_pixel = [&](auto&& visit) {
    at::parallel_for(0, int64_t(N) * C, 1, [&](int64_t begin, int64_t end) {
      for (int64_t nc = begin; nc < end; ++nc) {
        const int n = nc / C, c = nc % C;
        const int64_t ng = int64_t(n) * G + c / CB;
        for (int y = 0; y < H; ++y)
          for (int xx = 0; xx < W; ++xx)
            visit(at_pixel(ng, y, xx) + c % CB, (nc * H + y) * W + xx);
      }
    });
  };
  each_pixel([&](int64_t b, int64_t i) { buf_a[b] = x[i]; });
  scalar_t* src = buf_a.data();
  scalar_t* dst = buf_b.data();
  auto step = &step_rows_generic<scalar_t, CB>;
#ifdef MMIRN_X86_DISPATCH
  if (__builtin_cpu_supports("avx2"))
    step = &step_rows_avx2<scalar_t, CB>;
#endif
  StepArgs<scalar_t> args{nullptr, nullptr, weights, offset.data(), H, W, K, G, pad, Wp,
                          plane};
  for (int64_t it = 0; it < num_iters; ++it) {
    // A task is a run of image rows in all channel groups, so their weights stay in cache.
    args.src = src;
    args.dst = dst;
    at::parallel_for(0, int64_t(N) * H, 1,
                     [&](int64_t begin, int64_t end) { step(args, begin, end); });
    std::swap(src, dst);
  }
  each_pixel([&](int64_t b, int64_t i) { out[i] = src[b]; });
}

// Channels walked together: few enough to stay in registers, with little padding.
int channel_block(int C) {
  for (int cb : {1, 2, 4, 8, 16, 24, 32})
    if (C <= cb) return cb;
  int best = 32;
  for (int cb : {24, 16, 8})
    if ((C + cb - 1) / cb * cb < (C + best - 1) / best * best) best = cb;
  return best;
}

template <typename scalar_t>
void walk_any(const scalar_t* x, const scalar_t* weights, scalar_t* out, int N, int C, int H,
              int W, int D, const int* dirs, int64_t num_iters) {
  switch (channel_block(C)) {
#define MMIRN_WALK_CASE(CB)                                             \
  case CB:                                                              \
    walk<scalar_t, CB>(x, weights, out, N, C, H, W, D, dirs, num_iters); \
    break;
    MMIRN_WALK_CASE(1)
    MMIRN_WALK_CASE(2)
    MMIRN_WALK_CASE(4)
    MMIRN_WALK_CASE(8)
    MMIRN_WALK_CASE(16)
    MMIRN_WALK_CASE(24)
    MMIRN_WALK_CASE(32)
#undef MMIRN_WALK_CASE
  }
}

}  // namespace

void random_walk_forward_cpu(const at::Tensor& x, const at::Tensor& affinity,
                             at::Tensor& output, const at::Tensor& dirs, double beta,
                             int64_t num_iters) {
  TORCH_CHECK(dirs.scalar_type() == at::kInt && dirs.is_contiguous(),
              "directions must be a contiguous int32 tensor");
  const int N = x.size(0), C = x.size(1), H = x.size(2), W = x.size(3);
  const int D = dirs.size(0);
  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "random_walk_forward_cpu", [&] {
    std::vector<scalar_t> weights(int64_t(N) * H * W * 2 * D);
    const int* d = dirs.data_ptr<int>();
    compute_weights<scalar_t>(affinity.data_ptr<scalar_t>(), weights.data(), N, H, W, D, d,
                              beta);
    const scalar_t* xp = x.data_ptr<scalar_t>();
    scalar_t* op = output.data_ptr<scalar_t>();
    walk_any<scalar_t>(xp, weights.data(), op, N, C, H, W, D, d, num_iters);
  });
}
