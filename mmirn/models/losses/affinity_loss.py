"""AffinityNet's loss on labelled pixel pairs (PSA, CVPR18, eq. 7-10)."""
from typing import Dict

import torch
import torch.nn as nn
from torch import Tensor

from mmirn.ops import search_directions
from mmirn.registry import MODELS
from .irn_loss import masked_mean, relation_pairs


@MODELS.register_module()
class AffinityLoss(nn.Module):
    """Cross-entropy of predicted affinities on positive and negative pairs.

    Pixel pairs ``(p, p + d)`` closer than ``radius`` are labelled from the
    affinity labels: both background (P+_bg, target 1), the same foreground
    class (P+_fg, target 1), different labels (P-, target 0); ignored pixels
    form no pair. Each term is a mean over its set (0 when it is empty) and
    PSA weights them ``bg / 4 + fg / 4 + neg / 2``.

    Args:
        radius (int): Pair radius, in pixels of the affinity map.
            Defaults to 5.
        loss_weight_bg (float): Weight of the background term.
            Defaults to 0.25.
        loss_weight_fg (float): Weight of the foreground term.
            Defaults to 0.25.
        loss_weight_neg (float): Weight of the negative term.
            Defaults to 0.5.
        eps (float): Added inside the logarithms. Defaults to 1e-5.
        ignore_index (int): Label of unknown pixels. Defaults to 255.
    """

    def __init__(self,
                 radius: int = 5,
                 loss_weight_bg: float = 0.25,
                 loss_weight_fg: float = 0.25,
                 loss_weight_neg: float = 0.5,
                 eps: float = 1e-5,
                 ignore_index: int = 255) -> None:
        super().__init__()
        self.radius = radius
        self.loss_weight_bg = loss_weight_bg
        self.loss_weight_fg = loss_weight_fg
        self.loss_weight_neg = loss_weight_neg
        self.eps = eps
        self.ignore_index = ignore_index
        self.directions = search_directions(radius)

    def forward(self, affinity: Tensor, labels: Tensor) -> Dict[str, Tensor]:
        """Compute the three terms.

        Args:
            affinity (Tensor): Affinities in [0, 1], (N, D, H, W), for the
                offsets of ``search_directions(radius)``.
            labels (Tensor): Affinity labels (N, H, W) at the same size:
                0 background, c + 1 foreground class c, ``ignore_index``
                neutral.

        Returns:
            dict[str, Tensor]: ``loss_bg``, ``loss_fg``, ``loss_neg`` (weighted)
            and the diagnostics ``aff_pos`` / ``aff_neg``, the mean affinity
            on positive / negative pairs.
        """
        if affinity.shape[1] != len(self.directions):
            raise ValueError(
                f'affinity has {affinity.shape[1]} directions, radius '
                f'{self.radius} has {len(self.directions)}')
        pos_fg, pos_bg, neg = relation_pairs(labels, self.directions,
                                             self.ignore_index)
        pos = -torch.log(affinity + self.eps)
        negative = -torch.log(1 + self.eps - affinity)
        with torch.no_grad():
            aff_pos = masked_mean(affinity, pos_fg | pos_bg)
            aff_neg = masked_mean(affinity, neg)
        return dict(
            loss_bg=self.loss_weight_bg * masked_mean(pos, pos_bg),
            loss_fg=self.loss_weight_fg * masked_mean(pos, pos_fg),
            loss_neg=self.loss_weight_neg * masked_mean(negative, neg),
            aff_pos=aff_pos,
            aff_neg=aff_neg)
