"""PSALabelMetric: PSA labels from AffinityNet or IRNet outputs, written and scored."""
import numpy as np
import pytest
import torch

from mmirn.evaluation.metrics import PSALabelMetric
from mmirn.ops import search_directions
from mmirn.pseudo.cam_io import save_cams
from mmirn.pseudo.semantic import load_png, save_png

CLASSES = ('background', 'cat', 'dog')


def make_sample(cam_dir, img_id='img1'):
    """A dog (class 1) on columns 8-40 of a 32 x 48 image; its CAM covers
    columns 8-32 only. Affinities at stride 8 link the object's cells."""
    h, w = 32, 48
    high = np.zeros((1, h, w), np.float32)
    high[0, 8:24, 8:32] = 1.0
    save_cams(str(cam_dir / f'{img_id}.npz'), [1], high[:, ::4, ::4], high)
    inside = torch.zeros(4, 6, dtype=torch.bool)
    inside[1:3, 1:5] = True
    dirs = search_directions(5).tolist()
    aff = torch.zeros(len(dirs), 4, 6)
    for d, (dy, dx) in enumerate(dirs):
        for y in range(4):
            for x in range(6):
                if 0 <= y + dy < 4 and 0 <= x + dx < 6:
                    aff[d, y, x] = float(inside[y, x] == inside[y + dy, x + dx])
    boundary = torch.zeros(1, 8, 12)
    boundary[:, 1, 2:11] = boundary[:, 6, 2:11] = 1
    boundary[:, 1:7, 2] = boundary[:, 1:7, 10] = 1
    gt = np.zeros((h, w), np.uint8)
    gt[8:24, 8:40] = 2
    return dict(
        img_path=f'/x/{img_id}.jpg',
        ori_shape=(h, w),
        pred_affinity=dict(data=aff),
        pred_boundary=dict(data=boundary),
        gt_sem_seg=dict(data=torch.from_numpy(gt)[None]))


def _run(metric, sample):
    metric.dataset_meta = dict(classes=CLASSES)
    metric.process({}, [sample])
    return metric.evaluate(1)


def test_affinity_source_beats_plain_cams_and_resumes(tmp_path):
    sample = make_sample(tmp_path)
    out_dir = tmp_path / 'psa'
    walked = _run(PSALabelMetric(cam_dir=str(tmp_path), out_dir=str(out_dir),
                                 num_iters=64), sample)
    plain = _run(PSALabelMetric(cam_dir=str(tmp_path), source='none'), sample)
    label = load_png(str(out_dir / 'img1.png'))
    assert label.shape == (32, 48) and set(np.unique(label)) <= {0, 2}
    assert (label[12:20, 33:38] == 2).all()
    assert walked['psa/mIoU'] > plain['psa/mIoU']
    assert walked['psa/mIoU'] > 75  # bilinear upsampling blurs the edges
    # a resumed run reads the PNG back
    save_png(np.zeros((32, 48), np.uint8), str(out_dir / 'img1.png'))
    again = _run(PSALabelMetric(cam_dir=str(tmp_path), out_dir=str(out_dir)),
                 sample)
    assert again['psa/mIoU'] < 50


def test_boundary_source(tmp_path):
    sample = make_sample(tmp_path)
    res = _run(PSALabelMetric(cam_dir=str(tmp_path), source='boundary',
                              stride=4, beta=10, num_iters=64, prefix='mix'),
               sample)
    assert res['mix/num_images'] == 1 and 0 < res['mix/mIoU'] <= 100


def test_unknown_source():
    with pytest.raises(ValueError, match='source'):
        PSALabelMetric(cam_dir='x', source='edges')


def test_alpha_sweep(tmp_path):
    sample = make_sample(tmp_path)
    # a weak CAM on the rest of the object: background or not depends on alpha
    high = np.zeros((1, 32, 48), np.float32)
    high[0, 8:24, 8:32] = 1.0
    high[0, 8:24, 32:40] = 0.3
    save_cams(str(tmp_path / 'img1.npz'), [1], high[:, ::4, ::4], high)
    metric = PSALabelMetric(cam_dir=str(tmp_path), source='none',
                            sweep_alphas=(1, 16, 64))
    res = _run(metric, sample)
    assert res['psa/mIoU@16'] == res['psa/mIoU']
    assert res['psa/best_mIoU'] == max(res[f'psa/mIoU@{a}'] for a in (1, 16, 64))
    assert res['psa/best_alpha'] in (1., 16., 64.)
    # a weak background power (alpha = 1) leaves more background than alpha = 64
    assert res['psa/mIoU@1'] != res['psa/mIoU@64']


def test_bg_thr_sets_alpha(tmp_path):
    sample = make_sample(tmp_path)
    metric = PSALabelMetric(cam_dir=str(tmp_path), bg_thr=0.6, num_iters=64)
    assert abs((1 - 0.6)**metric.alpha - 0.6) < 1e-9
    res = _run(metric, sample)
    assert res['psa/alpha'] == round(metric.alpha, 4)
    assert PSALabelMetric(cam_dir=str(tmp_path)).alpha == 16
    with pytest.raises(ValueError, match='not both'):
        PSALabelMetric(cam_dir='x', alpha=16, bg_thr=0.6)


def test_walked_sweep_matches_one_metric_per_power(tmp_path):
    sample = make_sample(tmp_path)
    high = np.zeros((1, 32, 48), np.float32)
    high[0, 8:24, 8:32] = 1.0
    high[0, 8:24, 32:40] = 0.3
    high[0, :8] = 0.2
    save_cams(str(tmp_path / 'img1.npz'), [1], high[:, ::4, ::4], high)
    alphas = (0.5, 2, 16)
    out_dir = tmp_path / 'psa'
    sweep = _run(PSALabelMetric(cam_dir=str(tmp_path), out_dir=str(out_dir),
                                alpha=2, num_iters=32, sweep_alphas=alphas),
                 sample)
    for alpha in alphas:
        single = _run(PSALabelMetric(cam_dir=str(tmp_path), alpha=alpha,
                                     num_iters=32), sample)
        assert sweep[f'psa/mIoU@{alpha:g}'] == single['psa/mIoU']
    assert sweep['psa/mIoU'] == sweep['psa/mIoU@2']
    # resumed from the PNG, the sweep is still walked
    again = _run(PSALabelMetric(cam_dir=str(tmp_path), out_dir=str(out_dir),
                                alpha=2, num_iters=32, sweep_alphas=alphas),
                 sample)
    assert again == sweep
