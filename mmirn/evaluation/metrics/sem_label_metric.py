"""Write IRN semantic pseudo labels in a test loop and score their mIoU."""
import os.path as osp
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from mmengine.evaluator import BaseMetric

from mmirn.pseudo.cam_io import cam_path, load_cams
from mmirn.pseudo.semantic import (confusion_matrix, load_png,
                                   miou_from_confusion, save_png,
                                   semantic_label)
from mmirn.registry import METRICS


def sample_img_id(sample: dict) -> str:
    """The image id of a data sample (dict): ``img_id`` or the file stem."""
    if sample.get('img_id') is not None:
        return str(sample['img_id'])
    return osp.splitext(osp.basename(sample['img_path']))[0]


def stride4_map(sample: dict, key: str, size: Sequence[int]) -> torch.Tensor:
    """A predicted stride-4 map of a sample, resized to ``size`` if needed."""
    data = sample[key]['data'].float().cpu()
    if tuple(data.shape[-2:]) != tuple(size):
        data = F.interpolate(
            data[None], size=tuple(size), mode='bilinear',
            align_corners=False)[0]
    return data


def gt_semantic(sample: dict) -> Optional[np.ndarray]:
    """The (H, W) ground-truth semantic map of a sample, if it has one."""
    gt = sample.get('gt_sem_seg')
    if gt is None or 'data' not in gt:
        return None
    return gt['data'].squeeze(0).cpu().numpy()


@METRICS.register_module()
class SemLabelMetric(BaseMetric):
    """IRN semantic pseudo labels (step 6) as a metric of a test loop.

    For every image the model's ``pred_boundary`` (IRNet) and the saved CAMs
    (``<cam_dir>/<img_id>.npz``) give the label of
    :func:`mmirn.pseudo.semantic_label`, written atomically as a VOC-palette PNG
    ``<out_dir>/<img_id>.png`` (0 background, c + 1 foreground class c). Files
    that exist are read back instead of recomputed (resume). Each rank writes
    the images of its shard, so ``tools/test.py --launcher`` splits the work.
    With ground-truth masks in the samples (``gt_sem_seg``) it reports the mIoU
    (percent) of the labels.

    Args:
        cam_dir (str): Directory of the CAM files.
        out_dir (str, optional): Where to write the PNGs. Defaults to None
            (nothing written).
        radius (int): Random-walk radius. Defaults to 5.
        beta (float): Affinity exponent. Defaults to 10.
        num_iters (int): Walk steps. Defaults to 256.
        bg_thr (float): Background score. Defaults to 0.25.
        use_boundary (bool): Walk the CAMs; False scores the plain CAMs
            (thresholded at ``bg_thr``). Defaults to True.
        skip_done (bool): Reuse existing PNGs. Defaults to True.
        collect_device (str): Defaults to 'cpu'.
        prefix (str, optional): Metric name prefix. Defaults to None.
    """
    default_prefix = 'sem'

    def __init__(self,
                 cam_dir: str,
                 out_dir: Optional[str] = None,
                 radius: int = 5,
                 beta: float = 10.,
                 num_iters: int = 256,
                 bg_thr: float = 0.25,
                 use_boundary: bool = True,
                 skip_done: bool = True,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.cam_dir = cam_dir
        self.out_dir = out_dir
        self.radius = radius
        self.beta = beta
        self.num_iters = num_iters
        self.bg_thr = bg_thr
        self.use_boundary = use_boundary
        self.skip_done = skip_done

    def make_label(self, sample: dict) -> np.ndarray:
        """Synthesise the label of one sample (no file I/O but the CAMs)."""
        img_id = sample_img_id(sample)
        cams = load_cams(cam_path(self.cam_dir, img_id),
            num_classes=len(self.dataset_meta['classes']) - 1
            if self.dataset_meta else None)
        cam = torch.from_numpy(cams['cam'].astype(np.float32))
        boundary = None
        if self.use_boundary:
            boundary = stride4_map(sample, 'pred_boundary', cam.shape[-2:])
        h, w = sample['ori_shape'][:2]
        return semantic_label(cam, cams['keys'], boundary, (h, w), self.radius,
                              self.beta, self.num_iters, self.bg_thr)

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        """Write (or read back) the label of every sample and count pixels."""
        num_classes = len(self.dataset_meta['classes'])
        for sample in data_samples:
            path = None
            if self.out_dir is not None:
                path = osp.join(self.out_dir, f'{sample_img_id(sample)}.png')
            if path is not None and self.skip_done and osp.exists(path):
                label = load_png(path)
            else:
                label = self.make_label(sample)
                if path is not None:
                    save_png(label, path)
            gt = gt_semantic(sample)
            conf = None
            if gt is not None:
                conf = confusion_matrix(label, gt, num_classes)
            self.results.append(conf)

    def compute_metrics(self, results: List) -> Dict[str, float]:
        """mIoU (percent) over the images with ground truth."""
        confs = [c for c in results if c is not None]
        metrics = dict(num_images=float(len(results)))
        if confs:
            miou, _ = miou_from_confusion(np.sum(confs, axis=0))
            metrics['mIoU'] = round(100 * miou, 2)
        return metrics
