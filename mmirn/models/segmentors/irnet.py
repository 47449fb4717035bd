"""IRNet: inter-pixel relation network (Ahn, Cho and Kwak, CVPR 2019)."""
from typing import List, Optional, Tuple

import torch
import torch.nn.functional as F
from mmengine.structures import PixelData
from mmseg.models.segmentors.base import BaseSegmentor
from mmseg.utils import (ConfigType, OptConfigType, OptMultiConfig,
                         OptSampleList, SampleList, add_prefix)
from torch import Tensor

from mmirn.registry import MODELS, TASK_UTILS
from mmirn.utils.config_keys import check_cfg_keys


@MODELS.register_module()
class IRNet(BaseSegmentor):
    """A frozen classifier backbone with the IRN head.

    The backbone (usually :class:`~mmirn.models.ResNetWithStem` with
    ``out_indices=(0, 1, 2, 3)``) is usually initialised from the trained CAM
    classifier's ``ResNet``, e.g. ``init_cfg=dict(type='Pretrained',
    checkpoint=CAM_CKPT, prefix='backbone.')`` in its config, and kept frozen
    (eval mode, no gradients). Its outputs are the head's levels, one per
    ``in_channels`` of the head: IRN's five are the stem (after max pooling,
    stride 4) and the four residual stages.

    ``predict`` fills two fields of every data sample, cropped to the stride-4
    size of the unpadded image, ``ceil(H / 4) x ceil(W / 4)``:

    - ``pred_boundary`` (PixelData): boundary probabilities ``data`` (1, h, w).
    - ``pred_displacement`` (PixelData): displacement field ``data`` (2, h, w),
      (dy, dx) in stride-4 pixels, minus the training-set mean.

    Both carry ``stride=4`` in their metainfo. A ``labeler`` (e.g.
    :class:`~mmirn.models.IRNSemanticLabeler`) then turns them and the stored CAMs
    (``cams``, ``cams_strided`` from ``LoadCAMs``) into ``pred_sem_seg`` /
    ``pred_instances``.

    Args:
        backbone (dict): The backbone config.
        decode_head (dict): The ``IRNHead`` config.
        train_cfg (dict, optional): Unused (a key in it is an error). Defaults to
            None.
        test_cfg (dict, optional): ``flip`` (bool, default True) averages the
            prediction with that of the flipped image. Another key is an error.
        data_preprocessor (dict, optional): Defaults to None.
        labeler (dict, optional): A labeller (``TASK_UTILS``) called on every
            predicted sample. Defaults to None.
        init_cfg (dict, optional): Defaults to None.
    """

    def __init__(self,
                 backbone: ConfigType,
                 decode_head: ConfigType,
                 train_cfg: OptConfigType = None,
                 test_cfg: OptConfigType = None,
                 data_preprocessor: OptConfigType = None,
                 labeler: OptConfigType = None,
                 init_cfg: OptMultiConfig = None) -> None:
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.decode_head = MODELS.build(decode_head)
        name = type(self).__name__
        self.train_cfg = check_cfg_keys(train_cfg, (), f'{name}.train_cfg')
        self.test_cfg = check_cfg_keys(test_cfg, ('flip', ), f'{name}.test_cfg')
        self.labeler = TASK_UTILS.build(labeler) if labeler else None
        for p in self.backbone.parameters():
            p.requires_grad = False

    def train(self, mode: bool = True) -> 'IRNet':
        """Set the mode; the frozen backbone always stays in eval mode."""
        super().train(mode)
        self.backbone.eval()
        return self

    def extract_feat(self, inputs: Tensor) -> Tuple[Tensor, ...]:
        """The levels of the frozen backbone, one per input of the head."""
        with torch.no_grad():
            feats = self.backbone(inputs)
        levels = len(self.decode_head.in_channels)
        if len(feats) != levels:
            raise ValueError(
                f'{type(self).__name__}: the backbone '
                f'{type(self.backbone).__name__} gives {len(feats)} levels but '
                f'the head takes {levels}; use ResNetWithStem (stem + the '
                'stages of out_indices), e.g. out_indices=(0, 1, 2, 3)')
        return feats

    def encode_decode(self, inputs: Tensor,
                      batch_img_metas: List[dict]) -> Tensor:
        """Dense maps of a batch at the input size, as mmseg's segmentors give.

        One pass (no flip, unlike ``predict``): the head's stride-4 boundary
        probabilities and centred displacements, resized bilinearly to the
        input size.

        Args:
            inputs (Tensor): (N, 3, H, W) images.
            batch_img_metas (list[dict]): Their meta information.

        Returns:
            Tensor: (N, 3, H, W): the boundary probability, then the
            displacement (dy, dx) in input pixels.
        """
        boundary, disp = self.decode_head.predict(
            self.extract_feat(inputs), batch_img_metas, self.test_cfg)
        maps = torch.cat([boundary, disp * 4], dim=1)
        return F.interpolate(
            maps, size=inputs.shape[-2:], mode='bilinear', align_corners=False)

    def loss(self, inputs: Tensor, data_samples: SampleList) -> dict:
        """IRN losses on the ``gt_relation`` of the samples."""
        losses = self.decode_head.loss(
            self.extract_feat(inputs), data_samples, self.train_cfg)
        return add_prefix(losses, 'decode')

    def _predict_one(self, img: Tensor, meta: dict) -> Tuple[Tensor, Tensor]:
        h, w = meta.get('img_shape', img.shape[-2:])[:2]
        img = img[None, :, :h, :w]
        out_h, out_w = -(-h // 4), -(-w // 4)
        flip = self.test_cfg.get('flip', True)
        if flip:
            img = torch.cat([img, img.flip(-1)])
        boundary, disp = self.forward_raw(img)
        boundary = boundary[:, :, :out_h, :out_w]
        disp = disp[:, :, :out_h, :out_w]
        if flip:
            # Average with the flipped prediction (mirrored back, dx negated).
            boundary = (boundary[:1] + boundary[1:].flip(-1)) / 2
            mirrored = disp[1:].flip(-1) * disp.new_tensor([1, -1]).view(
                1, 2, 1, 1)
            disp = (disp[:1] + mirrored) / 2
        boundary, disp = self.decode_head.predict_by_feat((boundary, disp),
                                                          [meta])
        return boundary[0], disp[0]

    def predict(self,
                inputs: Tensor,
                data_samples: OptSampleList = None) -> SampleList:
        """Predict the boundary map and displacement field of every image."""
        if data_samples is None:
            from mmirn.structures import WSSSDataSample
            data_samples = [
                WSSSDataSample(metainfo=dict(img_shape=inputs.shape[-2:]))
                for _ in range(len(inputs))
            ]
        for img, sample in zip(inputs, data_samples):
            boundary, disp = self._predict_one(img, sample.metainfo)
            sample.pred_boundary = PixelData(
                data=boundary, metainfo=dict(stride=4))
            sample.pred_displacement = PixelData(
                data=disp, metainfo=dict(stride=4))
            if self.labeler is not None:
                self.labeler(sample)
        return data_samples

    def forward_raw(self, inputs: Tensor) -> Tuple[Tensor, Tensor]:
        """The head's raw outputs of a batch, at stride 4 of the padded input.

        Args:
            inputs (Tensor): (N, 3, H, W) images.

        Returns:
            tuple[Tensor]: Boundary logits (N, 1, h, w) and the displacement
            (N, 2, h, w) before the training-set mean is subtracted (what
            ``DisplacementMeanHook`` averages).
        """
        return self.decode_head.forward(self.extract_feat(inputs))

    def _forward(self,
                 inputs: Tensor,
                 data_samples: OptSampleList = None) -> Tuple[Tensor, Tensor]:
        """``forward(mode='tensor')``: :meth:`forward_raw`."""
        return self.forward_raw(inputs)
