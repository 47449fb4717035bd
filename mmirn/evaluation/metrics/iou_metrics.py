"""mmseg's ``IoUMetric`` for pseudo labels: partial ground truth and sweeps."""
from collections import OrderedDict
from typing import Dict, List, Sequence

import numpy as np
import torch
from mmseg.evaluation import IoUMetric

from mmirn.registry import METRICS


def _has_gt(sample: dict) -> bool:
    return 'data' in sample.get('gt_sem_seg', {})


@METRICS.register_module()
class LabelIoUMetric(IoUMetric):
    """mmseg's ``IoUMetric`` over the samples that have ground truth.

    Pseudo labels are made for every training image (e.g. VOC's 10,582
    train_aug images) but only some have masks (``gt_sem_seg``); the others
    are left out of the score. Same arguments as ``IoUMetric``.
    """

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        super().process(data_batch, [s for s in data_samples if _has_gt(s)])


@METRICS.register_module()
class SweepIoUMetric(IoUMetric):
    """mIoU of labels made with several values of one option (e.g. PSA's alpha).

    Reads ``pred_key`` (PixelData, ``data`` [A, H, W]: one label per value, with
    ``sweep_name``, ``sweep_values`` and the ``value`` of ``pred_sem_seg`` in the
    metainfo, as :class:`~mmirn.models.PSALabeler` fills it) and scores each
    row with mmseg's ``IoUMetric``. Reports ``mIoU@<v>`` per value,
    ``best_mIoU``, ``best_<name>`` and ``<name>`` (the value of
    ``pred_sem_seg``). Samples without ground truth are left out.

    Args:
        pred_key (str): The sweep field. Defaults to 'pred_sem_seg_sweep'.
        **kwargs: Arguments of ``IoUMetric``.
    """

    def __init__(self, pred_key: str = 'pred_sem_seg_sweep', **kwargs) -> None:
        super().__init__(**kwargs)
        self.pred_key = pred_key
        self.sweep_meta = None

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        num_classes = len(self.dataset_meta['classes'])
        for sample in data_samples:
            if not _has_gt(sample):
                continue
            sweep = sample[self.pred_key]
            self.sweep_meta = dict(
                name=sweep['sweep_name'], values=list(sweep['sweep_values']),
                value=sweep['value'])
            label = sample['gt_sem_seg']['data'].squeeze()
            areas = [
                torch.stack(
                    self.intersect_and_union(pred, label.to(pred), num_classes,
                                             self.ignore_index))
                for pred in sweep['data']
            ]
            self.results.append(
                dict(areas=torch.stack(areas), meta=self.sweep_meta))

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        meta = results[0]['meta']
        total = torch.stack([r['areas'] for r in results]).sum(0)  # [A, 4, C]
        mious = []
        for inter, union, pred, label in total:
            iou = self.total_area_to_metrics(inter, union, pred, label,
                                             ['mIoU'], self.nan_to_num,
                                             self.beta)['IoU']
            mious.append(float(np.round(np.nanmean(iou) * 100, 2)))
        metrics = OrderedDict()
        for value, miou in zip(meta['values'], mious):
            metrics[f'mIoU@{value:g}'] = miou
        best = int(np.argmax(mious))
        metrics['best_mIoU'] = mious[best]
        metrics[f'best_{meta["name"]}'] = float(meta['values'][best])
        metrics[meta['name']] = round(float(meta['value']), 4)
        return metrics
