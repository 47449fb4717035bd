"""mmseg's ResNet that also outputs its stem (IRNet's five levels)."""
from typing import Tuple

from mmseg.models.backbones import ResNet
from torch import Tensor

from mmirn.registry import MODELS


@MODELS.register_module()
class ResNetWithStem(ResNet):
    """mmseg's :class:`~mmseg.models.backbones.ResNet` with the stem as a level.

    ``forward`` returns the stem output after max pooling (stride 4) first,
    then the residual stages selected by ``out_indices`` (mmseg's meaning:
    0 is ``layer1``). IRNet's head takes all five levels:
    ``out_indices=(0, 1, 2, 3)``.

    The modules and so the parameter names are those of ``ResNet``: a CAM
    classifier's ``ResNet`` (or ``ResNetV1c``, through ``deep_stem=True``)
    checkpoint loads with ``init_cfg=dict(type='Pretrained',
    checkpoint=..., prefix='backbone.')``.

    Args:
        **kwargs: The arguments of mmseg's ``ResNet``.
    """

    def forward_stem(self, x: Tensor) -> Tensor:
        """The stem and its max pooling (stride 4)."""
        if self.deep_stem:
            x = self.stem(x)
        else:
            x = self.relu(self.norm1(self.conv1(x)))
        return self.maxpool(x)

    def forward(self, x: Tensor) -> Tuple[Tensor, ...]:
        """The stem output, then the outputs of the stages in ``out_indices``."""
        x = self.forward_stem(x)
        outs = [x]
        for i, name in enumerate(self.res_layers):
            x = getattr(self, name)(x)
            if i in self.out_indices:
                outs.append(x)
        return tuple(outs)
