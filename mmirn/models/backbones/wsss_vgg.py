"""VGG-16 for weakly supervised segmentation (RCA's backbone, CVPR22)."""
from typing import Sequence, Tuple

import torch.nn as nn
from mmcv.cnn import VGG
from mmengine.model import BaseModule
from torch import Tensor

from mmirn.registry import MODELS
from mmseg.utils import OptMultiConfig


@MODELS.register_module()
class WSSSVGG(BaseModule):
    """mmcv's VGG with the usual WSSS changes: a denser, dilated top.

    The layers are mmcv's :class:`~mmcv.cnn.VGG` ``features`` (same indices as
    torchvision's ``vgg16.features``, so ``Pretrained`` ``torchvision://vgg16``
    loads into them); the last pooling is removed, ``pool4`` too when
    ``remove_pool4`` (output stride 8 instead of 16), the last stage's convs
    are dilated by ``last_dilation``, and ``extra_channels`` adds 3 x 3 conv +
    ReLU layers on top (the new layers of the released code's ``fc6/fc7``-like
    head, trained at a higher learning rate through their ``extra`` prefix).

    Args:
        depth (int): VGG depth. Defaults to 16.
        remove_pool4 (bool): Drop the 4th max-pool. Defaults to True.
        last_dilation (int): Dilation of the 5th stage. Defaults to 2.
        extra_channels (Sequence[int]): Output channels of the extra convs.
            Defaults to (512, ).
        extra_dilation (int): Dilation of the extra convs. Defaults to 1.
        init_cfg (dict, optional): e.g. ``Pretrained`` torchvision weights.
    """

    def __init__(self,
                 depth: int = 16,
                 remove_pool4: bool = True,
                 last_dilation: int = 2,
                 extra_channels: Sequence[int] = (512, ),
                 extra_dilation: int = 1,
                 init_cfg: OptMultiConfig = None) -> None:
        super().__init__(init_cfg=init_cfg)
        vgg = VGG(depth, num_stages=5,
                  dilations=(1, 1, 1, 1, last_dilation), out_indices=(4, ),
                  with_last_pool=False)
        self.features = vgg.features
        if remove_pool4:
            pool4 = vgg.range_sub_modules[3][1] - 1
            assert isinstance(self.features[pool4], nn.MaxPool2d)
            self.features[pool4] = nn.Identity()
        layers = []
        in_ch = 512
        for ch in extra_channels:
            layers += [nn.Conv2d(in_ch, ch, 3, padding=extra_dilation,
                                 dilation=extra_dilation),
                       nn.ReLU(inplace=True)]
            in_ch = ch
        self.extra = nn.Sequential(*layers)
        self.out_channels = in_ch

    def forward(self, x: Tensor) -> Tuple[Tensor]:
        """Features at stride 8 (16 with pool4), as a 1-tuple."""
        return (self.extra(self.features(x)), )
