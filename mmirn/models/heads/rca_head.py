"""The classifier head of RCA (Zhou et al., CVPR22): a CAM head that sees the
dataset through per-class memory banks."""
from typing import List, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.dist import all_gather, get_world_size
from torch import Tensor

from mmirn.registry import MODELS
from .cam_head import CAMHead
from .rca_modules import (RegionMemoryBank, SemanticAggregation,
                          attention_entropy, region_embeddings)

from mmseg.utils import ConfigType, OptConfigType, OptMultiConfig, SampleList


def gather_rows(*tensors: Tensor) -> List[Tensor]:
    """Concatenate per-rank tensors along dim 0 in rank order.

    Ranks may hold different numbers of rows (a short last batch): they are
    padded to the largest count for ``all_gather`` and cut back after. With
    one process the tensors come back unchanged.
    """
    if get_world_size() == 1:
        return list(tensors)
    n = torch.tensor([tensors[0].shape[0]], device=tensors[0].device)
    counts = [int(c) for c in all_gather(n)]
    top = max(counts)
    out = []
    for t in tensors:
        is_bool = t.dtype == torch.bool  # gloo gathers no bool
        t = t.detach().to(torch.uint8) if is_bool else t.detach()
        pad = t.new_zeros((top - t.shape[0], ) + t.shape[1:])
        parts = all_gather(torch.cat([t, pad]).contiguous())
        t = torch.cat([p[:c] for p, c in zip(parts, counts)])
        out.append(t.bool() if is_bool else t)
    return out


