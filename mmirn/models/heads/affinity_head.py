"""AffinityNet's head: multi-level features whose L1 distances give affinities."""
from typing import Dict, List, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import ConvModule
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.utils import ConfigType, OptConfigType, SampleList
from torch import Tensor

from mmirn.ops import feature_affinity
from mmirn.registry import MODELS


@MODELS.register_module()
class AffinityHead(BaseDecodeHead):
    """Feature map of PSA's AffinityNet and the affinities it implies.

    Every selected backbone level is reduced by a 1x1 conv (64, 128 and 256
    channels in PSA), resized to the size of the first one (stride 8),
    concatenated, and mixed by one more 1x1 conv into the feature map ``f``.
    The affinity of two pixels is ``exp(-mean_c |f_i - f_j|)``
    (:func:`mmirn.ops.feature_affinity`) for every pair closer than
    ``radius``. The head has no classifier: ``BaseDecodeHead``'s ``conv_seg``
    is removed.

    Args:
        in_channels (Sequence[int]): Channels of the selected levels.
        reduce_channels (Sequence[int]): Channels after each level's 1x1 conv.
            Defaults to (64, 128, 256).
        channels (int): Channels of the feature map. Defaults to 448.
        radius (int): Affinity radius on the feature map. Defaults to 5.
        norm_cfg (dict, optional): Norm of the 1x1 convs. Defaults to None
            (PSA's plain convs).
        act_cfg (dict): Defaults to ``dict(type='ELU')`` as in PSA.
        loss_decode (dict): Defaults to ``AffinityLoss`` of the same radius.
        init_cfg (dict or list[dict], optional): Defaults to Kaiming init of
            the convs.
        **kwargs: Other arguments of ``BaseDecodeHead`` (``in_index``...).
    """

    def __init__(self,
                 in_channels: Sequence[int],
                 reduce_channels: Sequence[int] = (64, 128, 256),
                 channels: int = 448,
                 radius: int = 5,
                 norm_cfg: OptConfigType = None,
                 act_cfg: ConfigType = dict(type='ELU'),
                 loss_decode: OptConfigType = None,
                 init_cfg=dict(type='Kaiming', layer='Conv2d'),
                 **kwargs) -> None:
        assert len(in_channels) == len(reduce_channels), \
            'one reduce conv per input level'
        if loss_decode is None:
            loss_decode = dict(type='AffinityLoss', radius=radius)
        kwargs.setdefault('in_index', list(range(len(in_channels))))
        kwargs.setdefault('dropout_ratio', 0.)
        super().__init__(
            in_channels=list(in_channels),
            channels=channels,
            num_classes=1,
            threshold=0.5,
            input_transform='multiple_select',
            norm_cfg=norm_cfg,
            act_cfg=act_cfg,
            loss_decode=loss_decode,
            init_cfg=init_cfg,
            **kwargs)
        del self.conv_seg  # features, not class scores
        self.radius = radius
        self.reduce_convs = nn.ModuleList([
            ConvModule(c, r, 1, bias=False, norm_cfg=norm_cfg, act_cfg=act_cfg)
            for c, r in zip(in_channels, reduce_channels)
        ])
        self.fuse_conv = ConvModule(
            sum(reduce_channels), channels, 1, bias=False, norm_cfg=norm_cfg,
            act_cfg=act_cfg)

    def forward(self, inputs: List[Tensor]) -> Tensor:
        """The feature map ``f`` (N, channels, h, w) at the first level's size."""
        feats = self._transform_inputs(inputs)
        size = feats[0].shape[-2:]
        reduced = []
        for conv, x in zip(self.reduce_convs, feats):
            x = conv(x)
            if x.shape[-2:] != size:
                x = F.interpolate(
                    x, size=size, mode='bilinear', align_corners=False)
            reduced.append(x)
        return self.fuse_conv(torch.cat(reduced, dim=1))

    def affinity(self, feat: Tensor) -> Tensor:
        """Affinities (N, D, h, w) of the feature map, D the pairs of the radius."""
        return feature_affinity(feat, self.radius)

    def loss_by_feat(self, seg_logits: Tensor,
                     batch_data_samples: SampleList) -> Dict[str, Tensor]:
        """``AffinityLoss`` against ``gt_relation`` resized (nearest) to ``f``."""
        labels = torch.stack(
            [s.gt_relation.data for s in batch_data_samples]).float()
        labels = F.interpolate(
            labels, size=seg_logits.shape[-2:], mode='nearest')[:, 0].long()
        return self.loss_decode(self.affinity(seg_logits), labels)

    def predict_by_feat(self, seg_logits: Tensor,
                        batch_img_metas: List[dict]) -> Tensor:
        """Affinities (N, D, h, w) of the feature map."""
        return self.affinity(seg_logits)
