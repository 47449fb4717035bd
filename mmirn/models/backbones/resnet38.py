"""Wide ResNet-38 ("model A1" of Wu et al., 2016), the backbone of PSA (CVPR18)."""
from typing import List, Optional, Sequence, Tuple

import torch.nn as nn
from mmcv.cnn import build_norm_layer
from mmengine.model import BaseModule
from mmseg.utils import ConfigType, OptMultiConfig
from torch import Tensor
from torch.nn.modules.batchnorm import _BatchNorm

from mmirn.registry import MODELS


class PreActBlock(BaseModule):
    """Pre-activation residual block with two 3x3 convs.

    ``out = conv2(relu(bn2(conv1(relu(bn1(x)))))) + shortcut``, where the
    shortcut is ``x`` or, when the shape changes, a 1x1 conv of
    ``relu(bn1(x))``.

    Args:
        in_channels (int): Input channels.
        mid_channels (int): Channels after the first conv.
        out_channels (int): Output channels.
        stride (int): Stride of the first conv and the shortcut. Defaults to 1.
        first_dilation (int): Dilation of the first conv. Defaults to 1.
        dilation (int): Dilation of the second conv. Defaults to 1.
        norm_cfg (dict): Defaults to ``dict(type='BN')``.
    """

    def __init__(self,
                 in_channels: int,
                 mid_channels: int,
                 out_channels: int,
                 stride: int = 1,
                 first_dilation: int = 1,
                 dilation: int = 1,
                 norm_cfg: ConfigType = dict(type='BN')) -> None:
        super().__init__()
        self.bn1 = build_norm_layer(norm_cfg, in_channels)[1]
        self.conv1 = nn.Conv2d(
            in_channels, mid_channels, 3, stride, padding=first_dilation,
            dilation=first_dilation, bias=False)
        self.bn2 = build_norm_layer(norm_cfg, mid_channels)[1]
        self.conv2 = nn.Conv2d(
            mid_channels, out_channels, 3, padding=dilation,
            dilation=dilation, bias=False)
        self.relu = nn.ReLU(inplace=True)
        self.shortcut = None
        if in_channels != out_channels or stride != 1:
            self.shortcut = nn.Conv2d(
                in_channels, out_channels, 1, stride, bias=False)

    def preact(self, x: Tensor) -> Tensor:
        """``relu(bn1(x))``: the block's input activation (a feature level)."""
        return self.relu(self.bn1(x))

    def forward(self, x: Tensor) -> Tensor:
        act = self.preact(x)
        identity = x if self.shortcut is None else self.shortcut(act)
        out = self.conv2(self.relu(self.bn2(self.conv1(act))))
        return out + identity


