"""RCA's regional components (Zhou et al., "Regional Semantic Contrast and
Aggregation for Weakly Supervised Semantic Segmentation", CVPR22).

Each equation lives in one named place:

* eq. 1-2, pseudo-region embeddings: :func:`region_embeddings`;
* the memory update ``m <- gamma m + (1 - gamma) f``: :class:`RegionMemoryBank`;
* eq. 7-9, semantic aggregation ``S = softmax(F Q^T)``, ``F' = S Q``:
  :class:`SemanticAggregation`.

The region contrast with region mixup (eq. 4-6) is
:class:`mmirn.models.losses.RegionContrastLoss`.
"""
from typing import Optional, Tuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor

from mmirn.registry import MODELS


def region_embeddings(feats: Tensor, cams: Tensor,
                      eps: float = 1e-6) -> Tuple[Tensor, Tensor]:
    """Pseudo-region embeddings by masked average pooling (eq. 1-2).

    The coarse attention of class ``l`` is the softmax of the CAMs over the
    classes at each pixel (eq. 1); the pseudo region of ``l`` is the set of
    pixels where that attention exceeds its spatial mean, and its embedding the
    mean feature over those pixels (eq. 2).

    Args:
        feats (Tensor): Feature map (N, D, H, W).
        cams (Tensor): Coarse class activation maps (N, C, H, W), at the
            feature map's size.
        eps (float): Guards the division of an empty mask. Defaults to 1e-6.

    Returns:
        tuple[Tensor, Tensor]: The embeddings (N, C, D) (zero for an empty
        region) and a boolean (N, C) that tells which regions are non-empty.
    """
    attn = cams.softmax(dim=1)
    mask = (attn > attn.mean(dim=(2, 3), keepdim=True)).to(feats.dtype)
    area = mask.sum(dim=(2, 3))
    emb = torch.einsum('nchw,ndhw->ncd', mask, feats) / (
        area.unsqueeze(-1) + eps)
    return emb, area > 0


@MODELS.register_module()
class RegionMemoryBank(nn.Module):
    """Per-class queues of region embeddings with momentum slots.

    Each class owns ``queue_len`` slots of dimension ``dim`` and a pointer. A
    region of class ``c`` is written only when ``c`` is in the image's labels
    and its classification score (a probability) exceeds ``score_thr``: the
    slot at the pointer becomes ``gamma * m + (1 - gamma) * f`` and the
    pointer moves on, wrapping around at ``queue_len``. The bank, the pointers
    and the fill counts are buffers, so checkpoints save them and ``--resume``
    restores them.

    Args:
        num_classes (int): Number of foreground classes.
        dim (int): Embedding dimension.
        queue_len (int): Slots per class. Defaults to 500.
        momentum (float): ``gamma`` of the slot update. Defaults to 0.99.
        score_thr (float): Minimum class probability for an update.
            Defaults to 0.7.
    """

    def __init__(self,
                 num_classes: int,
                 dim: int,
                 queue_len: int = 500,
                 momentum: float = 0.99,
                 score_thr: float = 0.7) -> None:
        super().__init__()
        self.num_classes = num_classes
        self.queue_len = queue_len
        self.momentum = momentum
        self.score_thr = score_thr
        self.register_buffer('bank', torch.zeros(num_classes, queue_len, dim))
        self.register_buffer('ptr', torch.zeros(num_classes, dtype=torch.long))
        self.register_buffer('num_filled',
                             torch.zeros(num_classes, dtype=torch.long))

    @torch.no_grad()
    def update(self,
               emb: Tensor,
               labels: Tensor,
               scores: Tensor,
               valid: Optional[Tensor] = None) -> int:
        """Write the regions that pass the label and score tests.

        Args:
            emb (Tensor): Region embeddings (N, C, D).
            labels (Tensor): Multi-hot image labels (N, C).
            scores (Tensor): Class probabilities (N, C).
            valid (Tensor, optional): Non-empty regions (N, C).

        Returns:
            int: The number of slots written.
        """
        keep = (labels > 0) & (scores > self.score_thr)
        if valid is not None:
            keep &= valid
        written = 0
        for n, c in keep.nonzero().tolist():
            p = int(self.ptr[c])
            self.bank[c, p] = (self.momentum * self.bank[c, p] +
                               (1 - self.momentum) * emb[n, c].detach().to(
                                   self.bank.dtype))
            self.ptr[c] = (p + 1) % self.queue_len
            self.num_filled[c] = min(int(self.num_filled[c]) + 1,
                                     self.queue_len)
            written += 1
        return written

    def filling_rate(self) -> Tensor:
        """Fraction of each class's slots written at least once, (C,)."""
        return self.num_filled.float() / self.queue_len


