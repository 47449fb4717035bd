"""Boundary affinity of IRN: ``a_ij = 1 - max_{k on line(i, j)} B(k)`` (eq. 7)."""
import torch
from torch import Tensor, nn
from torch.autograd import Function
from torch.autograd.function import once_differentiable

from .directions import line_table
from .ext_loader import load_ext


class BoundaryAffinityFunction(Function):
    """Autograd function of :func:`boundary_affinity` on (N, H, W) maps."""

    @staticmethod
    def forward(ctx, boundary: Tensor, radius: int) -> Tensor:
        boundary = boundary.contiguous()
        dirs, points, ptr = line_table(radius, boundary.device)
        n, h, w = boundary.shape
        output = boundary.new_empty(n, dirs.shape[0], h, w)
        load_ext().boundary_affinity_forward(boundary, output, dirs, points, ptr)
        ctx.radius = radius
        ctx.save_for_backward(boundary)
        return output

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_output: Tensor):
        boundary, = ctx.saved_tensors
        dirs, points, ptr = line_table(ctx.radius, boundary.device)
        grad_boundary = torch.zeros_like(boundary)
        load_ext().boundary_affinity_backward(grad_output.contiguous(), boundary,
                                              grad_boundary, dirs, points, ptr)
        return grad_boundary, None


def _supported(t: Tensor) -> bool:
    if t.is_cuda:
        return t.dtype in (torch.float16, torch.float32, torch.float64)
    return t.dtype in (torch.float32, torch.float64)


def boundary_affinity(boundary: Tensor, radius: int) -> Tensor:
    """Affinities of every pixel to its neighbours from a class boundary map.

    ``out[n, d, y, x] = 1 - max`` of ``boundary[n]`` over the pixels on the
    line from (y, x) to (y + dy, x + dx), (dy, dx) being the d-th offset of
    :func:`search_directions`. Where the far end falls outside the image the
    value is 0 (no link) and gets no gradient. The gradient of the max goes to
    the first maximal pixel of the line, counted from (y, x).

    Args:
        boundary (Tensor): Boundary probabilities in [0, 1], (N, H, W) or
            (N, 1, H, W).
        radius (int): Search radius (5 for inference, 10 for training).

    Returns:
        Tensor: Affinities of shape (N, D, H, W).
    """
    if boundary.dim() == 4:
        if boundary.shape[1] != 1:
            raise ValueError(f'boundary must have one channel, got {tuple(boundary.shape)}')
        boundary = boundary[:, 0]
    if boundary.dim() != 3:
        raise ValueError(f'boundary must be (N, H, W), got {tuple(boundary.shape)}')
    if not _supported(boundary):
        return boundary_affinity(boundary.float(), radius).to(boundary.dtype)
    return BoundaryAffinityFunction.apply(boundary, radius)


class BoundaryAffinity(nn.Module):
    """Module form of :func:`boundary_affinity`.

    Args:
        radius (int): Search radius. Defaults to 5.
    """

    def __init__(self, radius: int = 5):
        super().__init__()
        self.radius = radius

    def forward(self, boundary: Tensor) -> Tensor:
        return boundary_affinity(boundary, self.radius)

    def extra_repr(self) -> str:
        return f'radius={self.radius}'
