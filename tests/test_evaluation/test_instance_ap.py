import numpy as np
import pytest

from mmirn.evaluation.metrics.instance_ap import (coco_mask_ap, mask_iou, voc_ap,
                                                  voc_instance_ap)
from mmirn.structures import encode_masks


def box(h, w, y0, y1, x0, x1):
    m = np.zeros((h, w), dtype=bool)
    m[y0:y1, x0:x1] = True
    return m


def make_result(pred_masks, labels, scores, gt_masks, gt_labels):
    pred_masks = np.asarray(pred_masks, dtype=bool).reshape(-1, 20, 20)
    gt_masks = np.asarray(gt_masks, dtype=bool).reshape(-1, 20, 20)
    return dict(
        labels=list(labels),
        scores=list(scores),
        gt_labels=list(gt_labels),
        ious=mask_iou(pred_masks, gt_masks),
        rles=encode_masks(pred_masks),
        gt_rles=encode_masks(gt_masks),
        height=20,
        width=20)


def test_voc_ap_all_point_interpolation():
    assert voc_ap(np.array([0.5, 1.]), np.array([1., 0.5])) == 0.75
    # The precision envelope: a later higher precision lifts earlier points.
    ap = voc_ap(np.array([0.25, 0.25, 0.5]), np.array([1., 0.5, 2 / 3]))
    assert ap == pytest.approx(0.25 * 1 + 0.25 * 2 / 3)


def test_mask_iou_with_void():
    a = box(20, 20, 0, 10, 0, 10)
    b = box(20, 20, 0, 10, 0, 5)
    assert mask_iou(a[None], b[None])[0, 0] == pytest.approx(0.5)
    void = box(20, 20, 0, 10, 5, 10)
    assert mask_iou(a[None], b[None], void)[0, 0] == pytest.approx(1.)


def test_voc_instance_ap_known_value():
    g1, g2, g3 = (box(20, 20, 0, 8, 0, 8), box(20, 20, 10, 20, 10, 20),
                  box(20, 20, 0, 10, 0, 20))
    # Image A: two gt of class 0. TP (0.9), FP elsewhere (0.8), TP at IoU 0.6
    # (0.7), a duplicate of g1 (0.6, FP).
    half_g2 = box(20, 20, 10, 20, 10, 16)  # IoU 0.6 with g2
    a = make_result(
        [g1, box(20, 20, 10, 20, 0, 5), half_g2, g1], [0, 0, 0, 0],
        [0.9, 0.8, 0.7, 0.6], [g1, g2], [0, 0])
    # Image B: one gt of class 0 (missed) and one of class 1 (found).
    b = make_result([g3], [1], [0.5], [g3, g1], [1, 0])
    res = voc_instance_ap([a, b], num_classes=3, iou_thr=0.5)
    # class 0: TP, FP, TP, FP of 3 gt -> envelope 1 up to 1/3, 2/3 up to 2/3
    assert res['ap'][0] == pytest.approx(1 / 3 + 1 / 3 * 2 / 3)
    assert res['ap'][1] == pytest.approx(1.)
    assert np.isnan(res['ap'][2])  # no gt: not averaged
    assert res['mAP'] == pytest.approx((5 / 9 + 1) / 2)
    # At IoU 0.7 the 0.6-overlap detection is a false positive.
    res70 = voc_instance_ap([a, b], num_classes=3, iou_thr=0.7)
    assert res70['ap'][0] == pytest.approx(1 / 3)


def test_coco_mask_ap():
    g1, g2 = box(20, 20, 0, 8, 0, 8), box(20, 20, 10, 20, 10, 20)
    perfect = make_result([g1, g2], [0, 1], [0.9, 0.8], [g1, g2], [0, 1])
    assert coco_mask_ap([perfect], 2)['AP'] == pytest.approx(1.)
    wrong = make_result([g2], [0], [0.9], [g1], [0])
    out = coco_mask_ap([wrong], 2)
    assert out['AP'] == pytest.approx(0.) and out['AP50'] == pytest.approx(0.)
    empty = make_result([], [], [], [g1], [0])
    assert coco_mask_ap([empty], 2)['AP'] == 0.
