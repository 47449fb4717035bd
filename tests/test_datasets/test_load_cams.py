"""CAMs are data: ``data_prefix.cam_path`` + ``LoadCAMs`` put them in the sample."""
import numpy as np
import pytest
import torch
from mmengine.registry import init_default_scope

from mmirn.datasets import ToyVOCClsDataset
from mmirn.pseudo.cam_io import CAMFileError, save_cams

H, W = 32, 48


def _dataset(root, cam_dir, pipeline):
    init_default_scope('mmirn')
    return ToyVOCClsDataset(
        data_root=str(root),
        ann_file='ImageSets/Segmentation/train.txt',
        data_prefix=dict(
            img_path='JPEGImages', xml_path='Annotations',
            cam_path=str(cam_dir)),
        pipeline=pipeline)


PIPELINE = [
    dict(type='LoadImageFromFileChecked'),
    dict(type='LoadCAMs'),
    dict(type='PackWSSSInputs'),
]


def test_cams_through_the_dataset(tiny_voc, tmp_path):
    cam_dir = tmp_path / 'cams'
    rng = np.random.default_rng(0)
    keys = np.array([0, 2])  # image a: stripes, dots
    high = rng.random((2, H, W)).astype(np.float32)
    low = rng.random((2, H // 4, W // 4)).astype(np.float32)
    save_cams(str(cam_dir / 'a.npz'), keys, low, high, dtype='float32')
    ds = _dataset(tiny_voc, cam_dir, PIPELINE)
    assert ds.get_data_info(0)['cam_path'] == str(cam_dir / 'a.npz')
    sample = ds[0]['data_samples']
    assert sample.cam_path == str(cam_dir / 'a.npz')
    np.testing.assert_array_equal(sample.cams.data.numpy(), high)
    np.testing.assert_array_equal(sample.cams_strided.data.numpy(), low)
    assert sample.cams_strided.stride == 4 and sample.cams.stride == 1
    assert torch.equal(sample.cams.cam_keys, torch.tensor([0, 2]))
    # image b has no CAM file yet: the error names it
    with pytest.raises(FileNotFoundError, match='b.npz'):
        ds[1]


def test_bad_cam_files_are_named(tiny_voc, tmp_path):
    cam_dir = tmp_path / 'cams'
    ds = _dataset(tiny_voc, cam_dir, PIPELINE)
    # the wrong size for the image
    save_cams(str(cam_dir / 'a.npz'), [0], np.zeros((1, 4, 4)),
              np.zeros((1, 16, 16)))
    with pytest.raises(CAMFileError, match='a.npz.*16x16 but the image is 32x48'):
        ds[0]
    # a key outside the 5 foreground classes
    save_cams(str(cam_dir / 'a.npz'), [7], np.zeros((1, H // 4, W // 4)),
              np.zeros((1, H, W)))
    with pytest.raises(CAMFileError, match=r'keys \[7\] outside \[0, 5\)'):
        ds[0]


def test_without_high_res_and_without_prefix(tiny_voc, tmp_path):
    cam_dir = tmp_path / 'cams'
    save_cams(str(cam_dir / 'a.npz'), [0, 2], np.ones((2, H // 4, W // 4)),
              np.ones((2, H, W)))
    pipeline = [dict(type='LoadCAMs', with_high_res=False),
                dict(type='PackWSSSInputs')]
    sample = _dataset(tiny_voc, cam_dir, pipeline)[0]['data_samples']
    assert 'cams' not in sample and sample.cams_strided.data.shape == (2, 8, 12)
    init_default_scope('mmirn')
    ds = ToyVOCClsDataset(
        data_root=str(tiny_voc), ann_file='ImageSets/Segmentation/train.txt',
        pipeline=[dict(type='LoadCAMs')])
    with pytest.raises(KeyError, match='data_prefix.cam_path'):
        ds[0]
