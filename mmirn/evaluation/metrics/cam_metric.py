"""mIoU of CAMs over a sweep of background thresholds."""
from collections import OrderedDict
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger, print_log

from mmirn.registry import METRICS


def _field(data_sample: dict, name: str) -> dict:
    if name not in data_sample:
        raise KeyError(f'CAMMetric needs `{name}` in the data samples')
    return data_sample[name]


def sweep_areas(cams: torch.Tensor, keys: torch.Tensor, gt: torch.Tensor,
                thresholds: Sequence[float], num_classes: int,
                ignore_index: int = 255) -> np.ndarray:
    """Intersection, prediction and label areas per class for each threshold.

    The prediction at threshold t is 0 (background) where every CAM is at most t, else
    c + 1 for the top class c (as ``CAMThresholdLabeler``).

    Args:
        cams (Tensor): [K, H, W] CAMs in [0, 1].
        keys (Tensor): [K] foreground class indices.
        gt (Tensor): [H, W] labels (0 background, c + 1 class c, ``ignore_index``).
        thresholds (Sequence[float]): Background thresholds.
        num_classes (int): Number of classes including the background.
        ignore_index (int): Label to ignore. Defaults to 255.

    Returns:
        np.ndarray: int64 [3, T, num_classes]: intersection, prediction, label areas.
    """
    gt = gt.long()
    valid = gt != ignore_index
    gt = gt[valid]
    if cams.shape[0] == 0:
        max_cam = torch.zeros(gt.shape, dtype=torch.float32)
        top = torch.zeros(gt.shape, dtype=torch.long)
    else:
        max_cam, top = cams.float().max(0)
        max_cam, top = max_cam[valid], (keys.long() + 1)[top[valid]]
    areas = np.zeros((3, len(thresholds), num_classes), dtype=np.int64)
    area_label = torch.bincount(gt, minlength=num_classes)[:num_classes]
    for t, thr in enumerate(thresholds):
        pred = torch.where(max_cam > thr, top, torch.zeros_like(top))
        hit = pred[pred == gt]
        areas[0, t] = torch.bincount(hit, minlength=num_classes).numpy()
        areas[1, t] = torch.bincount(pred, minlength=num_classes).numpy()
        areas[2, t] = area_label.numpy()
    return areas


@METRICS.register_module()
class CAMMetric(BaseMetric):
    """Semantic-segmentation mIoU of CAMs over a sweep of background thresholds.

    Reads ``pred_cams`` (full-resolution CAMs with ``cam_keys``, as predicted by
    :class:`~mmirn.models.CAMClassifier`) and ``gt_sem_seg`` of each data sample;
    writes nothing. Reports, in
    percent, ``mIoU`` and per-class ``IoU.<class>`` at the best threshold, the best
    threshold ``best_thr``, and ``mIoU@<thr>`` for every threshold of the sweep.

    Args:
        thresholds (Sequence[float], optional): Background thresholds. Defaults to
            None (0.05, 0.10, ..., 0.95).
        ignore_index (int): Label to ignore. Defaults to 255.
        dtype (str, optional): Round the CAMs to this dtype first, that of the
            files ``PredictionWriterHook`` writes (its default is float16), so the
            mIoU is that of the stored CAMs the later steps read and does not
            move with float32 noise (e.g. from another batch composition when
            the run is split over processes). None keeps them as they are.
            Defaults to 'float16'.
        collect_device (str): Defaults to 'cpu'.
        prefix (str, optional): Prefix of the metric names. Defaults to None.
    """

    default_prefix: Optional[str] = 'cam'

    def __init__(self,
                 thresholds: Optional[Sequence[float]] = None,
                 ignore_index: int = 255,
                 dtype: Optional[str] = 'float16',
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if thresholds is None:
            thresholds = np.round(np.arange(1, 20) * 0.05, 2)
        self.thresholds = [float(t) for t in thresholds]
        self.ignore_index = ignore_index
        self.dtype = getattr(torch, dtype) if dtype else None

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        num_classes = len(self.dataset_meta['classes'])
        for data_sample in data_samples:
            cams = _field(data_sample, 'pred_cams')
            gt = _field(data_sample, 'gt_sem_seg')['data'].squeeze(0).cpu()
            maps = cams['data'].cpu()
            if self.dtype is not None:
                maps = maps.to(self.dtype)
            self.results.append(
                sweep_areas(maps, cams['cam_keys'].cpu(), gt,
                            self.thresholds, num_classes, self.ignore_index))

    def compute_metrics(self, results: List[np.ndarray]) -> Dict[str, float]:
        logger: MMLogger = MMLogger.get_current_instance()
        inter, pred, label = np.sum(results, axis=0).astype(np.float64)
        union = pred + label - inter
        with np.errstate(divide='ignore', invalid='ignore'):
            iou = np.where(union > 0, inter / union, np.nan)  # [T, C]
        miou = np.nanmean(iou, axis=1)
        best = int(np.nanargmax(miou))
        metrics = OrderedDict(
            mIoU=round(float(miou[best]) * 100, 2),
            best_thr=self.thresholds[best])
        for thr, value in zip(self.thresholds, miou):
            metrics[f'mIoU@{thr:.2f}'] = round(float(value) * 100, 2)
        classes = self.dataset_meta['classes']
        for name, value in zip(classes, iou[best]):
            metrics[f'IoU.{name}'] = round(float(value) * 100, 2)
        rows = [f'{"class":<16}{"IoU":>8}'] + [
            f'{name:<16}{value * 100:>8.2f}'
            for name, value in zip(classes, iou[best])
        ]
        print_log(
            f'CAM mIoU {metrics["mIoU"]:.2f} at bg threshold '
            f'{metrics["best_thr"]:.2f}; per class:\n' + '\n'.join(rows),
            logger)
        return metrics
