"""Data preprocessor of mmirn's models."""
from typing import Any, Dict

import torch.nn.functional as F

from mmirn.registry import MODELS

from mmseg.models.data_preprocessor import SegDataPreProcessor


@MODELS.register_module()
class WSSSDataPreProcessor(SegDataPreProcessor):
    """mmseg's ``SegDataPreProcessor`` that also pads ``gt_relation`` maps.

    In training, images and ``gt_sem_seg`` are padded as in mmseg (to ``size`` or a
    multiple of ``size_divisor``, bottom and right); ``gt_relation`` gets the same padding
    with ``seg_pad_val`` (255 = ignored). Image-level labels (``gt_label``) need no
    padding. In testing, images of one batch must share a size (batch size 1 for
    CAM inference on images of any size).

    Args:
        **kwargs: Arguments of :class:`mmseg.models.SegDataPreProcessor`.
    """

    def forward(self, data: dict, training: bool = False) -> Dict[str, Any]:
        data = super().forward(data, training)
        data_samples = data.get('data_samples')
        if not training or data_samples is None:
            return data
        for data_sample in data_samples:
            if 'gt_relation' not in data_sample:
                continue
            padding_size = data_sample.metainfo.get('padding_size')
            if padding_size is None or not any(padding_size):
                continue
            relation = data_sample.gt_relation.data
            # only maps at image resolution share the image's padding
            if tuple(relation.shape[-2:]) != tuple(
                    data_sample.metainfo['img_shape'][:2]):
                continue
            del data_sample.gt_relation.data
            data_sample.gt_relation.data = F.pad(
                relation, padding_size, value=self.seg_pad_val)
        return data
