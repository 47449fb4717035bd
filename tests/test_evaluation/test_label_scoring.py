"""Scoring pseudo labels: mmseg's IoUMetric (partial GT, sweeps), IRN's VOC-style
instance AP and mmdet's CocoMetric on pred_instances."""
import numpy as np
import torch
from mmseg.evaluation import IoUMetric

from mmirn.evaluation import (CocoMaskMetric, LabelIoUMetric, SweepIoUMetric,
                              VOCInstanceMetric)
from mmirn.evaluation.metrics.instance_ap import mask_iou, voc_instance_ap

CLASSES = ('background', 'a', 'b')


def _sem(pred, gt=None):
    sample = dict(pred_sem_seg=dict(data=torch.tensor(pred)[None]))
    if gt is not None:
        sample['gt_sem_seg'] = dict(data=torch.tensor(gt)[None])
    return sample


def test_label_iou_skips_samples_without_gt():
    gt = [[0, 1, 1, 2], [0, 0, 2, 255]]
    pred = [[0, 1, 2, 2], [0, 1, 2, 2]]
    ours, mmseg = LabelIoUMetric(), IoUMetric()
    ours.dataset_meta = mmseg.dataset_meta = dict(classes=CLASSES)
    ours.process({}, [_sem(pred, gt), _sem(pred)])
    mmseg.process({}, [_sem(pred, gt)])
    assert ours.compute_metrics(ours.results) == mmseg.compute_metrics(mmseg.results)


def test_sweep_iou_rows_are_iou_metric():
    gt = [[0, 1, 1, 2], [0, 0, 2, 255]]
    rows = [[[0, 1, 2, 2], [0, 1, 2, 2]], [[0, 1, 1, 2], [0, 0, 2, 0]]]
    metric = SweepIoUMetric()
    metric.dataset_meta = dict(classes=CLASSES)
    sample = dict(
        gt_sem_seg=dict(data=torch.tensor(gt)[None]),
        pred_sem_seg_sweep=dict(
            data=torch.tensor(rows), sweep_name='alpha', sweep_values=[4., 16.],
            value=16.))
    metric.process({}, [sample, dict(pred_sem_seg=sample['gt_sem_seg'])])
    out = metric.compute_metrics(metric.results)
    for value, row in zip((4., 16.), rows):
        ref = IoUMetric()
        ref.dataset_meta = dict(classes=CLASSES)
        ref.process({}, [_sem(row, gt)])
        assert out[f'mIoU@{value:g}'] == ref.compute_metrics(ref.results)['mIoU']
    assert out['best_mIoU'] == 100. and out['best_alpha'] == 16.
    assert out['alpha'] == 16.


def _ins_sample(pred_masks, labels, scores, gt_masks, gt_labels, void=None):
    gt_sem = np.zeros(gt_masks.shape[1:], dtype=np.int64)
    if void is not None:
        gt_sem[void] = 255
    return dict(
        img_id='im', ori_shape=gt_masks.shape[1:],
        pred_instances=dict(
            masks=torch.from_numpy(pred_masks), labels=torch.tensor(labels),
            scores=torch.tensor(scores, dtype=torch.float32)),
        gt_instances=dict(masks=torch.from_numpy(gt_masks),
                          labels=torch.tensor(gt_labels)),
        gt_sem_seg=dict(data=torch.from_numpy(gt_sem)[None]))


def _masks(*boxes, size=(20, 20)):
    out = np.zeros((len(boxes), ) + size, dtype=bool)
    for m, (y0, y1, x0, x1) in zip(out, boxes):
        m[y0:y1, x0:x1] = True
    return out


def test_voc_instance_metric_is_voc_instance_ap():
    gt = _masks((0, 10, 0, 10), (10, 20, 10, 20))
    pred = _masks((0, 10, 0, 6), (10, 20, 10, 20), (0, 5, 15, 20))
    void = np.zeros((20, 20), dtype=bool)
    void[0, :] = True
    sample = _ins_sample(pred, [0, 1, 1], [0.9, 0.8, 0.95], gt, [0, 1], void)
    metric = VOCInstanceMetric()
    metric.dataset_meta = dict(classes=CLASSES)
    metric.process({}, [sample, dict(sample, gt_instances={})])
    out = metric.compute_metrics(metric.results)
    ious = mask_iou(pred, gt, void)
    per_image = [dict(labels=[0, 1, 1], scores=[0.9, 0.8, 0.95], gt_labels=[0, 1],
                      ious=ious)]
    assert out['ap50'] == round(100 * voc_instance_ap(per_image, 2, 0.5)['mAP'], 2)
    assert out['ap70'] == round(100 * voc_instance_ap(per_image, 2, 0.7)['mAP'], 2)
    assert 0 < out['ap70'] < out['ap50'] <= 100



def test_voc_instance_metric_scores_mmdet_samples():
    """A stock mmdet model's samples: BitmapMasks GT, no background class."""
    from mmdet.structures.mask import BitmapMasks
    gt = _masks((0, 10, 0, 10), (10, 20, 10, 20))
    pred = _masks((0, 10, 0, 6), (10, 20, 10, 20), (0, 5, 15, 20))
    ours = _ins_sample(pred, [0, 1, 1], [0.9, 0.8, 0.95], gt, [0, 1])
    mmdet = dict(ours, gt_instances=dict(masks=BitmapMasks(gt, 20, 20),
                                         labels=torch.tensor([0, 1])))
    del mmdet['gt_sem_seg']
    out = []
    for sample, classes, background in ((ours, CLASSES, True),
                                        (mmdet, CLASSES[1:], False)):
        metric = VOCInstanceMetric(background=background)
        metric.dataset_meta = dict(classes=classes)
        metric.process({}, [sample])
        out.append(metric.compute_metrics(metric.results))
    assert out[0] == out[1] and 0 < out[0]['ap70'] < out[0]['ap50']

def test_coco_mask_metric_scores_perfect_and_wrong_masks():
    gt = _masks((0, 10, 0, 10), (10, 20, 10, 20))
    metric = CocoMaskMetric()
    metric.dataset_meta = dict(classes=CLASSES)
    assert metric.dataset_meta['classes'] == ('a', 'b')
    metric.process({}, [_ins_sample(gt.copy(), [0, 1], [0.9, 0.8], gt, [0, 1])])
    assert metric.compute_metrics(metric.results)['segm_mAP'] == 1.0
    metric = CocoMaskMetric()
    metric.dataset_meta = dict(classes=CLASSES)
    metric.process({}, [_ins_sample(gt.copy(), [1, 0], [0.9, 0.8], gt, [0, 1])])
    assert metric.compute_metrics(metric.results)['segm_mAP'] == 0.0
