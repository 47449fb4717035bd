"""RCA's regional components (Zhou et al., "Regional Semantic Contrast and
Aggregation for Weakly Supervised Semantic Segmentation", CVPR22).

Each equation lives in one named place:

* eq. 1-2, pseudo-region embeddings: :func:`region_embeddings`;
* the memory update ``m <- gamma m + (1 - gamma) f``: :class:`RegionMemoryBank`;
* eq. 7-9, semantic aggregation ``S = softmax(F Q^T)``, ``F' = S Q``:
  :class:`SemanticAggregation` (with the released code's learned-projection
  variant as ``mode='released'``).

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

    ``init='randn'`` is the released code's bank: standard-normal slots that
    all count as filled from the start (contrast and K-means use them before
    any region is written), so the slots reach the scale of the features only
    slowly. ``init='zeros'`` starts empty and uses only the written slots; as
    each slot takes ``1 - gamma`` of its first region, its slots are then at
    1 % of the features' scale.

    Args:
        num_classes (int): Number of foreground classes.
        dim (int): Embedding dimension.
        queue_len (int): Slots per class. Defaults to 500.
        momentum (float): ``gamma`` of the slot update. Defaults to 0.99.
        score_thr (float): Minimum class probability for an update.
            Defaults to 0.7.
        init (str): ``'randn'`` (released code) or ``'zeros'``.
            Defaults to 'randn'.
    """

    def __init__(self,
                 num_classes: int,
                 dim: int,
                 queue_len: int = 500,
                 momentum: float = 0.99,
                 score_thr: float = 0.7,
                 init: str = 'randn') -> None:
        super().__init__()
        if init not in ('randn', 'zeros'):
            raise ValueError(f"init must be 'randn' or 'zeros', got {init!r}")
        self.num_classes = num_classes
        self.queue_len = queue_len
        self.momentum = momentum
        self.score_thr = score_thr
        self.init = init
        if init == 'randn':
            bank = torch.randn(num_classes, queue_len, dim)
            filled = torch.full((num_classes, ), queue_len, dtype=torch.long)
        else:
            bank = torch.zeros(num_classes, queue_len, dim)
            filled = torch.zeros(num_classes, dtype=torch.long)
        self.register_buffer('bank', bank)
        self.register_buffer('ptr', torch.zeros(num_classes, dtype=torch.long))
        self.register_buffer('num_filled', filled)

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
        """Fraction of each class's slots in use, (C,) (all of them from the
        start with ``init='randn'``)."""
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

    ``mode='released'`` is the released code's form: learned projections of
    the pixels (1 x 1 conv ``W_q``) and of the centroids (linear ``W_k``,
    ``W_v``), a linear (not softmax) attention
    ``S = (F W_q)(Q W_k)^T * C / k`` and ``F' = W_o (S Q W_v)`` (``W_o`` a
    1 x 1 conv). The projections let the network scale the memory read-out,
    which the parameter-free softmax form cannot: with a bank far smaller
    than the features ``softmax(F Q^T)`` stays uniform.

    Args:
        num_classes (int): Number of foreground classes.
        dim (int): Feature dimension.
        k (int): Centroids per class. Defaults to 10.
        mode (str): ``'softmax'`` (the paper's eq. 8-9) or ``'released'``.
            Defaults to 'softmax'.
    """

    def __init__(self,
                 num_classes: int,
                 dim: int,
                 k: int = 10,
                 mode: str = 'softmax') -> None:
        super().__init__()
        if mode not in ('softmax', 'released'):
            raise ValueError(
                f"mode must be 'softmax' or 'released', got {mode!r}")
        self.k = k
        self.mode = mode
        self.scale = num_classes / k
        self.register_buffer('centroids', torch.zeros(num_classes * k, dim))
        self.register_buffer('centroid_valid',
                             torch.zeros(num_classes * k, dtype=torch.bool))
        if mode == 'released':
            self.query = nn.Conv2d(dim, dim, 1)
            self.key = nn.Linear(dim, dim)
            self.value = nn.Linear(dim, dim)
            self.out = nn.Conv2d(dim, dim, 1)

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
        if self.mode == 'released':
            valid = self.centroid_valid.to(feats.dtype).view(1, -1, 1, 1)
            s = torch.einsum('ndhw,kd->nkhw', self.query(feats),
                             self.key(q)) * self.scale * valid
            agg = self.out(torch.einsum('nkhw,kd->ndhw', s, self.value(q)))
            return torch.cat([feats, agg], 1), s
        logits = torch.einsum('ndhw,kd->nkhw', feats, q)
        logits = logits.masked_fill(
            ~self.centroid_valid.view(1, -1, 1, 1), float('-inf'))
        s = logits.softmax(dim=1)
        agg = torch.einsum('nkhw,kd->ndhw', s, q)
        return torch.cat([feats, agg], 1), s


def attention_entropy(s: Tensor, eps: float = 1e-12) -> Tensor:
    """Mean per-pixel entropy (nats) of the centroid attention ``S``.

    ``S`` is normalised over the centroids (``|S| / sum |S|``; a softmax
    attention is unchanged), so the released code's linear attention reads
    the same way. Near 0 the pixels attend to one centroid (collapse);
    ``ln(C k)`` is uniform attention.
    """
    p = s.abs()
    p = p / p.sum(1, keepdim=True).clamp(min=eps)
    return -(p * (p + eps).log()).sum(1).mean()
