import json

import numpy as np
import torch

from mmirn.evaluation.metrics import InstanceLabelMetric, SemLabelMetric
from mmirn.pseudo.cam_io import save_cams
from mmirn.pseudo.semantic import load_png

CLASSES = ('background', 'cat', 'dog')


def make_sample(cam_dir, img_id='img1'):
    """Two dogs (class 1) side by side on a 48 x 96 image with stride-4 maps
    12 x 24: CAMs, a boundary between them, displacements to their centres."""
    h4, w4 = 12, 24
    cam = np.ones((1, h4, w4), np.float32)
    high = np.ones((1, 4 * h4, 4 * w4), np.float32)
    save_cams(str(cam_dir / f'{img_id}.npz'), [1], cam, high)
    ys, xs = np.mgrid[:h4, :w4].astype(np.float32)
    cx = np.where(xs < w4 // 2, 5.5, 17.5)
    disp = np.stack([5.5 - ys, cx - xs])
    boundary = np.zeros((1, h4, w4), np.float32)
    boundary[:, :, w4 // 2] = 1
    gt = np.full((48, 96), 2, np.uint8)
    gt[:, 44:52] = 0
    gt[0, :] = 255  # a void row
    masks = np.zeros((2, 48, 96), bool)
    masks[0, 1:, :44] = True
    masks[1, 1:, 52:] = True
    return dict(
        img_path=f'/x/{img_id}.jpg',
        ori_shape=(48, 96),
        pred_boundary=dict(data=torch.from_numpy(boundary)),
        pred_displacement=dict(data=torch.from_numpy(disp)),
        gt_sem_seg=dict(data=torch.from_numpy(gt)[None]),
        gt_instances=dict(
            masks=torch.from_numpy(masks), labels=torch.tensor([1, 1])))


def test_sem_label_metric_writes_and_resumes(tmp_path):
    sample = make_sample(tmp_path)
    out_dir = tmp_path / 'sem'
    metric = SemLabelMetric(
        cam_dir=str(tmp_path), out_dir=str(out_dir), num_iters=16)
    metric.dataset_meta = dict(classes=CLASSES)
    metric.process({}, [sample])
    res = metric.evaluate(1)
    label = load_png(str(out_dir / 'img1.png'))
    assert label.shape == (48, 96)
    assert set(np.unique(label)) <= {0, 2}
    assert (label[:, :40] == 2).all() and (label[:, 56:] == 2).all()
    assert res['sem/mIoU'] > 50
    # A resumed run reads the file back instead of recomputing it.
    from mmirn.pseudo.semantic import save_png
    save_png(np.zeros((48, 96), np.uint8), str(out_dir / 'img1.png'))
    metric.process({}, [sample])
    assert metric.evaluate(1)['sem/mIoU'] < 10


def test_instance_label_metric_writes_coco_and_evaluates(tmp_path):
    sample = make_sample(tmp_path)
    out_dir = tmp_path / 'ins'
    metric = InstanceLabelMetric(
        cam_dir=str(tmp_path),
        out_dir=str(out_dir),
        eval_modes=('cam', 'cam_boundary'),
        label_cfg=dict(num_iters=16))
    metric.dataset_meta = dict(classes=CLASSES)
    metric.process({}, [sample])
    res = metric.evaluate(1)
    assert res['ins/ap50'] == 100. and res['ins/ap70'] == 100.
    assert res['ins/cam_ap50'] == 0.  # one merged blob matches neither dog
    assert res['ins/coco_ap50'] == 100.
    assert (out_dir / 'img1.png').exists() and (out_dir / 'img1.json').exists()
    coco = json.loads((tmp_path / 'ins.json').read_text())
    assert coco['categories'][1] == dict(id=2, name='dog')
    assert coco['images'][0]['file_name'] == 'img1.jpg'
    anns = coco['annotations']
    assert len(anns) == 2 and all(a['category_id'] == 2 for a in anns)
    assert all(a['score'] > 0 and len(a['bbox']) == 4 for a in anns)
    # Resume: the per-image file is read back.
    side = out_dir / 'img1.json'
    side.write_text(json.dumps(dict(rles=[], labels=[], scores=[])))
    metric.process({}, [sample])
    assert metric.evaluate(1)['ins/ap50'] == 0.
