"""Labellers: thin calls of mmirn.pseudo on data-sample fields."""
import numpy as np
import pytest
import torch
from mmengine.structures import PixelData

from mmirn.models.labelers import (CAMThresholdLabeler, ComposeLabelers,
                                   IRNInstanceLabeler, IRNSemanticLabeler,
                                   PSALabeler)
from mmirn.pseudo import instance as instance_mod
from mmirn.pseudo import semantic as semantic_mod
from mmirn.pseudo.instance import instance_labels
from mmirn.pseudo.psa import psa_labels
from mmirn.pseudo.semantic import semantic_label
from mmirn.registry import TASK_UTILS
from mmirn.structures import WSSSDataSample

H, W = 30, 37
h, w = 8, 10  # ceil(H / 4), ceil(W / 4)


def _sample(seed=0):
    g = torch.Generator().manual_seed(seed)
    keys = torch.tensor([0, 2])
    full = torch.zeros(2, H, W)
    full[0, 2:14, 3:18] = 1.
    full[1, 16:28, 20:35] = 0.8
    full[1, 3:10, 25:33] = 1.
    strided = torch.nn.functional.avg_pool2d(
        torch.nn.functional.pad(full[None], (0, 3, 0, 2)), 4)[0]
    sample = WSSSDataSample(metainfo=dict(ori_shape=(H, W), img_shape=(H, W)))
    sample.cams = PixelData(data=full, metainfo=dict(cam_keys=keys, stride=1))
    sample.cams_strided = PixelData(
        data=strided, metainfo=dict(cam_keys=keys, stride=4))
    sample.pred_boundary = PixelData(
        data=torch.rand(1, h, w, generator=g) * 0.5, metainfo=dict(stride=4))
    sample.pred_displacement = PixelData(
        data=torch.randn(2, h, w, generator=g), metainfo=dict(stride=4))
    return sample


def test_registered_in_task_utils():
    lab = TASK_UTILS.build(dict(type='IRNSemanticLabeler', bg_thr=0.3))
    assert isinstance(lab, IRNSemanticLabeler) and lab.bg_thr == 0.3


def test_cam_threshold():
    sample = WSSSDataSample(metainfo=dict(ori_shape=(1, 3)))
    sample.pred_cams = PixelData(
        data=torch.tensor([[[0.1, 0.5, 0.2]], [[0.05, 0.6, 0.3]]]),
        metainfo=dict(cam_keys=torch.tensor([4, 0])))
    CAMThresholdLabeler(bg_thr=0.15, cam_field='pred_cams')(sample)
    assert sample.pred_sem_seg.data.tolist() == [[[0, 1, 1]]]
    with pytest.raises(KeyError, match='LoadCAMs'):
        CAMThresholdLabeler()(sample)  # no stored `cams`


def test_irn_semantic_is_semantic_label():
    sample = IRNSemanticLabeler(bg_thr=0.3, num_iters=8)(_sample())
    s = _sample()
    want = semantic_label(s.cams_strided.data, [0, 2], s.pred_boundary.data,
                          (H, W), num_iters=8, bg_thr=0.3)
    np.testing.assert_array_equal(sample.pred_sem_seg.data[0].numpy(), want)
    assert sample.pred_sem_seg.data.shape == (1, H, W)
    assert set(np.unique(want)) > {0}


@pytest.mark.parametrize('mode', ['full', 'cam', 'cam_boundary'])
def test_irn_instance_is_instance_labels(mode):
    sample = IRNInstanceLabeler(mode=mode, num_iters=8, bg_thr=0.3)(_sample())
    s = _sample()
    want = instance_labels(
        s.cams_strided.data, [0, 2], (H, W), boundary=s.pred_boundary.data[0],
        displacement=s.pred_displacement.data, high_res=s.cams.data, mode=mode,
        num_iters=8, bg_thr=0.3)
    ins = sample.pred_instances
    assert ins.masks.dtype == torch.bool and ins.masks.shape[1:] == (H, W)
    np.testing.assert_array_equal(ins.masks.numpy(), want['masks'])
    assert ins.labels.tolist() == want['labels'].tolist()
    np.testing.assert_allclose(ins.scores.numpy(), want['scores'])
    assert len(ins) > 0


@pytest.fixture
def walks(monkeypatch):
    """The number of maps of every walk the labellers run."""
    counts = []
    orig = semantic_mod.walk_cams

    def counting(cams, *args, **kwargs):
        counts.append(cams.shape[0])
        return orig(cams, *args, **kwargs)

    monkeypatch.setattr(semantic_mod, 'walk_cams', counting)
    monkeypatch.setattr(instance_mod, 'walk_cams', counting)
    return counts