def kmeans_centroids(points: np.ndarray, k: int,
                     seed: int = 0) -> np.ndarray:
    """K-means centroids of ``points`` (M, D) with scikit-learn.

    Fewer than ``k`` points give one centroid per point.
    """
    from sklearn.cluster import KMeans
    k = min(k, len(points))
    km = KMeans(n_clusters=k, n_init=3, random_state=seed).fit(points)
    return km.cluster_centers_


@MODELS.register_module()
class SemanticAggregation(nn.Module):
    """Memory aggregation through per-class K-means centroids (eq. 7-9).

    :meth:`recompute` clusters each class's written bank slots into ``k``
    centroids ``Q`` (scikit-learn K-means; an engine hook calls it once per
    epoch). :meth:`forward` lets every pixel feature ``F`` attend to the
    centroids, ``S = softmax(F Q^T)`` (eq. 8), reads ``F' = S Q`` (eq. 9) and
    returns ``[F, F']`` for the final CAM layer. Without centroids (before the
    first clustering) ``F'`` is zero. The centroids are buffers.

    Args:
        num_classes (int): Number of foreground classes.
        dim (int): Feature dimension.
        k (int): Centroids per class. Defaults to 10.
    """

    def __init__(self, num_classes: int, dim: int, k: int = 10) -> None:
        super().__init__()
        self.k = k
        self.register_buffer('centroids', torch.zeros(num_classes * k, dim))
        self.register_buffer('centroid_valid',
                             torch.zeros(num_classes * k, dtype=torch.bool))

    @torch.no_grad()
    def recompute(self, bank: RegionMemoryBank, seed: int = 0) -> None:
        """Cluster each class's written slots of ``bank``."""
        self.centroids.zero_()
        self.centroid_valid.zero_()
        for c in range(bank.num_classes):
            m = int(bank.num_filled[c])
            if m == 0:
                continue
            pts = bank.bank[c, :m].double().cpu().numpy()
            cen = kmeans_centroids(pts, self.k, seed)
            s = c * self.k
            self.centroids[s:s + len(cen)] = torch.as_tensor(
                cen, dtype=self.centroids.dtype)
            self.centroid_valid[s:s + len(cen)] = True

    def forward(self, feats: Tensor) -> Tuple[Tensor, Tensor]:
        """Aggregate the memory into the features.

        Args:
            feats (Tensor): Feature map (N, D, H, W).

        Returns:
            tuple[Tensor, Tensor]: ``[F, F']`` (N, 2D, H, W) and the attention
            ``S`` (N, C * k, H, W), zero for the missing centroids.
        """
        n, d, h, w = feats.shape
        q = self.centroids.to(feats.dtype)
        if not bool(self.centroid_valid.any()):
            s = feats.new_zeros(n, q.shape[0], h, w)
            return torch.cat([feats, torch.zeros_like(feats)], 1), s
        logits = torch.einsum('ndhw,kd->nkhw', feats, q)
        logits = logits.masked_fill(
            ~self.centroid_valid.view(1, -1, 1, 1), float('-inf'))
        s = logits.softmax(dim=1)
        agg = torch.einsum('nkhw,kd->ndhw', s, q)
        return torch.cat([feats, agg], 1), s


def attention_entropy(s: Tensor, eps: float = 1e-12) -> Tensor:
    """Mean per-pixel entropy (nats) of the centroid attention ``S``.

    Near 0 the pixels attend to one centroid (collapse); ``ln(C k)`` is
    uniform attention.
    """
    return -(s * (s + eps).log()).sum(1).mean()
