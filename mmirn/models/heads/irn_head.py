"""The IRNet head: class boundary branch and displacement field branch."""
from typing import Dict, List, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import ConvModule
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.utils import ConfigType, SampleList
from torch import Tensor

from mmirn.registry import MODELS


def _resize(x: Tensor, size) -> Tensor:
    if tuple(x.shape[-2:]) == tuple(size):
        return x
    return F.interpolate(x, size=size, mode='bilinear', align_corners=False)


@MODELS.register_module()
class IRNHead(BaseDecodeHead):
    """IRNet's two branches on five backbone levels (stem, layer1..layer4).

    The boundary branch reduces every level to ``boundary_channels`` with 1x1
    conv + GroupNorm + ReLU, upsamples them to stride 4, concatenates them and
    predicts the boundary logit with ``conv_seg`` (the last layer, no norm). The
    displacement branch (modules prefixed ``disp_``, so ``paramwise_cfg`` can
    give it a 10x lr) reduces every level, merges the deep levels (3-5) and then
    the shallow ones (1-2) in a top-down pathway, and predicts (dy, dx) in
    stride-4 pixels with a plain 1x1 conv. Both branches see detached features:
    the backbone is frozen.

    Args:
        in_channels (Sequence[int]): Channels of the five levels.
        boundary_channels (int): Channels per level in the boundary branch.
            Defaults to 32.
        disp_channels (Sequence[int]): Channels per level in the displacement
            branch. Defaults to (64, 128, 256, 256, 256).
        disp_fuse_channels (int): Channels of the top-down fusion layers.
            Defaults to 256.
        norm_cfg (dict): Defaults to GroupNorm with 4 groups for the boundary
            branch; the displacement branch uses ``disp_norm_cfg``.
        disp_norm_cfg (dict): Defaults to GroupNorm with 16 groups.
        loss_decode (dict): The relation loss. Defaults to ``IRNLoss``.
        **kwargs: Other arguments of ``BaseDecodeHead``.
    """

    def __init__(self,
                 in_channels: Sequence[int],
                 boundary_channels: int = 32,
                 disp_channels: Sequence[int] = (64, 128, 256, 256, 256),
                 disp_fuse_channels: int = 256,
                 norm_cfg: ConfigType = dict(type='GN', num_groups=4),
                 disp_norm_cfg: ConfigType = dict(type='GN', num_groups=16),
                 loss_decode: ConfigType = dict(type='IRNLoss', radius=10),
                 **kwargs) -> None:
        num_levels = len(in_channels)
        kwargs.setdefault('in_index', list(range(num_levels)))
        kwargs.setdefault('dropout_ratio', 0.)
        kwargs.setdefault('init_cfg', None)
        super().__init__(
            in_channels=list(in_channels),
            channels=boundary_channels * num_levels,
            num_classes=1,
            threshold=0.5,
            input_transform='multiple_select',
            norm_cfg=norm_cfg,
            loss_decode=loss_decode,
            **kwargs)
        assert num_levels == 5 and len(disp_channels) == 5, \
            'IRNHead takes five levels: stem, layer1, layer2, layer3, layer4'
        self.boundary_convs = nn.ModuleList([
            ConvModule(c, boundary_channels, 1, bias=False, norm_cfg=norm_cfg)
            for c in in_channels
        ])
        self.disp_convs = nn.ModuleList([
            ConvModule(c, d, 1, bias=False, norm_cfg=disp_norm_cfg)
            for c, d in zip(in_channels, disp_channels)
        ])
        self.disp_deep = ConvModule(
            sum(disp_channels[2:]), disp_fuse_channels, 1, bias=False,
            norm_cfg=disp_norm_cfg)
        self.disp_shallow = ConvModule(
            sum(disp_channels[:2]) + disp_fuse_channels, disp_fuse_channels, 1,
            bias=False, norm_cfg=disp_norm_cfg)
        self.disp_out = nn.Conv2d(disp_fuse_channels, 2, 1)
        # Mean of the displacement over the training set, subtracted at inference
        # (set by DisplacementMeanHook, saved in checkpoints).
        self.register_buffer('disp_mean', torch.zeros(2))

    def forward(self, inputs: List[Tensor]) -> Tuple[Tensor, Tensor]:
        """Predict boundary logits (N, 1, h, w) and displacements (N, 2, h, w).

        ``h, w`` is the size of the stride-4 level (the second input).
        """
        feats = [x.detach() for x in self._transform_inputs(inputs)]
        size = feats[1].shape[-2:]
        edges = [
            _resize(conv(x), size) for conv, x in zip(self.boundary_convs, feats)
        ]
        boundary = self.cls_seg(torch.cat(edges, dim=1))

        disp = [conv(x) for conv, x in zip(self.disp_convs, feats)]
        deep_size = disp[2].shape[-2:]
        deep = self.disp_deep(
            torch.cat([_resize(x, deep_size) for x in disp[2:]], dim=1))
        shallow = torch.cat(
            [_resize(disp[0], size), disp[1], _resize(deep, size)], dim=1)
        displacement = self.disp_out(self.disp_shallow(shallow))
        return boundary, displacement

    def loss_by_feat(self, seg_logits: Tuple[Tensor, Tensor],
                     batch_data_samples: SampleList) -> Dict[str, Tensor]:
        """IRN losses against ``gt_relation`` downsampled (nearest) to stride 4."""
        boundary, displacement = seg_logits
        labels = torch.stack(
            [s.gt_relation.data for s in batch_data_samples]).float()
        labels = F.interpolate(
            labels, size=boundary.shape[-2:], mode='nearest')[:, 0].long()
        return self.loss_decode(boundary.sigmoid(), displacement, labels)

    def predict_by_feat(self, seg_logits: Tuple[Tensor, Tensor],
                        batch_img_metas: List[dict]) -> Tuple[Tensor, Tensor]:
        """Boundary probabilities and the centred displacement field."""
        boundary, displacement = seg_logits
        displacement = displacement - self.disp_mean.view(1, 2, 1, 1)
        return boundary.sigmoid(), displacement
