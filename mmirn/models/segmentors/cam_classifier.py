"""A CAM classifier (Zhou et al., CVPR16) as the seed network of IRN."""
import math
from typing import List, Optional, Tuple

import torch
import torch.nn.functional as F
from mmengine.structures import PixelData
from torch import Tensor

from mmirn.registry import MODELS, TASK_UTILS
from mmirn.utils.config_keys import check_cfg_keys
from mmirn.structures import WSSSDataSample

from mmseg.models.segmentors import BaseSegmentor
from mmseg.utils import ConfigType, OptConfigType, OptMultiConfig, SampleList


TEST_CFG_KEYS = ('scales', 'flip', 'output_stride', 'use_gt_label', 'score_thr')


def max_normalize(cams: Tensor, eps: float = 1e-5) -> Tensor:
    """Divide each channel of [K, H, W] maps by its maximum (at least eps)."""
    if cams.shape[0] == 0:
        return cams
    return cams / cams.flatten(1).amax(1).clamp(min=eps)[:, None, None]


@MODELS.register_module()
class CAMClassifier(BaseSegmentor):
    """Image classifier whose class activation maps seed weakly supervised segmentation.

    Training minimises the head's multilabel loss on ``gt_label``. Inference computes
    ``M_c = ReLU(phi_c^T f(x))`` summed over the test scales and horizontal flips,
    keeps the classes present in the image (``gt_label``, or predicted ones without it)
    and max-normalises each map to [0, 1]. It fills, per data sample:

    - ``pred_cams`` (PixelData): ``data`` [K, H, W] full-resolution CAMs, ``cam_keys``
      (LongTensor [K], foreground class indices; not ``keys``, the name of a
      ``BaseDataElement`` method) and ``stride=1`` in the metainfo.
    - ``pred_cams_strided`` (PixelData): ``data`` [K, ceil(H / 4), ceil(W / 4)] the
      same at ``stride=4``.

    The ``PredictionWriterHook`` writes them as the CAM files that ``LoadCAMs``
    reads; a ``labeler`` (e.g. ``CAMThresholdLabeler(cam_field='pred_cams')``) may
    turn them into ``pred_sem_seg``.

    Images of any size work (no fixed padding): each image of the batch is cropped to
    its ``img_shape`` and processed alone; maps are returned at ``ori_shape``.

    Args:
        backbone (dict): Backbone config (e.g. mmseg ``ResNet`` with
            ``strides=(1, 2, 2, 1)``, output stride 16).
        cam_head (dict): Head config (:class:`~mmirn.models.CAMHead`).
        neck (dict, optional): Neck config. Defaults to None.
        train_cfg (dict, optional): Unused (a key in it is an error). Defaults to
            None.
        test_cfg (dict, optional): Inference options (an unknown key is an
            error). Defaults to None.

            - ``scales`` (tuple[float]): Test scales. Defaults to (1.0, ).
            - ``flip`` (bool): Add horizontal flips. Defaults to False.
            - ``output_stride`` (int): Stride of the backbone output. Defaults to 16.
            - ``use_gt_label`` (bool): Keys from ``gt_label`` when present.
              Defaults to True.
            - ``score_thr`` (float): Class probability for a predicted key (without
              ``gt_label``). Defaults to 0.5.
        data_preprocessor (dict, optional): Defaults to None.
        labeler (dict, optional): A labeller (``TASK_UTILS``) called on every
            predicted sample. Defaults to None.
        init_cfg (dict, optional): Defaults to None.
    """

    def __init__(self,
                 backbone: ConfigType,
                 cam_head: ConfigType,
                 neck: OptConfigType = None,
                 train_cfg: OptConfigType = None,
                 test_cfg: OptConfigType = None,
                 data_preprocessor: OptConfigType = None,
                 labeler: OptConfigType = None,
                 init_cfg: OptMultiConfig = None):
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        if neck is not None:
            self.neck = MODELS.build(neck)
        self.cam_head = MODELS.build(cam_head)
        self.num_classes = self.cam_head.num_classes
        name = type(self).__name__
        self.train_cfg = check_cfg_keys(train_cfg, (), f'{name}.train_cfg')
        self.test_cfg = check_cfg_keys(test_cfg, TEST_CFG_KEYS, f'{name}.test_cfg')
        self.labeler = TASK_UTILS.build(labeler) if labeler else None

    def extract_feat(self, inputs: Tensor) -> Tuple[Tensor]:
        """Backbone (and neck) features."""
        x = self.backbone(inputs)
        if self.with_neck:
            x = self.neck(x)
        return x

    def encode_decode(self, inputs: Tensor,
                      batch_img_metas: List[dict]) -> Tensor:
        """Single-scale ReLU CAMs of all classes at input size, [N, C, H, W]."""
        cams = F.relu(self.cam_head.forward_cams(self.extract_feat(inputs)))
        return F.interpolate(
            cams, size=inputs.shape[2:], mode='bilinear', align_corners=False)

    def _forward(self,
                 inputs: Tensor,
                 data_samples: OptConfigType = None) -> Tensor:
        """Class logits, [N, C]."""
        return self.cam_head(self.extract_feat(inputs))

    def loss(self, inputs: Tensor, data_samples: SampleList) -> dict:
        """Classification loss from images and their ``gt_label``."""
        return self.cam_head.loss(
            self.extract_feat(inputs), data_samples, self.train_cfg)

    def predict(self,
                inputs: Tensor,
                data_samples: Optional[SampleList] = None) -> SampleList:
        """Multi-scale CAMs of the present classes (see the class docstring)."""
        if data_samples is None:
            h, w = inputs.shape[2:]
            data_samples = [
                WSSSDataSample(
                    metainfo=dict(img_shape=(h, w), ori_shape=(h, w)))
                for _ in range(inputs.shape[0])
            ]
        for i, data_sample in enumerate(data_samples):
            meta = data_sample.metainfo
            img = inputs[i:i + 1]
            h, w = meta.get('img_shape', img.shape[2:])[:2]
            keys, cam, high_res = self.infer_cams(
                img[:, :, :h, :w], self._gt_keys(data_sample))
            cam, high_res = self._to_original(cam, high_res, meta)
            data_sample.pred_cams = PixelData(
                data=high_res, metainfo=dict(cam_keys=keys, stride=1))
            data_sample.pred_cams_strided = PixelData(
                data=cam, metainfo=dict(cam_keys=keys, stride=4))
            if self.labeler is not None:
                self.labeler(data_sample)
        return data_samples

    def _gt_keys(self, data_sample) -> Optional[Tensor]:
        if self.test_cfg.get('use_gt_label', True) and \
                'gt_label' in data_sample:
            return data_sample.gt_label.nonzero().flatten()
        return None

    def infer_cams(
            self,
            img: Tensor,
            keys: Optional[Tensor] = None) -> Tuple[Tensor, Tensor, Tensor]:
        """Multi-scale, flipped CAMs of one image.

        Args:
            img (Tensor): [1, 3, H, W] normalised image.
            keys (Tensor, optional): Foreground classes to keep. Defaults to None
                (classes whose probability at the first scale passes
                ``test_cfg.score_thr``).

        Returns:
            tuple[Tensor]: ``keys`` [K], stride-4 CAMs [K, ceil(H / 4), ceil(W / 4)]
            and full-resolution CAMs [K, H, W], max-normalised.
        """
        cfg = self.test_cfg
        scales = cfg.get('scales', (1.0, ))
        flip = cfg.get('flip', False)
        stride = cfg.get('output_stride', 16)
        h, w = img.shape[2:]
        cam_sum = img.new_zeros((self.num_classes, math.ceil(h / 4),
                                 math.ceil(w / 4)))
        full_sum = img.new_zeros((self.num_classes, h, w))
        raw_cams = []
        for scale in scales:
            x = img
            if scale != 1.0:
                size = (max(round(h * scale), 1), max(round(w * scale), 1))
                x = F.interpolate(
                    img, size=size, mode='bilinear', align_corners=False)
            if flip:
                x = torch.cat([x, x.flip(-1)])
            raw = self.cam_head.forward_cams(self.extract_feat(x))
            if keys is None and not raw_cams:
                probs = raw[0].mean(dim=(1, 2)).sigmoid()
                keys = (probs > cfg.get('score_thr', 0.5)).nonzero().flatten()
            raw_cams.append((F.relu(raw), x.shape[2:]))
        keys = keys.to(img.device).long()
        for raw, (sh, sw) in raw_cams if len(keys) else []:
            # one more (replicated) cell on the bottom and right, so that the grid
            # covers the stride-4 map too; bilinear sampling there equals border clamping
            raw = F.pad(raw[:, keys], (0, 1, 0, 1), mode='replicate')
            fh, fw = raw.shape[2:]
            # in original pixels, the feature grid spans fh * stride * h / sh rows
            span_h, span_w = fh * stride * h / sh, fw * stride * w / sw
            full = F.interpolate(
                raw, size=(round(span_h), round(span_w)), mode='bilinear',
                align_corners=False)[:, :, :h, :w]
            cam = F.interpolate(
                raw, size=(round(span_h / 4), round(span_w / 4)),
                mode='bilinear',
                align_corners=False)[:, :, :cam_sum.shape[1], :cam_sum.shape[2]]
            # flipped maps are flipped back in image space, where they align
            full_sum[keys] += full.sum(0) if not flip else full[0] + full[1].flip(-1)
            cam_sum[keys] += cam.sum(0) if not flip else cam[0] + cam[1].flip(-1)
        return keys, max_normalize(cam_sum[keys]), max_normalize(full_sum[keys])

    @staticmethod
    def _to_original(cam: Tensor, high_res: Tensor,
                     meta: dict) -> Tuple[Tensor, Tensor]:
        """Undo a test-time flip and resize to ``ori_shape``."""
        if meta.get('flip', False):
            dims = [-1] if meta.get('flip_direction',
                                    'horizontal') == 'horizontal' else [-2]
            cam, high_res = cam.flip(dims), high_res.flip(dims)
        ori_h, ori_w = meta.get('ori_shape', high_res.shape[1:])[:2]
        if tuple(high_res.shape[1:]) != (ori_h, ori_w) and cam.shape[0] > 0:
            high_res = max_normalize(
                F.interpolate(
                    high_res[None], size=(ori_h, ori_w), mode='bilinear',
                    align_corners=False)[0].clamp(min=0))
            cam = max_normalize(
                F.interpolate(
                    cam[None],
                    size=(math.ceil(ori_h / 4), math.ceil(ori_w / 4)),
                    mode='bilinear',
                    align_corners=False)[0].clamp(min=0))
        return cam, high_res
