"""Write PSA semantic pseudo labels in a test loop and score their mIoU."""
import os.path as osp
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch

from mmirn.pseudo.affinity_labels import alpha_from_threshold
from mmirn.pseudo.cam_io import cam_path, load_cams
from mmirn.pseudo.psa import psa_labels
from mmirn.pseudo.semantic import (confusion_matrix, load_png,
                                   miou_from_confusion, save_png)
from mmirn.registry import METRICS
from .sem_label_metric import (SemLabelMetric, gt_semantic, sample_img_id,
                               stride4_map)

SOURCES = ('affinity', 'boundary', 'none')


@METRICS.register_module()
class PSALabelMetric(SemLabelMetric):
    """PSA's semantic pseudo labels (:func:`mmirn.pseudo.psa_label`).

    Like :class:`SemLabelMetric` (PNG writer, resume, sharding, mIoU), but
    the labels are PSA's: the background score ``(1 - max M)^alpha`` is walked
    together with the full-resolution CAMs (``<cam_dir>/<img_id>.npz``) and
    the arg-max decides, without a threshold. The walk runs on

    - ``source='affinity'``: AffinityNet's ``pred_affinity`` (PSA),
    - ``source='boundary'``: IRNet's ``pred_boundary`` through boundary
      affinities (IRN's affinities with PSA's background; ``stride=4``),
    - ``source='none'``: no walk (the CAMs with PSA's background).

    The background power is ``alpha``, or the one of a threshold of the max
    CAM (``bg_thr``, :func:`~mmirn.pseudo.affinity_labels.alpha_from_threshold`:
    PSA's 16 is 0.12, for VOC CAMs that peak near 0.15); ``alpha`` is also
    reported.

    Args:
        cam_dir (str): Directory of the CAM files.
        out_dir (str, optional): Where to write the PNGs. Defaults to None.
        source (str): 'affinity', 'boundary' or 'none'.
            Defaults to 'affinity'.
        alpha (float, optional): Background power. Defaults to None (16,
            PSA's, unless ``bg_thr`` is given).
        bg_thr (float, optional): Background threshold of the max CAM that
            sets ``alpha`` instead. Defaults to None.
        radius (int): Affinity radius. Defaults to 5.
        beta (float): Affinity power of the walk. Defaults to 8.
        num_iters (int): Walk steps. Defaults to 256.
        stride (int): Stride of the affinity or boundary map. Defaults to 8.
        sweep_alphas (Sequence[float]): Also report ``mIoU@<alpha>`` for these
            background powers (and ``best_alpha``), the counterpart of the
            CAMs' threshold sweep, from the same walk; the PNGs keep
            ``alpha``. Defaults to ().
        skip_done (bool): Reuse existing PNGs. Defaults to True.
        collect_device (str): Defaults to 'cpu'.
        prefix (str, optional): Metric name prefix. Defaults to None ('psa').
    """
    default_prefix = 'psa'

    def __init__(self,
                 cam_dir: str,
                 out_dir: Optional[str] = None,
                 source: str = 'affinity',
                 alpha: Optional[float] = None,
                 bg_thr: Optional[float] = None,
                 radius: int = 5,
                 beta: float = 8.,
                 num_iters: int = 256,
                 stride: int = 8,
                 sweep_alphas: Sequence[float] = (),
                 skip_done: bool = True,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        if source not in SOURCES:
            raise ValueError(f'source must be one of {SOURCES}, got {source}')
        if alpha is not None and bg_thr is not None:
            raise ValueError('give alpha or bg_thr, not both')
        super().__init__(
            cam_dir=cam_dir,
            out_dir=out_dir,
            radius=radius,
            beta=beta,
            num_iters=num_iters,
            use_boundary=source == 'boundary',
            skip_done=skip_done,
            collect_device=collect_device,
            prefix=prefix)
        self.source = source
        if bg_thr is not None:
            alpha = alpha_from_threshold(bg_thr)
        self.alpha = 16. if alpha is None else float(alpha)
        self.stride = stride
        self.sweep_alphas = tuple(sweep_alphas)

    def make_labels(self, sample: dict,
                    alphas: Sequence[float]) -> List[np.ndarray]:
        """The labels of one sample for each power, from one walk."""
        cams = load_cams(cam_path(self.cam_dir, sample_img_id(sample)),
            num_classes=len(self.dataset_meta['classes']) - 1
            if self.dataset_meta else None)
        cam = torch.from_numpy(cams['high_res'].astype(np.float32))
        h, w = sample['ori_shape'][:2]
        size = (-(-h // self.stride), -(-w // self.stride))
        walk = dict()
        if self.source == 'affinity':
            walk['affinity'] = sample['pred_affinity']['data'].float().cpu()
        elif self.source == 'boundary':
            walk['boundary'] = stride4_map(sample, 'pred_boundary', size)
        return psa_labels(
            cam, cams['keys'], (h, w), alphas, radius=self.radius,
            beta=self.beta, num_iters=self.num_iters, stride=self.stride,
            **walk)

    def make_label(self, sample: dict) -> np.ndarray:
        """Synthesise the label of one sample (no file I/O but the CAMs)."""
        return self.make_labels(sample, [self.alpha])[0]

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        """Write (or read back) the labels; with ``sweep_alphas`` also score
        every power."""
        num_classes = len(self.dataset_meta['classes'])
        for sample in data_samples:
            path = None
            if self.out_dir is not None:
                path = osp.join(self.out_dir, f'{sample_img_id(sample)}.png')
            label = None
            if path is not None and self.skip_done and osp.exists(path):
                label = load_png(path)
            gt = gt_semantic(sample)
            sweep = self.sweep_alphas if gt is not None else ()
            alphas = ([self.alpha] if label is None else []) + list(sweep)
            labels = self.make_labels(sample, alphas) if alphas else []
            if label is None:
                label = labels.pop(0)
                if path is not None:
                    save_png(label, path)
            if gt is None:
                self.results.append(None)
                continue
            conf = confusion_matrix(label, gt, num_classes)
            if sweep:
                conf = (conf, np.stack([
                    confusion_matrix(lab, gt, num_classes) for lab in labels
                ]))
            self.results.append(conf)

    def compute_metrics(self, results: List) -> Dict[str, float]:
        """mIoU (percent), the power used, and per swept power."""
        sweeps = [r[1] for r in results if isinstance(r, tuple)]
        metrics = super().compute_metrics(
            [r[0] if isinstance(r, tuple) else r for r in results])
        metrics['alpha'] = round(self.alpha, 4)
        if sweeps:
            total = np.sum(sweeps, axis=0)
            mious = [round(100 * miou_from_confusion(c)[0], 2) for c in total]
            for alpha, miou in zip(self.sweep_alphas, mious):
                metrics[f'mIoU@{alpha:g}'] = miou
            metrics['best_alpha'] = float(
                self.sweep_alphas[int(np.argmax(mious))])
            metrics['best_mIoU'] = max(mious)
        return metrics