def test_extra_modes_share_the_semantic_walk(walks):
    """One IRN step: semantic labels and the three instance modes, walking the CAMs
    once for the semantic labels and cam_boundary, once for 'full'."""
    labeler = ComposeLabelers(dict(
        sem=dict(type='IRNSemanticLabeler', bg_thr=0.3, num_iters=8),
        ins=dict(type='IRNInstanceLabeler', mode='full',
                 extra_modes=('cam', 'cam_boundary'), bg_thr=0.3, num_iters=8)))
    sample = labeler(_sample())
    assert len(walks) == 2  # semantic (shared with cam_boundary) + full
    for mode in ('cam', 'cam_boundary'):
        alone = IRNInstanceLabeler(mode=mode, bg_thr=0.3, num_iters=8)(_sample())
        got = sample.get(f'pred_instances_{mode}')
        np.testing.assert_array_equal(got.masks.numpy(),
                                      alone.pred_instances.masks.numpy())
        np.testing.assert_allclose(got.scores.numpy(),
                                   alone.pred_instances.scores.numpy())
    # another walk: not shared
    walks.clear()
    IRNInstanceLabeler(mode='cam_boundary', num_iters=4)(
        IRNSemanticLabeler(num_iters=8)(_sample()))
    assert len(walks) == 2


def test_global_norm_reaches_the_synthesis_and_is_shared(walks):
    s = _sample()
    got = IRNSemanticLabeler(bg_thr=0.3, num_iters=8, norm='global')(_sample())
    want = semantic_label(s.cams_strided.data, [0, 2], s.pred_boundary.data,
                          (H, W), num_iters=8, bg_thr=0.3, norm='global')
    np.testing.assert_array_equal(got.pred_sem_seg.data[0].numpy(), want)
    per_class = IRNSemanticLabeler(bg_thr=0.3, num_iters=8)(_sample())
    assert not torch.equal(got.seg_logits.data, per_class.seg_logits.data)
    # cam_boundary reuses the semantic walk only when both normalise alike
    for ins_norm, num_walks in (('global', 1), ('per_class', 2)):
        walks.clear()
        IRNInstanceLabeler(mode='cam_boundary', num_iters=8, norm=ins_norm)(
            IRNSemanticLabeler(num_iters=8, norm='global')(_sample()))
        assert len(walks) == num_walks


def test_released_code_options_reach_instance_labels():
    opts = dict(norm='global', refine_iters=300, refine_clamp='step',
                unassigned='instance')
    sample = IRNInstanceLabeler(num_iters=8, bg_thr=0.3, **opts)(_sample())
    s = _sample()
    want = instance_labels(
        s.cams_strided.data, [0, 2], (H, W), boundary=s.pred_boundary.data[0],
        displacement=s.pred_displacement.data, num_iters=8, bg_thr=0.3, **opts)
    np.testing.assert_array_equal(sample.pred_instances.masks.numpy(),
                                  want['masks'])
    np.testing.assert_allclose(sample.pred_instances.scores.numpy(),
                               want['scores'])


def test_unknown_mode():
    with pytest.raises(ValueError, match='mode'):
        IRNInstanceLabeler(extra_modes=('boxes', ))


@pytest.mark.parametrize('source', ['boundary', 'none'])
def test_psa_is_psa_labels_with_sweep(source):
    sample = PSALabeler(source=source, alpha=2., num_iters=8,
                        sweep_alphas=(1., 4.))(_sample())
    s = _sample()
    walk = dict(boundary=s.pred_boundary.data, stride=4) if source != 'none' else {}
    want = psa_labels(s.cams.data.numpy(), [0, 2], (H, W), [2., 1., 4.],
                      beta=8., num_iters=8, **walk)
    np.testing.assert_array_equal(sample.pred_sem_seg.data[0].numpy(), want[0])
    sweep = sample.pred_sem_seg_sweep
    np.testing.assert_array_equal(sweep.data.numpy(), np.stack(want[1:]))
    assert sweep.sweep_values == [1., 4.] and sweep.value == 2.


def test_psa_affinity_reads_stride_and_radius_from_metainfo():
    s = _sample()
    aff = torch.rand(34, 8, 10)  # the 34 pairs of radius 5
    s.pred_affinity = PixelData(data=aff, metainfo=dict(stride=4, radius=5))
    labeler = PSALabeler(bg_thr=0.6)
    cfg = labeler._walk_inputs(s, (H, W))
    assert cfg['stride'] == 4 and cfg['radius'] == 5
    assert cfg['affinity'].shape == aff.shape
    with pytest.raises(ValueError, match='not both'):
        PSALabeler(alpha=1., bg_thr=0.5)
