import numpy as np
import torch
from mmengine.structures import InstanceData, PixelData

from mmirn.datasets.transforms import PackWSSSInputs
from mmirn.structures import WSSSDataSample


def _results():
    rng = np.random.default_rng(0)
    seg = rng.integers(0, 3, (6, 8)).astype(np.uint8)
    return dict(
        img=rng.integers(0, 255, (6, 8, 3)).astype(np.uint8),
        img_path='x.jpg',
        img_id='x',
        ori_shape=(6, 8),
        img_shape=(6, 8),
        scale_factor=(1.0, 1.0),
        flip=False,
        flip_direction=None,
        reduce_zero_label=False,
        label_ids=[0, 1],
        gt_label=np.array([1, 1, 0], np.float32),
        gt_seg_map=seg,
        gt_relation=seg[::-1].copy(),
        gt_masks=np.stack([seg == 1, seg == 2]),
        gt_ins_labels=np.array([0, 1]),
        seg_fields=['gt_seg_map', 'gt_relation'])


def test_pack_all_fields():
    results = _results()
    packed = PackWSSSInputs()(dict(results))
    inputs, sample = packed['inputs'], packed['data_samples']
    assert isinstance(sample, WSSSDataSample)
    assert inputs.shape == (3, 6, 8) and inputs.dtype == torch.uint8
    assert torch.equal(inputs, torch.from_numpy(results['img']).permute(2, 0, 1))
    assert sample.gt_label.dtype == torch.float32
    assert sample.gt_label.tolist() == [1, 1, 0]
    assert isinstance(sample.gt_sem_seg, PixelData)
    assert sample.gt_sem_seg.data.shape == (1, 6, 8)
    assert sample.gt_sem_seg.data.dtype == torch.int64
    assert torch.equal(sample.gt_sem_seg.data[0],
                       torch.from_numpy(results['gt_seg_map']).long())
    assert torch.equal(sample.gt_relation.data[0],
                       torch.from_numpy(results['gt_relation']).long())
    assert isinstance(sample.gt_instances, InstanceData)
    assert sample.gt_instances.masks.dtype == torch.bool
    assert sample.gt_instances.masks.shape == (2, 6, 8)
    assert sample.gt_instances.labels.tolist() == [0, 1]
    meta = sample.metainfo
    assert meta['img_id'] == 'x' and meta['label_ids'] == [0, 1]
    assert meta['img_shape'] == (6, 8) and meta['flip'] is False
    assert 'seg_fields' not in meta


def test_pack_optional_fields():
    results = _results()
    for key in ('gt_seg_map', 'gt_relation', 'gt_masks', 'gt_ins_labels'):
        del results[key]
    results['img'] = results['img'][..., 0]  # grey
    packed = PackWSSSInputs(meta_keys=('img_id', ))(results)
    sample = packed['data_samples']
    assert packed['inputs'].shape == (1, 6, 8)
    for field in ('gt_sem_seg', 'gt_relation', 'gt_instances'):
        assert field not in sample
    assert sample.metainfo == dict(img_id='x')
