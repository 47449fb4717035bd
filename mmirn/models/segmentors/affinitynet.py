"""AffinityNet (Ahn and Kwak, CVPR 2018): pixel affinities learned from CAMs."""
from typing import List

import torch.nn.functional as F
from mmengine.structures import PixelData
from mmseg.models.segmentors.base import BaseSegmentor
from mmseg.utils import (ConfigType, OptConfigType, OptMultiConfig,
                         OptSampleList, SampleList, add_prefix)
from torch import Tensor

from mmirn.registry import MODELS, TASK_UTILS
from mmirn.utils.config_keys import check_cfg_keys


@MODELS.register_module()
class AffinityNet(BaseSegmentor):
    """A backbone with the :class:`~mmirn.models.AffinityHead`.

    Trained on affinity labels (``gt_relation``: 0 background, c + 1 class
    c, 255 neutral, as mined by ``tools/mine_labels.py``). Any
    backbone whose selected levels include a stride-8 one works: PSA's
    ``WideResNet38`` or an mmseg ``ResNet`` (the IRN paper's AffinityNet-R50).
    Unlike IRNet the backbone is trained (PSA: frozen BN, 1x lr).

    ``predict`` pads every image to a multiple of ``test_cfg.stride`` (as PSA
    does) and fills ``pred_affinity`` (PixelData): ``data`` (D, h, w) with
    ``h, w = ceil(H / stride), ceil(W / stride)`` of the unpadded image and D
    the pairs of the head's radius, ready for :func:`mmirn.ops.random_walk`,
    with ``stride`` and ``radius`` in its metainfo. A ``labeler`` (e.g.
    :class:`~mmirn.models.PSALabeler`) then fills ``pred_sem_seg``.

    Args:
        backbone (dict): The backbone config.
        decode_head (dict): The ``AffinityHead`` config.
        neck (dict, optional): Defaults to None.
        train_cfg (dict, optional): Unused (a key in it is an error). Defaults to
            None.
        test_cfg (dict, optional): ``stride`` (int, default 8), the stride of
            the head's feature map. Another key is an error.
        data_preprocessor (dict, optional): Defaults to None.
        labeler (dict, optional): A labeller (``TASK_UTILS``) called on every
            predicted sample. Defaults to None.
        init_cfg (dict, optional): Defaults to None.
    """

    def __init__(self,
                 backbone: ConfigType,
                 decode_head: ConfigType,
                 neck: OptConfigType = None,
                 train_cfg: OptConfigType = None,
                 test_cfg: OptConfigType = None,
                 data_preprocessor: OptConfigType = None,
                 labeler: OptConfigType = None,
                 init_cfg: OptMultiConfig = None) -> None:
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        if neck is not None:
            self.neck = MODELS.build(neck)
        self.decode_head = MODELS.build(decode_head)
        name = type(self).__name__
        self.train_cfg = check_cfg_keys(train_cfg, (), f'{name}.train_cfg')
        self.test_cfg = check_cfg_keys(test_cfg, ('stride', ), f'{name}.test_cfg')
        self.labeler = TASK_UTILS.build(labeler) if labeler else None

    def extract_feat(self, inputs: Tensor) -> List[Tensor]:
        """Backbone (and neck) levels."""
        x = self.backbone(inputs)
        if self.with_neck:
            x = self.neck(x)
        return x

    def encode_decode(self, inputs: Tensor,
                      batch_img_metas: List[dict]) -> Tensor:
        """Affinities (N, D, h, w) of a batch on the grid of ``test_cfg.stride``.

        ``h, w = ceil(H / stride), ceil(W / stride)`` of the input; the head's
        feature map is resized (bilinear) to that grid if the backbone's stride
        differs. Unlike mmseg's segmentation maps these stay on the grid: an
        affinity links two of its cells.

        Args:
            inputs (Tensor): (N, 3, H, W) images.
            batch_img_metas (list[dict]): Their meta information.

        Returns:
            Tensor: (N, D, h, w), D the pairs of the head's radius.
        """
        stride = self.test_cfg.get('stride', 8)
        h, w = inputs.shape[-2:]
        size = (-(-h // stride), -(-w // stride))
        feat = self.decode_head.forward(self.extract_feat(inputs))
        if tuple(feat.shape[-2:]) != size:
            feat = F.interpolate(
                feat, size=size, mode='bilinear', align_corners=False)
        return self.decode_head.predict_by_feat(feat, batch_img_metas)

    def loss(self, inputs: Tensor, data_samples: SampleList) -> dict:
        """Affinity loss on the ``gt_relation`` of the samples."""
        losses = self.decode_head.loss(
            self.extract_feat(inputs), data_samples, self.train_cfg)
        return add_prefix(losses, 'decode')

    def _predict_one(self, img: Tensor, meta: dict) -> Tensor:
        h, w = meta.get('img_shape', img.shape[-2:])[:2]
        stride = self.test_cfg.get('stride', 8)
        out_h, out_w = -(-h // stride), -(-w // stride)
        img = F.pad(img[None, :, :h, :w],
                    (0, out_w * stride - w, 0, out_h * stride - h))
        return self.encode_decode(img, [meta])[0]

    def predict(self,
                inputs: Tensor,
                data_samples: OptSampleList = None) -> SampleList:
        """Predict the affinities of every image (see the class docstring)."""
        if data_samples is None:
            from mmirn.structures import WSSSDataSample
            data_samples = [
                WSSSDataSample(metainfo=dict(img_shape=inputs.shape[-2:]))
                for _ in range(len(inputs))
            ]
        for img, sample in zip(inputs, data_samples):
            affinity = self._predict_one(img, sample.metainfo)
            sample.pred_affinity = PixelData(
                data=affinity,
                metainfo=dict(
                    stride=self.test_cfg.get('stride', 8),
                    radius=self.decode_head.radius))
            if self.labeler is not None:
                self.labeler(sample)
        return data_samples

    def _forward(self,
                 inputs: Tensor,
                 data_samples: OptSampleList = None) -> Tensor:
        """The head's feature map (N, C, h, w)."""
        return self.decode_head.forward(self.extract_feat(inputs))
