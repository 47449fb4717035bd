"""The classifier head of a CAM network (Zhou et al., CVPR16)."""
from typing import List, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from torch import Tensor

from mmirn.registry import MODELS

from mmseg.utils import ConfigType, OptMultiConfig, SampleList


@MODELS.register_module()
class CAMHead(BaseModule):
    """Global average pooling and a bias-free 1 x 1 conv classifier.

    Trained with the multilabel soft-margin loss on the image-level labels
    (``data_sample.gt_label``, multi-hot over the foreground classes). Because the
    classifier is linear and bias-free, the class scores equal the spatial mean of the
    raw class activation maps ``phi_c^T f(x)`` that :meth:`forward_cams` returns.

    Not an mmseg ``BaseDecodeHead``: that class is built around a per-pixel softmax
    classifier (``conv_seg`` with bias, ``loss_decode`` on ``gt_sem_seg``), while this
    head is an image classifier.

    Args:
        in_channels (int): Channels of the input feature map.
        num_classes (int): Number of foreground classes.
        in_index (int): Which backbone output to use. Defaults to -1.
        loss_weight (float): Weight of the classification loss. Defaults to 1.0.
        init_cfg (dict or list[dict], optional): Initialization config.
            Defaults to None (``dict(type='Normal', std=0.01, layer='Conv2d')``).
    """

    def __init__(self,
                 in_channels: int,
                 num_classes: int,
                 in_index: int = -1,
                 loss_weight: float = 1.0,
                 init_cfg: OptMultiConfig = None):
        if init_cfg is None:
            init_cfg = dict(type='Normal', std=0.01, layer='Conv2d')
        super().__init__(init_cfg=init_cfg)
        self.in_channels = in_channels
        self.num_classes = num_classes
        self.in_index = in_index
        self.loss_weight = loss_weight
        self.classifier = nn.Conv2d(in_channels, num_classes, 1, bias=False)

    def _select(self, inputs: Tuple[Tensor]) -> Tensor:
        if isinstance(inputs, (list, tuple)):
            return inputs[self.in_index]
        return inputs

    def forward(self, inputs: Tuple[Tensor]) -> Tensor:
        """Class scores (logits), [N, num_classes]."""
        x = self._select(inputs).mean(dim=(2, 3), keepdim=True)
        return self.classifier(x).flatten(1)

    def forward_cams(self, inputs: Tuple[Tensor]) -> Tensor:
        """Raw class activation maps ``phi_c^T f(x)``, [N, num_classes, h, w]."""
        return self.classifier(self._select(inputs))

    def loss(self,
             inputs: Tuple[Tensor],
             batch_data_samples: SampleList,
             train_cfg: ConfigType = None) -> dict:
        """Forward and compute the classification loss.

        Args:
            inputs (tuple[Tensor]): Backbone features.
            batch_data_samples (list[:obj:`WSSSDataSample`]): Samples with ``gt_label``.
            train_cfg (dict, optional): Unused. Defaults to None.

        Returns:
            dict[str, Tensor]: ``loss_cls`` and the diagnostic ``acc_cls`` (percent of
            correct per-class presence decisions).
        """
        return self.loss_by_feat(self.forward(inputs), batch_data_samples)

    def loss_by_feat(self, cls_scores: Tensor,
                     batch_data_samples: SampleList) -> dict:
        """Classification loss from class scores.

        Args:
            cls_scores (Tensor): Logits, [N, num_classes].
            batch_data_samples (list[:obj:`WSSSDataSample`]): Samples with ``gt_label``.

        Returns:
            dict[str, Tensor]: ``loss_cls`` and ``acc_cls``.
        """
        labels = self._stack_labels(batch_data_samples).to(cls_scores)
        assert labels.shape == cls_scores.shape, \
            f'gt_label {tuple(labels.shape)} does not match ' \
            f'scores {tuple(cls_scores.shape)}'
        loss = F.multilabel_soft_margin_loss(cls_scores, labels)
        with torch.no_grad():
            acc = ((cls_scores > 0) == (labels > 0.5)).float().mean() * 100
        return dict(loss_cls=self.loss_weight * loss, acc_cls=acc)

    @staticmethod
    def _stack_labels(batch_data_samples: SampleList) -> Tensor:
        labels: List[Tensor] = [
            data_sample.gt_label.float() for data_sample in batch_data_samples
        ]
        return torch.stack(labels)

    def predict(self, inputs: Tuple[Tensor], batch_img_metas: List[dict],
                test_cfg: ConfigType = None) -> Tensor:
        """Class probabilities, [N, num_classes] (sigmoid of the logits)."""
        return self.forward(inputs).sigmoid()