class PreActBottleneck(PreActBlock):
    """Pre-activation bottleneck ``1x1 -> 3x3 -> 1x1`` with dropout.

    Channels go ``in -> out / 4 -> out / 2 -> out``; the stride sits on the
    first 1x1 conv and the dilation on the 3x3 conv. The shortcut is always a
    1x1 conv of ``relu(bn1(x))``.

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels.
        stride (int): Defaults to 1.
        dilation (int): Dilation of the 3x3 conv. Defaults to 1.
        dropout (float): Dropout before the 3x3 and the last conv.
            Defaults to 0.
        norm_cfg (dict): Defaults to ``dict(type='BN')``.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 stride: int = 1,
                 dilation: int = 1,
                 dropout: float = 0.,
                 norm_cfg: ConfigType = dict(type='BN')) -> None:
        BaseModule.__init__(self)
        quarter, half = out_channels // 4, out_channels // 2
        self.bn1 = build_norm_layer(norm_cfg, in_channels)[1]
        self.conv1 = nn.Conv2d(in_channels, quarter, 1, stride, bias=False)
        self.bn2 = build_norm_layer(norm_cfg, quarter)[1]
        self.conv2 = nn.Conv2d(
            quarter, half, 3, padding=dilation, dilation=dilation, bias=False)
        self.bn3 = build_norm_layer(norm_cfg, half)[1]
        self.conv3 = nn.Conv2d(half, out_channels, 1, bias=False)
        self.relu = nn.ReLU(inplace=True)
        self.dropout = nn.Dropout2d(dropout)
        self.shortcut = nn.Conv2d(
            in_channels, out_channels, 1, stride, bias=False)

    def forward(self, x: Tensor) -> Tensor:
        act = self.preact(x)
        identity = self.shortcut(act)
        out = self.dropout(self.relu(self.bn2(self.conv1(act))))
        out = self.dropout(self.relu(self.bn3(self.conv2(out))))
        return self.conv3(out) + identity


@MODELS.register_module()
class WideResNet38(BaseModule):
    """Wide ResNet-38 (A1) of "Wider or Deeper" (Wu et al.), as used by PSA.

    A 3x3 stem conv (64 channels, stride 1) and six stages of pre-activation
    blocks: three stages of 3, 3 and 6 basic blocks (128, 256, 512 channels,
    stride 2 each), a dilated stage of 3 basic blocks (512 -> 1024 channels:
    the first conv of each block is half as wide), and two
    dilated bottlenecks (2048 and 4096 channels) with dropout 0.3 and 0.5.
    With the default strides and dilations the output stride is 8.

    Output ``i`` is the activation of stage ``i`` as the next layer sees it,
    ``relu(bn(x))`` (the next block's first norm, or the final norm for the
    last stage), with ``channels[i]`` channels at stride ``prod(strides[:i+1])``.
    PSA's AffinityNet reads outputs 2, 3 and 5 (its ``conv4``, ``conv5``,
    ``conv6``), its classifier output 5.

    Args:
        widen_factor (float): Multiplies every width; PSA uses 1.0. A smaller
            value gives a slim variant for quick runs. Defaults to 1.0.
        strides (Sequence[int]): Strides of the six stages.
            Defaults to (2, 2, 2, 1, 1, 1).
        dilations (Sequence[int]): Dilations of the six stages (the first
            conv of a stage keeps the previous dilation). Defaults to
            (1, 1, 1, 2, 4, 4).
        dropouts (Sequence[float]): Dropout of the two bottlenecks.
            Defaults to (0.3, 0.5).
        out_indices (Sequence[int]): Stages to output. Defaults to (2, 3, 5).
        frozen_stages (int): Stages whose parameters are frozen (the stem is
            stage 0 here, as in mmseg's ResNet: 0 freezes the stem, 1 the stem
            and the first stage). -1 freezes nothing. Defaults to -1.
        norm_cfg (dict): Defaults to ``dict(type='BN', requires_grad=True)``.
        norm_eval (bool): Keep the norm layers in eval mode (frozen running
            statistics), as PSA trains. Defaults to False.
        init_cfg (dict or list[dict], optional): Defaults to None (Kaiming
            init of the convs, constant 1 / 0 norms).
    """

    base_channels = (64, 128, 256, 512, 1024, 2048, 4096)
    base_mid_channels = (128, 256, 512, 512)
    stage_blocks = (3, 3, 6, 3)

    def __init__(self,
                 widen_factor: float = 1.0,
                 strides: Sequence[int] = (2, 2, 2, 1, 1, 1),
                 dilations: Sequence[int] = (1, 1, 1, 2, 4, 4),
                 dropouts: Sequence[float] = (0.3, 0.5),
                 out_indices: Sequence[int] = (2, 3, 5),
                 frozen_stages: int = -1,
                 norm_cfg: ConfigType = dict(type='BN', requires_grad=True),
                 norm_eval: bool = False,
                 init_cfg: OptMultiConfig = None) -> None:
        if init_cfg is None:
            init_cfg = [
                dict(type='Kaiming', layer='Conv2d'),
                dict(type='Constant', val=1, layer=['_BatchNorm', 'GroupNorm'])
            ]
        super().__init__(init_cfg=init_cfg)
        assert len(strides) == len(dilations) == 6, \
            'WideResNet38 has six stages'
        assert all(0 <= i < 6 for i in out_indices), out_indices
        ch = [max(1, int(round(c * widen_factor))) for c in self.base_channels]
        mid = [
            max(1, int(round(c * widen_factor)))
            for c in self.base_mid_channels
        ]
        self.channels = tuple(ch[1:])
        self.strides = tuple(strides)
        self.dilations = tuple(dilations)
        self.out_indices = tuple(out_indices)
        self.frozen_stages = frozen_stages
        self.norm_eval = norm_eval

        self.stem = nn.Conv2d(3, ch[0], 3, padding=1, bias=False)
        self.stages = nn.ModuleList()
        in_ch, prev_dil = ch[0], 1
        for i, num in enumerate(self.stage_blocks):
            blocks = []
            for j in range(num):
                blocks.append(
                    PreActBlock(
                        in_ch, mid[i], ch[i + 1],
                        stride=strides[i] if j == 0 else 1,
                        first_dilation=prev_dil if j == 0 else dilations[i],
                        dilation=dilations[i],
                        norm_cfg=norm_cfg))
                in_ch = ch[i + 1]
            self.stages.append(nn.Sequential(*blocks))
            prev_dil = dilations[i]
        for i, dropout in zip((4, 5), dropouts):
            self.stages.append(
                nn.Sequential(
                    PreActBottleneck(
                        in_ch, ch[i + 1], strides[i], dilations[i], dropout,
                        norm_cfg=norm_cfg)))
            in_ch = ch[i + 1]
        self.norm_out = build_norm_layer(norm_cfg, in_ch)[1]
        self.relu = nn.ReLU(inplace=True)
        self._freeze_stages()

    def _freeze_stages(self) -> None:
        if self.frozen_stages < 0:
            return
        frozen = [self.stem] + list(self.stages[:self.frozen_stages])
        for module in frozen:
            module.eval()
            for p in module.parameters():
                p.requires_grad = False

    def _activation(self, i: int, x: Tensor) -> Tensor:
        """Output ``i``: stage ``i``'s result through the next norm + ReLU."""
        if i + 1 < len(self.stages):
            return self.stages[i + 1][0].preact(x)
        return self.relu(self.norm_out(x))

    def forward(self, x: Tensor) -> Tuple[Tensor, ...]:
        """Outputs of the stages in ``out_indices``."""
        x = self.stem(x)
        outs: List[Tensor] = []
        last = max(self.out_indices)
        for i, stage in enumerate(self.stages[:last + 1]):
            x = stage(x)
            if i in self.out_indices:
                outs.append(self._activation(i, x))
        return tuple(outs)

    def train(self, mode: bool = True) -> 'WideResNet38':
        """Set the mode; frozen stages and (with ``norm_eval``) norms stay eval."""
        super().train(mode)
        self._freeze_stages()
        if mode and self.norm_eval:
            for m in self.modules():
                if isinstance(m, _BatchNorm):
                    m.eval()
        return self

    @property
    def out_channels(self) -> Optional[List[int]]:
        """Channels of the outputs, in ``out_indices`` order."""
        return [self.channels[i] for i in self.out_indices]
