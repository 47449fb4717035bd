"""Mask AP of ``pred_instances``: IRN's VOC-style AP50 / AP70 and mmdet's COCO AP."""
from typing import Dict, List, Optional, Sequence

import numpy as np
import pycocotools.mask as mask_util
import torch
from mmdet.evaluation import CocoMetric
from mmdet.registry import METRICS as MMDET_METRICS
from mmengine.evaluator import BaseMetric

from mmirn.registry import METRICS
from mmirn.structures.coco_instances import encode_masks
from .instance_ap import mask_iou, voc_instance_ap


def _gt(sample: dict):
    """Ground-truth masks, labels and ignored pixels (VOC's void border)."""
    gt = sample.get('gt_instances', {})
    if 'masks' not in gt:
        return None
    masks = gt['masks']  # a tensor, or mmdet's BitmapMasks
    masks = masks.to_ndarray() if hasattr(masks, 'to_ndarray') else masks.cpu().numpy()
    masks = np.asarray(masks, dtype=bool)
    labels = gt['labels'].cpu().numpy().astype(np.int64)
    sem = sample.get('gt_sem_seg', {}).get('data')
    ignore = None if sem is None else sem.squeeze(0).cpu().numpy() == 255
    return masks, labels, ignore


@METRICS.register_module()
class VOCInstanceMetric(BaseMetric):
    """IRN's VOC-style instance mask AP (AP50 / AP70) of ``pred_instances``.

    Detections of a class are ranked over the whole set and matched greedily to
    unmatched ground-truth instances (``gt_instances``) at IoU >= the threshold;
    pixels where ``gt_sem_seg`` is 255 are left out of the IoUs
    (:func:`~mmirn.evaluation.metrics.instance_ap.voc_instance_ap`). Reports
    ``ap<thr>`` in percent. Also scores stock mmdet models (``gt_instances``
    masks as mmdet's ``BitmapMasks``) with ``background=False``.

    Args:
        pred_key (str): The predicted instances. Defaults to 'pred_instances'
            (``pred_instances_<mode>`` for an extra mode of
            :class:`~mmirn.models.IRNInstanceLabeler`).
        iou_thrs (Sequence[float]): Defaults to (0.5, 0.7).
        background (bool): Whether ``classes[0]`` of the dataset is the
            background (mmirn's datasets), else all classes are foreground
            (mmdet's). Defaults to True.
        collect_device (str): Defaults to 'cpu'.
        prefix (str, optional): Defaults to None ('ins').
    """

    default_prefix: Optional[str] = 'ins'

    def __init__(self,
                 pred_key: str = 'pred_instances',
                 iou_thrs: Sequence[float] = (0.5, 0.7),
                 background: bool = True,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.pred_key = pred_key
        self.iou_thrs = tuple(iou_thrs)
        self.background = background

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            gt = _gt(sample)
            if gt is None:
                continue
            gt_masks, gt_labels, ignore = gt
            pred = sample[self.pred_key]
            masks = np.asarray(pred['masks'].cpu().numpy(), dtype=bool)
            self.results.append(
                dict(
                    labels=pred['labels'].cpu().numpy(),
                    scores=pred['scores'].cpu().numpy(),
                    gt_labels=gt_labels,
                    ious=mask_iou(masks, gt_masks, ignore)))

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        num_classes = len(self.dataset_meta['classes']) - int(self.background)
        metrics = dict()
        for thr in self.iou_thrs:
            ap = voc_instance_ap(results, num_classes, thr)['mAP']
            metrics[f'ap{int(round(thr * 100))}'] = round(100 * ap, 2)
        return metrics


# also for stock mmdet configs (default_scope 'mmdet', which cannot reach mmirn's
# registry, a child of mmseg's): type='VOCInstanceMetric' with mmirn.evaluation imported
MMDET_METRICS.register_module(module=VOCInstanceMetric)


@METRICS.register_module()
class CocoMaskMetric(CocoMetric):
    """mmdet's ``CocoMetric`` (segm AP) on mmirn's data samples, without an
    annotation file.

    mmdet's metric builds the ground truth from raw ``instances`` of each
    sample and wants ``bboxes`` in the predictions: this adapter derives both
    from the masks (``gt_instances``, ``pred_key``), scores the foreground
    classes (``classes[1:]``), and hands the rest to ``CocoMetric``. Samples
    without ``gt_instances`` are left out. Reports mmdet's ``segm_mAP``,
    ``segm_mAP_50``, ... (fractions in [0, 1], as mmdet).

    Args:
        pred_key (str): The predicted instances. Defaults to 'pred_instances'.
        metric (str | list): Defaults to 'segm'.
        **kwargs: Arguments of ``CocoMetric`` (not ``ann_file``).
    """

    default_prefix: Optional[str] = 'coco'

    def __init__(self,
                 pred_key: str = 'pred_instances',
                 metric='segm',
                 **kwargs) -> None:
        super().__init__(ann_file=None, metric=metric, **kwargs)
        self.pred_key = pred_key

    @property
    def dataset_meta(self) -> Optional[dict]:
        return self._dataset_meta

    @dataset_meta.setter
    def dataset_meta(self, meta: dict) -> None:
        meta = dict(meta)
        meta['classes'] = tuple(meta['classes'][1:])  # index 0: background
        self._dataset_meta = meta

    @staticmethod
    def _boxes(rles: list) -> np.ndarray:
        if not rles:
            return np.zeros((0, 4), dtype=np.float32)
        xywh = mask_util.toBbox(rles)
        return np.concatenate([xywh[:, :2], xywh[:, :2] + xywh[:, 2:]],
                              axis=1).astype(np.float32)

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        converted = []
        for sample in data_samples:
            gt = _gt(sample)
            if gt is None:
                continue
            gt_masks, gt_labels, _ = gt
            gt_rles = encode_masks(gt_masks)
            instances = [
                dict(bbox=box.tolist(), bbox_label=int(label), mask=rle,
                     ignore_flag=0)
                for box, label, rle in zip(self._boxes(gt_rles), gt_labels, gt_rles)
            ]
            pred = sample[self.pred_key]
            rles = encode_masks(pred['masks'].cpu().numpy().astype(bool))
            converted.append(
                dict(
                    img_id=sample['img_id'],
                    ori_shape=sample['ori_shape'],
                    instances=instances,
                    pred_instances=dict(
                        bboxes=torch.from_numpy(self._boxes(rles)),
                        scores=pred['scores'].float(),
                        labels=pred['labels'].long(),
                        masks=pred['masks'].bool())))
        super().process(data_batch, converted)
