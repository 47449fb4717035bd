"""IRNet losses on inter-pixel relations (IRN eq. 5, 6 and 8)."""
from typing import Dict, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor

from mmirn.ops import boundary_affinity, search_directions
from mmirn.registry import MODELS


def shift_labels(labels: Tensor, directions: Tensor,
                 ignore_index: int = 255) -> Tensor:
    """Labels of the neighbour ``p + d`` of every pixel ``p`` for each direction.

    Args:
        labels (Tensor): Label maps of shape (N, H, W).
        directions (Tensor): Offsets (dy, dx) of shape (D, 2).
        ignore_index (int): Value of neighbours outside the image.
            Defaults to 255.

    Returns:
        Tensor: Neighbour labels of shape (N, D, H, W).
    """
    n, h, w = labels.shape
    r = int(directions.abs().max()) if len(directions) else 0
    padded = F.pad(labels, (r, r, r, r), value=ignore_index)
    out = [
        padded[:, r + dy:r + dy + h, r + dx:r + dx + w]
        for dy, dx in directions.tolist()
    ]
    if not out:
        return labels.new_full((n, 0, h, w), ignore_index)
    return torch.stack(out, dim=1)


def relation_pairs(labels: Tensor,
                   directions: Tensor,
                   ignore_index: int = 255) -> Tuple[Tensor, Tensor, Tensor]:
    """Split the pixel pairs ``(p, p + d)`` into P+_fg, P+_bg and P-.

    Args:
        labels (Tensor): Relation labels (N, H, W): 0 background, c + 1 for
            foreground class c, ``ignore_index`` for unknown pixels.
        directions (Tensor): Offsets (dy, dx) of shape (D, 2).
        ignore_index (int): Label of pixels that form no pair. Defaults to 255.

    Returns:
        tuple[Tensor]: Boolean masks (N, D, H, W) of the positive foreground,
        positive background and negative pairs.
    """
    labels = labels.long()
    src = labels.unsqueeze(1)
    dst = shift_labels(labels, directions, ignore_index)
    valid = (src != ignore_index) & (dst != ignore_index)
    same = valid & (src == dst)
    pos_fg = same & (src > 0)
    pos_bg = same & (src == 0)
    neg = valid & (src != dst)
    return pos_fg, pos_bg, neg


def masked_mean(values: Tensor, mask: Tensor) -> Tensor:
    """Mean of ``values`` over ``mask``; 0 (with a gradient) when it is empty."""
    mask = mask.to(values.dtype)
    return (values * mask).sum() / mask.sum().clamp(min=1)


def shift_field(field: Tensor, directions: Tensor) -> Tensor:
    """Values of ``field`` (N, C, H, W) at ``p + d``: (N, C, D, H, W), 0 outside."""
    h, w = field.shape[-2:]
    r = int(directions.abs().max()) if len(directions) else 0
    padded = F.pad(field, (r, r, r, r))
    out = [
        padded[..., r + dy:r + dy + h, r + dx:r + dx + w]
        for dy, dx in directions.tolist()
    ]
    return torch.stack(out, dim=2)


COORD_REDUCTIONS = ('sum', 'mean')


def displacement_losses(displacement: Tensor,
                        directions: Tensor,
                        pos_fg: Tensor,
                        pos_bg: Tensor,
                        coord_reduction: str = 'sum') -> Tuple[Tensor, Tensor]:
    """Displacement losses L_fg (eq. 5) and L_bg (eq. 6).

    ``delta(i, j) = D(x_i) - D(x_j)`` must equal ``x_j - x_i`` for pairs of the same
    instance and 0 for background pairs, measured with the L1 norm (``'sum'``
    over the two coordinates, as in the paper) or its half (``'mean'`` over them,
    as IRN's released ``train_irn``).

    Args:
        displacement (Tensor): Displacement field (N, 2, H, W) as (dy, dx) in
            pixels of this map.
        directions (Tensor): Offsets (dy, dx) of shape (D, 2).
        pos_fg (Tensor): Positive foreground pairs (N, D, H, W).
        pos_bg (Tensor): Positive background pairs (N, D, H, W).
        coord_reduction (str): ``'sum'`` or ``'mean'`` over (dy, dx).
            Defaults to 'sum'.

    Returns:
        tuple[Tensor]: ``L_fg`` and ``L_bg`` (scalars).
    """
    if coord_reduction not in COORD_REDUCTIONS:
        raise ValueError(f'coord_reduction must be one of {COORD_REDUCTIONS}, '
                         f'got {coord_reduction!r}')
    reduce = torch.sum if coord_reduction == 'sum' else torch.mean
    delta = displacement.unsqueeze(2) - shift_field(displacement, directions)
    target = directions.to(delta).t()[None, :, :, None, None]
    loss_fg = masked_mean(reduce((delta - target).abs(), 1), pos_fg)
    loss_bg = masked_mean(reduce(delta.abs(), 1), pos_bg)
    return loss_fg, loss_bg


