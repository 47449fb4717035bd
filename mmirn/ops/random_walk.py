"""Sparse random walk on symmetric neighbour affinities (IRN eq. 12-13, PSA)."""
import torch
from torch import Tensor, nn
from torch.autograd import Function

from .boundary_affinity import _supported, boundary_affinity
from .directions import line_table
from .ext_loader import load_ext


class RandomWalkFunction(Function):
    """Autograd function of :func:`random_walk` (forward only)."""

    @staticmethod
    def forward(ctx, x: Tensor, affinity: Tensor, radius: int, beta: float,
                num_iters: int) -> Tensor:
        dirs = line_table(radius, x.device)[0]
        output = torch.empty_like(x, memory_format=torch.contiguous_format)
        load_ext().random_walk_forward(x.contiguous(), affinity.contiguous(), output,
                                       dirs, float(beta), int(num_iters))
        return output

    @staticmethod
    def backward(ctx, grad_output):
        raise NotImplementedError('random_walk has no backward')


def random_walk(x: Tensor, affinity: Tensor, radius: int, beta: float,
                num_iters: int) -> Tensor:
    """Propagate maps along affinities with a random walk.

    Each step replaces every pixel j by ``sum_i a_ij^beta x_i / sum_i
    a_ij^beta`` over j itself (``a_jj = 1``) and its neighbours ``j + d`` and
    ``j - d`` for every offset d of :func:`search_directions`; neighbours
    outside the image contribute nothing. The affinity of (p, p + d) is read
    from ``affinity[:, d, p]`` and used for both orders of the pair, so this
    equals ``T^t vec(x)`` with ``T = S^-1 A^beta`` (the dense formulation) in
    ``O(HW D)`` memory.

    Args:
        x (Tensor): Maps to propagate, (N, C, H, W), any number of channels.
        affinity (Tensor): Non-negative affinities, (N, D, H, W).
        radius (int): Search radius that ``affinity`` was computed for.
        beta (float): Power applied to the affinities.
        num_iters (int): Number of steps t.

    Returns:
        Tensor: The propagated maps, (N, C, H, W).
    """
    if x.dim() != 4:
        raise ValueError(f'x must be (N, C, H, W), got {tuple(x.shape)}')
    num_dirs = line_table(radius)[0].shape[0]
    expected = (x.shape[0], num_dirs, x.shape[2], x.shape[3])
    if tuple(affinity.shape) != expected:
        raise ValueError(f'affinity must be {expected} for radius {radius}, '
                         f'got {tuple(affinity.shape)}')
    if not _supported(x):
        return random_walk(x.float(), affinity, radius, beta, num_iters).to(x.dtype)
    return RandomWalkFunction.apply(x, affinity.to(x.dtype), radius, beta, num_iters)


def propagate(cam: Tensor, boundary: Tensor, radius: int = 5, beta: float = 10,
              num_iters: int = 256) -> Tensor:
    """IRN's semantic propagation of CAMs inside class boundaries.

    ``random_walk(cam * (1 - boundary), boundary_affinity(boundary, radius),
    radius, beta, num_iters)``.

    Args:
        cam (Tensor): Maps to propagate, (N, C, H, W).
        boundary (Tensor): Boundary map in [0, 1], (N, H, W) or (N, 1, H, W).
        radius (int): Search radius. Defaults to 5.
        beta (float): Power applied to the affinities. Defaults to 10.
        num_iters (int): Number of steps. Defaults to 256.

    Returns:
        Tensor: The propagated maps, (N, C, H, W).
    """
    if boundary.dim() == 3:
        boundary = boundary[:, None]
    affinity = boundary_affinity(boundary, radius)
    return random_walk(cam * (1 - boundary), affinity, radius, beta, num_iters)


class RandomWalk(nn.Module):
    """Module form of :func:`random_walk`.

    Args:
        radius (int): Search radius. Defaults to 5.
        beta (float): Power applied to the affinities. Defaults to 10.
        num_iters (int): Number of steps. Defaults to 256.
    """

    def __init__(self, radius: int = 5, beta: float = 10, num_iters: int = 256):
        super().__init__()
        self.radius = radius
        self.beta = beta
        self.num_iters = num_iters

    def forward(self, x: Tensor, affinity: Tensor) -> Tensor:
        return random_walk(x, affinity, self.radius, self.beta, self.num_iters)

    def extra_repr(self) -> str:
        return f'radius={self.radius}, beta={self.beta}, num_iters={self.num_iters}'
