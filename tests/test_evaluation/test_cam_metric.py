import numpy as np
import pytest
import torch
from mmengine.structures import PixelData

from mmirn.evaluation import CAMMetric
from mmirn.evaluation.metrics.cam_metric import sweep_areas
from mmirn.structures import WSSSDataSample

CLASSES = ('background', 'a', 'b')


def _sample(cams, keys, gt):
    sample = WSSSDataSample()
    sample.pred_cams = PixelData(
        data=torch.tensor(cams, dtype=torch.float32),
        metainfo=dict(cam_keys=torch.tensor(keys)))
    sample.gt_sem_seg = PixelData(data=torch.tensor(gt)[None])
    return sample.to_dict()


def test_sweep_areas():
    cams = torch.tensor([[[0.1, 0.3, 0.5, 0.9]]])
    gt = torch.tensor([[0, 2, 2, 255]])
    areas = sweep_areas(cams, torch.tensor([1]), gt, [0.2, 0.4], 3)
    assert areas.shape == (3, 2, 3)
    # thr 0.2: pred [0, 2, 2] (the ignored pixel is dropped)
    np.testing.assert_array_equal(areas[:, 0], [[1, 0, 2], [1, 0, 2], [1, 0, 2]])
    # thr 0.4: pred [0, 0, 2]
    np.testing.assert_array_equal(areas[:, 1], [[1, 0, 1], [2, 0, 1], [1, 0, 2]])


def test_sweep_areas_ties_and_empty():
    # a CAM equal to the threshold is background, as in CAMThresholdLabeler
    areas = sweep_areas(torch.full((1, 1, 2), 0.5), torch.tensor([0]),
                        torch.tensor([[0, 1]]), [0.5], 2)
    np.testing.assert_array_equal(areas[1, 0], [2, 0])
    areas = sweep_areas(torch.zeros(0, 1, 2), torch.zeros(0, dtype=torch.long),
                        torch.tensor([[0, 1]]), [0.1], 2)
    np.testing.assert_array_equal(areas[:, 0], [[1, 0], [2, 0], [1, 1]])


def test_cam_metric_sweep_and_best_threshold():
    metric = CAMMetric(thresholds=[0.1, 0.3, 0.5])
    metric.dataset_meta = dict(classes=CLASSES)
    gt = [[0, 0, 1, 1, 2, 2]]
    # class a scores 0.4 on its pixels, b 0.6 on its; background 0.2
    cams = [[[0.2, 0.2, 0.4, 0.4, 0.0, 0.0]], [[0.2, 0.2, 0.0, 0.0, 0.6, 0.6]]]
    metric.process({}, [_sample(cams, [0, 1], gt)])
    results = metric.evaluate(1)
    # thr 0.3: all right (100); thr 0.1: bg pixels wrong; thr 0.5: a missed
    assert results['cam/best_thr'] == 0.3
    assert results['cam/mIoU'] == 100.0
    assert results['cam/mIoU@0.30'] == 100.0
    # thr 0.1: IoU bg 0, a 2/4, b 2/2 -> 50
    assert results['cam/mIoU@0.10'] == 50.0
    # thr 0.5: bg 2/4, a 0/2, b 1 -> 50
    assert results['cam/mIoU@0.50'] == 50.0
    assert results['cam/IoU.a'] == 100.0 and results['cam/IoU.background'] == 100.0


def test_cam_metric_default_sweep_and_missing_field():
    metric = CAMMetric()
    assert metric.thresholds[0] == 0.05 and metric.thresholds[-1] == 0.95
    assert len(metric.thresholds) == 19
    metric.dataset_meta = dict(classes=CLASSES)
    with pytest.raises(KeyError, match='cams'):
        metric.process({}, [WSSSDataSample().to_dict()])


def test_cam_metric_scores_the_stored_precision():
    """float32 noise below float16 resolution (e.g. another batch composition
    when the dump is split over processes) does not move the mIoU."""
    gt = [[0, 1]]

    def miou(value, **kwargs):
        metric = CAMMetric(thresholds=[0.6], **kwargs)
        metric.dataset_meta = dict(classes=CLASSES)
        metric.process({}, [_sample([[[value, 0.9]]], [0], gt)])
        return metric.evaluate(1)['cam/mIoU']

    below, above = 0.6 - 1e-6, 0.6 + 1e-6
    assert miou(below, dtype=None) != miou(above, dtype=None)
    assert miou(below) == miou(above)
