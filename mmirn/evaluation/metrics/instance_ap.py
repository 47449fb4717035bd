"""Instance mask AP: the VOC way (AP50 / AP70) and COCO's via pycocotools."""
import contextlib
import io
from typing import Dict, Optional, Sequence

import numpy as np

from mmirn.structures.coco_instances import coco_annotation


def mask_iou(pred: np.ndarray,
             gt: np.ndarray,
             ignore: Optional[np.ndarray] = None) -> np.ndarray:
    """IoU of every predicted mask with every ground-truth mask.

    Args:
        pred (np.ndarray): (P, H, W) bool.
        gt (np.ndarray): (G, H, W) bool.
        ignore (np.ndarray, optional): (H, W) bool pixels left out of both
            (VOC's void border). Defaults to None.

    Returns:
        np.ndarray: (P, G) float64.
    """
    size = int(np.prod(gt.shape[1:] if len(gt) else pred.shape[1:]))
    pred = pred.reshape(len(pred), size).astype(np.float64)
    gt = gt.reshape(len(gt), size).astype(np.float64)
    if ignore is not None:
        pred = pred * (~ignore.reshape(1, -1))
    inter = pred @ gt.T
    union = pred.sum(1)[:, None] + gt.sum(1)[None] - inter
    return inter / np.maximum(union, 1e-10)


def voc_ap(recall: np.ndarray, precision: np.ndarray) -> float:
    """Area under the precision-recall curve, VOC2010+ all-point interpolation."""
    mrec = np.concatenate([[0.], recall, [1.]])
    mpre = np.concatenate([[0.], precision, [0.]])
    mpre = np.maximum.accumulate(mpre[::-1])[::-1]
    idx = np.where(mrec[1:] != mrec[:-1])[0]
    return float(np.sum((mrec[idx + 1] - mrec[idx]) * mpre[idx + 1]))


def voc_instance_ap(results: Sequence[dict], num_classes: int,
                    iou_thr: float) -> Dict[str, object]:
    """Mean VOC instance-segmentation AP over the classes with ground truth.

    Detections of a class are ranked by score over the whole set; each is a
    true positive when its best-overlapping ground-truth instance of that class
    has IoU >= ``iou_thr`` and was not matched before, else a false positive.

    Args:
        results (Sequence[dict]): Per image: ``labels`` (P,), ``scores`` (P,),
            ``gt_labels`` (G,) and ``ious`` (P, G) of the predictions with the
            ground-truth instances.
        num_classes (int): Number of foreground classes.
        iou_thr (float): IoU threshold.

    Returns:
        dict: ``mAP`` (in [0, 1]) and ``ap`` (per class, nan without ground
        truth).
    """
    aps = np.full(num_classes, np.nan)
    for c in range(num_classes):
        npos = sum(int((np.asarray(r['gt_labels']) == c).sum()) for r in results)
        entries = []
        for i, r in enumerate(results):
            labels = np.asarray(r['labels'])
            for p in np.where(labels == c)[0]:
                entries.append((float(r['scores'][p]), i, p))
        if npos == 0:
            continue
        entries.sort(key=lambda e: -e[0])
        matched = [
            np.zeros(len(r['gt_labels']), dtype=bool) for r in results
        ]
        tp = np.zeros(len(entries))
        for n, (_, i, p) in enumerate(entries):
            r = results[i]
            ious = np.asarray(r['ious']).reshape(len(r['labels']), -1)[p].copy()
            ious[np.asarray(r['gt_labels']) != c] = -1
            if ious.size == 0:
                continue
            g = int(ious.argmax())
            if ious[g] >= iou_thr and not matched[i][g]:
                matched[i][g] = True
                tp[n] = 1
        tp_cum = np.cumsum(tp)
        recall = tp_cum / npos
        precision = tp_cum / np.arange(1, len(entries) + 1)
        aps[c] = voc_ap(recall, precision)
    valid = ~np.isnan(aps)
    return dict(mAP=float(aps[valid].mean()) if valid.any() else 0., ap=aps)


def coco_mask_ap(results: Sequence[dict],
                 num_classes: int) -> Dict[str, float]:
    """COCO mask AP (AP, AP50, AP75 in [0, 1]) with pycocotools.

    Args:
        results (Sequence[dict]): Per image: ``height``, ``width``, ``rles``,
            ``labels``, ``scores`` of the predictions and ``gt_rles``,
            ``gt_labels`` of the ground truth (RLEs from ``encode_masks``).
        num_classes (int): Number of foreground classes.
    """
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    images, anns, dets = [], [], []
    for i, r in enumerate(results):
        images.append(dict(id=i + 1, height=r['height'], width=r['width']))
        for rle, label in zip(r['gt_rles'], r['gt_labels']):
            anns.append(coco_annotation(len(anns) + 1, i + 1, label, rle))
        for rle, label, score in zip(r['rles'], r['labels'], r['scores']):
            dets.append(
                dict(
                    image_id=i + 1,
                    category_id=int(label) + 1,
                    segmentation=rle,
                    score=float(score)))
    if not anns or not dets:
        return dict(AP=0., AP50=0., AP75=0.)
    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO()
        gt.dataset = dict(
            images=images,
            annotations=anns,
            categories=[dict(id=c + 1, name=str(c)) for c in range(num_classes)])
        gt.createIndex()
        dt = gt.loadRes(dets)
        coco_eval = COCOeval(gt, dt, iouType='segm')
        coco_eval.evaluate()
        coco_eval.accumulate()
        coco_eval.summarize()
    stats = coco_eval.stats
    return dict(AP=float(stats[0]), AP50=float(stats[1]), AP75=float(stats[2]))
