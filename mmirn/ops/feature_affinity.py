"""PSA's feature affinity ``a_ij = exp(-mean_c |f_i - f_j|)`` (AffinityNet, CVPR18)."""
import torch
from torch import Tensor

from .directions import line_table, pair_windows


def feature_affinity(feat: Tensor, radius: int) -> Tensor:
    """Affinities of every pixel to its neighbours from feature similarity.

    ``out[n, d, y, x] = exp(-mean_c |feat[n, c, y, x] - feat[n, c, y + dy,
    x + dx]|)`` for the offsets of :func:`search_directions`, 0 where the
    neighbour is outside the image. Differentiable.

    Args:
        feat (Tensor): Features of shape (N, C, H, W).
        radius (int): Search radius.

    Returns:
        Tensor: Affinities of shape (N, D, H, W).
    """
    if feat.dim() != 4:
        raise ValueError(f'feat must be (N, C, H, W), got {tuple(feat.shape)}')
    n, _, h, w = feat.shape
    out = feat.new_zeros(n, len(line_table(radius)[0]), h, w)
    for d, dy, dx, x0, x1 in pair_windows(radius, h, w):
        here = feat[:, :, :h - dy, x0:x1]
        there = feat[:, :, dy:, x0 + dx:x1 + dx]
        out[:, d, :h - dy, x0:x1] = torch.exp(-(here - there).abs().mean(1))
    return out
