"""Saliency maps (optional): ``data_prefix.saliency_path`` + ``LoadSaliency``."""
import cv2
import numpy as np
import pytest
from mmengine.registry import init_default_scope
from PIL import Image

from mmirn.datasets import ToyVOCClsDataset
from mmirn.datasets.transforms.loading import LoadSaliency, read_saliency

H, W = 32, 48  # image a of the tiny VOC


def _dataset(root, sal_dir, pipeline=()):
    init_default_scope('mmirn')
    prefix = dict(img_path='JPEGImages', xml_path='Annotations')
    if sal_dir is not None:
        prefix['saliency_path'] = str(sal_dir)
    return ToyVOCClsDataset(
        data_root=str(root), ann_file='ImageSets/Segmentation/train.txt',
        data_prefix=prefix, pipeline=list(pipeline))


def _save(path, arr, mode=None):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(arr, mode).save(path)


def test_saliency_through_the_dataset(tiny_voc, tmp_path):
    sal = (np.arange(H * W) % 256).astype(np.uint8).reshape(H, W)
    _save(tmp_path / 'sal' / 'a.png', sal)
    ds = _dataset(tiny_voc, tmp_path / 'sal', [
        dict(type='LoadImageFromFileChecked'), dict(type='LoadSaliency')])
    assert ds.get_data_info(0)['saliency_path'] == str(tmp_path / 'sal/a.png')
    out = ds[0]
    assert out['saliency'].dtype == np.uint8
    np.testing.assert_array_equal(out['saliency'], sal)
    assert 'saliency' in out['seg_fields']
    # image b has no saliency map: the error names the file
    with pytest.raises(FileNotFoundError, match='b.png'):
        ds[1]


def test_no_saliency_by_default(tiny_voc):
    info = _dataset(tiny_voc, None).get_data_info(0)
    assert 'saliency_path' not in info
    with pytest.raises(KeyError, match='data_prefix.saliency_path'):
        LoadSaliency()(dict(info, img=np.zeros((H, W, 3), np.uint8)))


def test_bit_depth_and_range(tmp_path):
    ok = np.array([[0, 128], [255, 7]], np.uint16)
    cv2.imwrite(str(tmp_path / 'ok16.png'), ok)
    np.testing.assert_array_equal(read_saliency(str(tmp_path / 'ok16.png')), ok)
    cv2.imwrite(str(tmp_path / 'big16.png'), np.array([[0, 300]], np.uint16))
    with pytest.raises(ValueError, match=r'big16.png.*0 to 300'):
        read_saliency(str(tmp_path / 'big16.png'))


def test_bad_files_are_named(tmp_path):
    _save(tmp_path / 'rgb.png', np.zeros((4, 4, 3), np.uint8))
    with pytest.raises(ValueError, match='rgb.png.*single-channel'):
        read_saliency(str(tmp_path / 'rgb.png'))
    (tmp_path / 'junk.png').write_bytes(b'not a png')
    with pytest.raises(ValueError, match='junk.png'):
        read_saliency(str(tmp_path / 'junk.png'))
    _save(tmp_path / 'small.png', np.zeros((4, 4), np.uint8))
    results = dict(saliency_path=str(tmp_path / 'small.png'),
                   img=np.zeros((4, 5, 3), np.uint8), img_path='x.jpg')
    with pytest.raises(ValueError, match=r'small.png has size \(4, 4\).*\(4, 5\)'):
        LoadSaliency()(results)


def test_saliency_reaches_the_labeller(tiny_voc, tmp_path):
    """The saliency variant's route: saliency_path in the metainfo -> labeller."""
    import torch
    from mmengine.structures import PixelData

    from mmirn.models.labelers import SaliencyCAMLabeler
    sal = np.zeros((H, W), np.uint8)
    sal[:, W // 2:] = 255
    _save(tmp_path / 'sal' / 'a.png', sal)
    meta_keys = ('img_path', 'saliency_path', 'ori_shape', 'img_shape')
    ds = _dataset(tiny_voc, tmp_path / 'sal', [
        dict(type='LoadImageFromFileChecked'),
        dict(type='PackWSSSInputs', meta_keys=meta_keys)])
    sample = ds[0]['data_samples']
    sample.pred_cams = PixelData(data=torch.full((1, H, W), 0.5),
                                 metainfo=dict(cam_keys=torch.tensor([2])))
    lab = SaliencyCAMLabeler(cam_field='pred_cams', cam_thr=0.4, crf=False)
    out = lab(sample).pred_sem_seg.data[0]
    assert (out[:, :W // 2] == 0).all() and (out[:, W // 2:] == 3).all()


def test_loaded_saliency_is_packed_and_flipped_with_the_image(tiny_voc, tmp_path):
    """LoadSaliency -> RandomFlip -> PackWSSSInputs: the ``saliency`` field, moved
    with the image, is what the labeller uses (not a re-read of the file)."""
    import torch
    from mmengine.structures import PixelData

    from mmirn.models.labelers import SaliencyCAMLabeler
    sal = np.zeros((H, W), np.uint8)
    sal[:, :W // 4] = 255  # salient on the left quarter of the image
    _save(tmp_path / 'sal' / 'a.png', sal)
    ds = _dataset(tiny_voc, tmp_path / 'sal', [
        dict(type='LoadImageFromFileChecked'),
        dict(type='LoadSaliency'),
        dict(type='mmseg.RandomFlip', prob=1.0, direction='horizontal'),
        dict(type='PackWSSSInputs')])
    sample = ds[0]['data_samples']
    assert sample.saliency.data.dtype == torch.uint8
    assert sample.saliency.data.shape == (1, H, W)
    np.testing.assert_array_equal(sample.saliency.data[0].numpy(), sal[:, ::-1])
    assert sample.saliency_path.endswith('a.png')  # default meta_keys
    sample.pred_cams = PixelData(data=torch.full((1, H, W), 0.5),
                                 metainfo=dict(cam_keys=torch.tensor([2])))
    lab = SaliencyCAMLabeler(cam_field='pred_cams', cam_thr=0.4, crf=False)
    out = lab(sample).pred_sem_seg.data[0]
    assert (out[:, -(W // 4):] == 3).all() and (out[:, :-(W // 4)] == 0).all()