@MODELS.register_module()
class RCAHead(CAMHead):
    """RCA's head on a CAM classifier (eq. 1-9 of the paper).

    A coarse bias-free 1 x 1 classifier gives the coarse CAMs ``P`` of the
    features ``F``; their pseudo regions pool the region embeddings (eq. 1-2),
    which feed the region contrast against the memory bank (eq. 4-6) and then
    update the bank (after being gathered from all ranks, so every rank keeps
    the same bank). The features attend to the bank's K-means centroids
    (:class:`SemanticAggregation`, eq. 7-9) and the final classifier maps
    ``[F, F']`` to the CAMs ``O`` that :meth:`forward_cams` returns, so the CAM
    classifier's inference and writers take them unchanged. Loss:
    ``CE(GAP(O)) + coarse_weight * CE(GAP(P)) + L_contrast`` (the contrast
    weight is in ``contrast_loss``) with the multilabel soft-margin CE; the
    contrast starts at ``contrast_start_epoch`` (0-based, set by
    :class:`~mmirn.engine.hooks.RCAHook`; 1 is the released code's second
    epoch).

    Args:
        in_channels (int): Channels ``D`` of the feature map.
        num_classes (int): Number of foreground classes.
        queue_len (int): Bank slots per class. Defaults to 500.
        momentum (float): Slot momentum. Defaults to 0.99.
        score_thr (float): Minimum coarse class probability for a bank
            update. Defaults to 0.7.
        num_centroids (int): K-means ``K`` per class. Defaults to 10.
        bank_init (str): ``'randn'`` (released code: a random bank, in use
            from the start) or ``'zeros'`` (empty until written); see
            :class:`RegionMemoryBank`. Defaults to 'randn'.
        aggregation_mode (str): ``'released'`` (learned projections, linear
            attention) or ``'softmax'`` (the paper's eq. 8); see
            :class:`SemanticAggregation`. Defaults to 'released'.
        coarse_weight (float): Weight of ``CE(GAP(P))``. Defaults to 0.4.
        contrast_loss (dict): :class:`RegionContrastLoss` config.
            Defaults to tau 0.07, Beta(8, 8), weight 0.01.
        contrast_start_epoch (int): First epoch with the contrast.
            Defaults to 1.
        in_index (int): Which backbone output to use. Defaults to -1.
        loss_weight (float): Weight of ``CE(GAP(O))``. Defaults to 1.0.
        init_cfg (dict, optional): Defaults to normal(0.01) convs.
    """

    def __init__(self,
                 in_channels: int,
                 num_classes: int,
                 queue_len: int = 500,
                 momentum: float = 0.99,
                 score_thr: float = 0.7,
                 num_centroids: int = 10,
                 bank_init: str = 'randn',
                 aggregation_mode: str = 'released',
                 coarse_weight: float = 0.4,
                 contrast_loss: OptConfigType = None,
                 contrast_start_epoch: int = 1,
                 in_index: int = -1,
                 loss_weight: float = 1.0,
                 init_cfg: OptMultiConfig = None):
        super().__init__(
            in_channels=in_channels,
            num_classes=num_classes,
            in_index=in_index,
            loss_weight=loss_weight,
            init_cfg=init_cfg)
        self.classifier = nn.Conv2d(2 * in_channels, num_classes, 1,
                                    bias=False)
        self.coarse_classifier = nn.Conv2d(in_channels, num_classes, 1,
                                           bias=False)
        self.memory = RegionMemoryBank(num_classes, in_channels, queue_len,
                                       momentum, score_thr, bank_init)
        self.aggregation = SemanticAggregation(num_classes, in_channels,
                                               num_centroids, aggregation_mode)
        if contrast_loss is None:
            contrast_loss = dict(type='RegionContrastLoss')
        self.contrast_loss = MODELS.build(contrast_loss)
        self.coarse_weight = coarse_weight
        self.contrast_start_epoch = contrast_start_epoch
        self.epoch = 0

    def forward(self, inputs: Tuple[Tensor]) -> Tensor:
        """Class logits ``GAP(O)``, [N, num_classes]."""
        return self.forward_cams(inputs).mean(dim=(2, 3))

    def forward_cams(self, inputs: Tuple[Tensor]) -> Tensor:
        """The final CAMs ``O`` from ``[F, F']``, [N, num_classes, h, w]."""
        return self.classifier(self.aggregation(self._select(inputs))[0])

    def centroid_attention(self, inputs: Tuple[Tensor]) -> Tensor:
        """The attention ``S`` of every pixel to the memory centroids (eq. 8).

        Returns:
            Tensor: [N, num_classes * k, h, w], row ``c * k + j`` the centroid
            ``j`` of class ``c``; zero for centroids not yet computed.
        """
        return self.aggregation(self._select(inputs))[1]

    def loss(self,
             inputs: Tuple[Tensor],
             batch_data_samples: SampleList,
             train_cfg: ConfigType = None) -> dict:
        """Forward, compute the losses and update the memory.

        Returns:
            dict[str, Tensor]: ``loss_cls`` (``CE(GAP(O))``), ``loss_coarse``,
            ``loss_contrast`` and the diagnostics ``acc_cls``, ``bank_fill``
            (mean filling rate), ``bank_written`` (slots written this step)
            and ``attn_entropy`` (of the centroid attention, nats).
        """
        feats = self._select(inputs)
        agg, attn = self.aggregation(feats)
        cams = self.classifier(agg)
        coarse = self.coarse_classifier(feats)
        coarse_scores = coarse.mean(dim=(2, 3))
        losses = self.loss_by_feat(cams.mean(dim=(2, 3)), batch_data_samples)
        labels = self._stack_labels(batch_data_samples).to(feats)
        losses['loss_coarse'] = self.coarse_weight * \
            F.multilabel_soft_margin_loss(coarse_scores, labels)

        emb, valid = region_embeddings(feats, coarse.detach())
        keep = valid & (labels > 0)
        if self.epoch >= self.contrast_start_epoch:
            losses['loss_contrast'] = self.contrast_loss(
                emb, keep, self.memory.bank, self.memory.num_filled)
        else:
            losses['loss_contrast'] = emb.sum() * 0.0
        g_emb, g_lab, g_score, g_valid = gather_rows(
            emb.detach(), labels, coarse_scores.detach().sigmoid(), valid)
        written = self.memory.update(g_emb, g_lab, g_score, g_valid)
        losses['bank_fill'] = self.memory.filling_rate().mean().to(feats)
        losses['bank_written'] = feats.new_tensor(float(written))
        losses['attn_entropy'] = attention_entropy(attn.detach())
        return losses
