"""DeepLab v2's ASPP head for mmseg (mmseg ships only the v3 / v3+ heads).

Registered in mmirn's ``MODELS``: an mmseg-scoped config names it
``mmirn.DeepLabV2Head``.
"""
from typing import List, Sequence

import torch
import torch.nn as nn
from mmseg.models.decode_heads.decode_head import BaseDecodeHead

from mmirn.registry import MODELS


@MODELS.register_module()
class DeepLabV2Head(BaseDecodeHead):
    """ASPP-v2: parallel 3x3 convolutions straight to the class scores, summed.

    Chen et al., DeepLab v2 (TPAMI 2018), "ASPP-L": four branches with
    dilations 6 / 12 / 18 / 24, each a 3x3 convolution from the backbone's
    last feature map to ``num_classes`` scores; their sum is the output (no
    norm, no activation, no image pooling, no 1x1 classifier as in v3). The
    classifier of :class:`BaseDecodeHead` (``conv_seg``) is not used and is
    removed.

    Args:
        dilations (Sequence[int]): Dilation (= padding) of each branch.
            Defaults to (6, 12, 18, 24).
        **kwargs: :class:`BaseDecodeHead` arguments (``in_channels``,
            ``num_classes``, ...); ``channels`` is ignored, so it defaults to
            ``num_classes``.
    """

    def __init__(self,
                 dilations: Sequence[int] = (6, 12, 18, 24),
                 init_cfg=dict(type='Normal', std=0.01, layer='Conv2d'),
                 **kwargs):
        kwargs.setdefault('channels', kwargs.get('num_classes', 1))
        super().__init__(init_cfg=init_cfg, **kwargs)
        del self.conv_seg
        self.dilations = tuple(dilations)
        out = self.out_channels
        self.aspp = nn.ModuleList(
            nn.Conv2d(self.in_channels, out, 3, padding=d, dilation=d)
            for d in self.dilations)

    def forward(self, inputs: List[torch.Tensor]) -> torch.Tensor:
        x = self._transform_inputs(inputs)
        if self.dropout is not None:
            x = self.dropout(x)
        return sum(conv(x) for conv in self.aspp)
