import numpy as np
import pytest
from mmcv.transforms import Compose
from mmengine.registry import init_default_scope

from mmirn.registry import TRANSFORMS


def _results(h=40, w=60):
    """An image whose red channel encodes the class map, plus a relation map
    equal to the class map, an object map and instance masks from it."""
    obj = np.zeros((h, w), np.uint8)
    obj[5:20, 4:30] = 1
    obj[22:38, 10:25] = 2
    obj[10:30, 40:57] = 3
    seg = np.choose(obj, [0, 1, 1, 2]).astype(np.uint8)
    seg[0] = 255
    img = np.zeros((h, w, 3), np.uint8)
    img[..., 0] = obj * 50
    img[..., 1] = np.arange(w)[None] * 4  # asymmetric: shows flips
    return dict(
        img=img,
        img_shape=(h, w),
        ori_shape=(h, w),
        gt_seg_map=seg,
        gt_relation=seg.copy(),
        gt_obj=obj,
        gt_masks=np.stack([obj == k for k in (1, 2, 3)]),
        gt_ins_labels=np.array([0, 0, 1]),
        seg_fields=['gt_seg_map', 'gt_relation', 'gt_obj'])


def _check_consistent(results):
    img, obj = results['img'], results['gt_obj']
    assert img.shape[:2] == obj.shape == results['gt_seg_map'].shape
    np.testing.assert_array_equal(img[..., 0], obj * 50)
    np.testing.assert_array_equal(results['gt_relation'],
                                  results['gt_seg_map'])
    ids = [k for k in (1, 2, 3) if (obj == k).any()]
    masks = results['gt_masks']
    assert masks.shape == (len(ids), ) + obj.shape
    for mask, k in zip(masks, ids):
        np.testing.assert_array_equal(mask, obj == k)
    assert len(results['gt_ins_labels']) == len(ids)


@pytest.mark.parametrize('transforms', [
    [dict(type='WSSSResize', scale=(90, 33), keep_ratio=False,
          interpolation='nearest')],
    [dict(type='RandomResize', scale=(120, 80), ratio_range=(0.5, 1.5),
          keep_ratio=True, resize_type='WSSSResize',
          interpolation='nearest')],
    [dict(type='WSSSRandomFlip', prob=1.0, direction='horizontal')],
    [dict(type='WSSSRandomFlip', prob=1.0, direction='vertical')],
    [dict(type='WSSSRandomCrop', crop_size=(25, 30))],
    [dict(type='RandomResize', scale=(60, 40), ratio_range=(1.0, 2.0),
          keep_ratio=True, resize_type='WSSSResize',
          interpolation='nearest'),
     dict(type='WSSSRandomCrop', crop_size=(32, 32), cat_max_ratio=0.9),
     dict(type='WSSSRandomFlip', prob=0.5)],
])
def test_consistent(transforms):
    init_default_scope('mmirn')
    pipeline = Compose([TRANSFORMS.build(t) for t in transforms])
    np.random.seed(0)
    for _ in range(5):
        before = _results()
        after = pipeline(_results())
        _check_consistent(after)
        if 'WSSSRandomFlip' == transforms[0]['type']:
            assert after['flip']
            assert not np.array_equal(after['img'], before['img'])


@pytest.mark.parametrize('transform', [
    dict(type='Resize', scale=(90, 33), keep_ratio=False,
         interpolation='nearest'),
    dict(type='RandomResize', scale=(120, 80), ratio_range=(0.5, 1.5),
         keep_ratio=True, interpolation='nearest'),
    dict(type='RandomFlip', prob=1.0),
    dict(type='RandomCrop', crop_size=(25, 30)),
])
def test_stock_transforms(transform):
    """mmseg's transforms move every seg field (gt_relation too) but leave the
    instance masks behind: the reason for the WSSS* variants."""
    init_default_scope('mmirn')
    np.random.seed(0)
    results = TRANSFORMS.build(transform)(_results())
    masks = results.pop('gt_masks')
    assert masks.shape == (3, 40, 60)
    assert not np.array_equal(masks[0], results['gt_obj'] == 1)
    results['gt_masks'] = np.stack([results['gt_obj'] == k for k in (1, 2, 3)])
    _check_consistent(results)
