"""Pure-PyTorch references of the compiled ops, for tests and benchmarks."""
import torch
import torch.nn.functional as F
from torch import Tensor

from .directions import line_points, line_table, pair_windows


def boundary_affinity_ref(boundary: Tensor, radius: int) -> Tensor:
    """Reference of :func:`mmirn.ops.boundary_affinity` (one slice per line point)."""
    if boundary.dim() == 4:
        boundary = boundary[:, 0]
    n, h, w = boundary.shape
    out = boundary.new_zeros(n, len(line_table(radius)[0]), h, w)
    for d, dy, dx, x0, x1 in pair_windows(radius, h, w):
        peak = None
        for py, px in line_points(dy, dx):
            b = boundary[:, py:py + h - dy, x0 + px:x1 + px]
            peak = b if peak is None else torch.maximum(peak, b)
        out[:, d, :h - dy, x0:x1] = 1 - peak
    return out


def _walk_weights(affinity: Tensor, radius: int, beta: float):
    """Normalised stencil weights: self (N, 1, H, W), forward and backward lists."""
    n, _, h, w = affinity.shape
    dirs = line_table(radius)[0].tolist()
    fwd = [affinity.new_zeros(n, 1, h, w) for _ in dirs]
    for d, dy, dx, x0, x1 in pair_windows(radius, h, w):
        fwd[d][:, 0, :h - dy, x0:x1] = affinity[:, d, :h - dy, x0:x1].pow(beta)
    # The pair (p, p + d) seen from p + d.
    bwd = [
        F.pad(a, (max(0, dx), max(0, -dx), dy, 0))[:, :, :h, max(0, -dx):][..., :w]
        for (dy, dx), a in zip(dirs, fwd)
    ]
    norm = 1 + sum(fwd) + sum(bwd)
    return 1 / norm, [a / norm for a in fwd], [b / norm for b in bwd], dirs


def random_walk_ref(x: Tensor, affinity: Tensor, radius: int, beta: float,
                    num_iters: int) -> Tensor:
    """Reference of :func:`mmirn.ops.random_walk` as a shift-and-add stencil."""
    self_w, fwd, bwd, dirs = _walk_weights(affinity, radius, beta)
    pad = radius
    h, w = x.shape[-2:]
    for _ in range(num_iters):
        xp = F.pad(x, (pad, pad, pad, pad))
        out = self_w * x
        for (dy, dx), a, b in zip(dirs, fwd, bwd):
            out = out + a * xp[..., pad + dy:pad + dy + h, pad + dx:pad + dx + w]
            out = out + b * xp[..., pad - dy:pad - dy + h, pad - dx:pad - dx + w]
        x = out
    return x


def dense_transition(affinity: Tensor, radius: int, beta: float) -> Tensor:
    """Dense column-stochastic matrices ``A^beta / sum_i A^beta`` of shape (N, HW, HW)."""
    n, _, h, w = affinity.shape
    idx = torch.arange(h * w, device=affinity.device).view(h, w)
    mats = []
    for i in range(n):
        a = torch.eye(h * w, dtype=affinity.dtype, device=affinity.device)
        for d, dy, dx, x0, x1 in pair_windows(radius, h, w):
            src = idx[:h - dy, x0:x1].reshape(-1)
            dst = idx[dy:, x0 + dx:x1 + dx].reshape(-1)
            val = affinity[i, d, :h - dy, x0:x1].reshape(-1).pow(beta)
            a[src, dst] = val
            a[dst, src] = val
        mats.append(a / a.sum(0, keepdim=True))
    return torch.stack(mats)


def random_walk_dense(x: Tensor, affinity: Tensor, radius: int, beta: float,
                      num_iters: int) -> Tensor:
    """Reference of :func:`mmirn.ops.random_walk` with the dense (HW, HW) matrix."""
    n, c, h, w = x.shape
    trans = dense_transition(affinity, radius, beta)
    power = torch.linalg.matrix_power(trans, num_iters)
    return torch.bmm(x.reshape(n, c, h * w), power).view(n, c, h, w)