def boundary_loss(affinity: Tensor,
                  pos_fg: Tensor,
                  pos_bg: Tensor,
                  neg: Tensor,
                  eps: float = 1e-5) -> Tensor:
    """Class-boundary loss L_B of eq. 8 on boundary affinities.

    Args:
        affinity (Tensor): Affinities ``a = 1 - max B`` on the pairs (N, D, H, W).
        pos_fg (Tensor): Positive foreground pairs (N, D, H, W).
        pos_bg (Tensor): Positive background pairs (N, D, H, W).
        neg (Tensor): Negative pairs (N, D, H, W).
        eps (float): Added inside the logarithms. Defaults to 1e-5.

    Returns:
        Tensor: The scalar loss.
    """
    pos = -torch.log(affinity + eps)
    negative = -torch.log(1 + eps - affinity)
    return (masked_mean(pos, pos_fg) / 2 + masked_mean(pos, pos_bg) / 2 +
            masked_mean(negative, neg))


@MODELS.register_module()
class IRNLoss(nn.Module):
    """``L_fg + L_bg + L_B`` of IRNet on relation labels.

    Pixel pairs closer than ``radius`` (in pixels of the stride-4 maps) are
    labelled from the relation labels; each term is a mean over its pair set and
    an empty set contributes 0.

    The defaults are the paper's plain sum. IRN's released ``train_irn`` weighs
    ``(pos_aff + neg_aff) / 2 + (dp_fg + dp_bg) / 2`` with the displacement
    terms averaged over both coordinates: ``coord_reduction='mean'`` and all
    three weights 0.5 (``L_B`` is ``pos_aff + neg_aff``).

    Args:
        radius (int): Pair radius gamma. Defaults to 10.
        loss_weight_fg (float): Weight of L_fg. Defaults to 1.0.
        loss_weight_bg (float): Weight of L_bg. Defaults to 1.0.
        loss_weight_boundary (float): Weight of L_B. Defaults to 1.0.
        coord_reduction (str): ``'sum'`` (the L1 norm of eq. 5, 6) or ``'mean'``
            (released code) of the displacement error over (dy, dx).
            Defaults to 'sum'.
        ignore_index (int): Relation label of unknown pixels. Defaults to 255.
    """

    def __init__(self,
                 radius: int = 10,
                 loss_weight_fg: float = 1.0,
                 loss_weight_bg: float = 1.0,
                 loss_weight_boundary: float = 1.0,
                 coord_reduction: str = 'sum',
                 ignore_index: int = 255) -> None:
        super().__init__()
        if coord_reduction not in COORD_REDUCTIONS:
            raise ValueError(f'coord_reduction must be one of '
                             f'{COORD_REDUCTIONS}, got {coord_reduction!r}')
        self.coord_reduction = coord_reduction
        self.radius = radius
        self.loss_weight_fg = loss_weight_fg
        self.loss_weight_bg = loss_weight_bg
        self.loss_weight_boundary = loss_weight_boundary
        self.ignore_index = ignore_index
        self.register_buffer(
            'directions', search_directions(radius).long(), persistent=False)

    def forward(self, boundary: Tensor, displacement: Tensor,
                labels: Tensor) -> Dict[str, Tensor]:
        """Compute the three losses.

        Args:
            boundary (Tensor): Boundary probabilities (N, 1, H, W) in [0, 1].
            displacement (Tensor): Displacement field (N, 2, H, W), (dy, dx).
            labels (Tensor): Relation labels (N, H, W) at the same size.

        Returns:
            dict[str, Tensor]: ``loss_fg``, ``loss_bg`` and ``loss_boundary``.
        """
        directions = self.directions.cpu()
        pos_fg, pos_bg, neg = relation_pairs(labels, directions,
                                             self.ignore_index)
        loss_fg, loss_bg = displacement_losses(displacement, directions,
                                               pos_fg, pos_bg,
                                               self.coord_reduction)
        affinity = boundary_affinity(boundary, self.radius)
        loss_b = boundary_loss(affinity, pos_fg, pos_bg, neg)
        return dict(
            loss_fg=self.loss_weight_fg * loss_fg,
            loss_bg=self.loss_weight_bg * loss_bg,
            loss_boundary=self.loss_weight_boundary * loss_b)
