import shutil

import cv2
import numpy as np
import pytest
from PIL import Image

from mmirn.datasets import VOCClsDataset
from mmirn.datasets.transforms import (LoadImageFromFileChecked,
                                       LoadWSSSAnnotations)

IMG = '2007_000063'


def _voc_info(root, list_path, relation=None):
    list_path.write_text(f'{IMG}\n')
    ds = VOCClsDataset(
        data_root=str(root),
        ann_file=str(list_path),
        data_prefix=dict(
            img_path='JPEGImages',
            xml_path='Annotations',
            seg_map_path='SegmentationClass',
            ins_map_path='SegmentationObject',
            relation_path=relation))
    return ds.get_data_info(0)


def test_load_image(voc_dir):
    path = str(voc_dir / f'JPEGImages/{IMG}.jpg')
    results = LoadImageFromFileChecked()(dict(img_path=path))
    assert results['img'].shape == (375, 500, 3)
    assert results['ori_shape'] == results['img_shape'] == (375, 500)
    np.testing.assert_array_equal(results['img'], cv2.imread(path))
    results = LoadImageFromFileChecked(to_float32=True)(dict(img_path=path))
    assert results['img'].dtype == np.float32


def test_bad_images(voc_dir, tmp_path):
    load = LoadImageFromFileChecked()
    with pytest.raises(FileNotFoundError, match=r'missing\.jpg'):
        load(dict(img_path=str(tmp_path / 'missing.jpg')))
    not_image = tmp_path / 'notes.jpg'
    not_image.write_text('not an image')
    with pytest.raises(ValueError, match=r'notes\.jpg'):
        load(dict(img_path=str(not_image)))
    empty = tmp_path / 'empty.png'
    empty.touch()
    with pytest.raises(ValueError, match=r'empty\.png'):
        load(dict(img_path=str(empty)))
    # a JPEG cut short (cv2.imread decodes it with grey rows; some decoders
    # give up): found before decoding
    data = (voc_dir / f'JPEGImages/{IMG}.jpg').read_bytes()
    cut = tmp_path / 'cut.jpg'
    cut.write_bytes(data[:len(data) * 9 // 10])
    assert cv2.imread(str(cut)) is not None
    with pytest.raises(ValueError, match=r'truncated.*cut\.jpg'):
        load(dict(img_path=str(cut)))
    with pytest.raises(ValueError, match=r'truncated.*cut\.jpg'):
        LoadImageFromFileChecked(imdecode_backend='pillow')(
            dict(img_path=str(cut)))
    # trailing bytes after the end marker are fine
    padded = tmp_path / 'padded.jpg'
    padded.write_bytes(data + b'\0' * 100)
    assert load(dict(img_path=str(padded)))['img'].shape == (375, 500, 3)
    png = tmp_path / 'cut.png'
    Image.fromarray(np.random.default_rng(0).integers(
        0, 255, (64, 64, 3), dtype=np.uint8)).save(png)
    png.write_bytes(png.read_bytes()[:-200])
    with pytest.raises(ValueError, match=r'cut\.png'):
        load(dict(img_path=str(png)))
    bmp = tmp_path / 'cut.bmp'
    Image.fromarray(np.zeros((64, 64, 3), np.uint8)).save(bmp)
    bmp.write_bytes(bmp.read_bytes()[:-500])
    with pytest.raises(ValueError, match=r'cut\.bmp'):
        load(dict(img_path=str(bmp)))


def test_real_voc_masks(voc_dir, tmp_path):
    info = _voc_info(voc_dir, tmp_path / 'list.txt')
    results = LoadImageFromFileChecked()(info)
    results = LoadWSSSAnnotations()(results)
    seg = results['gt_seg_map']
    assert seg.shape == (375, 500) and seg.dtype == np.uint8
    # palette indices: background, chair (9), dog (12), void border
    assert set(np.unique(seg)) == {0, 9, 12, 255}
    assert results['seg_fields'] == ['gt_seg_map']
    masks, labels = results['gt_masks'], results['gt_ins_labels']
    assert masks.shape == (2, 375, 500) and masks.dtype == bool
    # object 1 is the dog (fg 11), object 2 the chair (fg 8), as in the XML
    assert labels.tolist() == [11, 8]
    assert masks[0].sum() == 27632 and masks[1].sum() == 78930
    assert (seg[masks[0]] == 12).all()


def test_instances_of_tiny_voc(tiny_voc):
    info = dict(
        img_path=str(tiny_voc / 'JPEGImages/a.jpg'),
        seg_map_path=str(tiny_voc / 'SegmentationClass/a.png'),
        ins_map_path=str(tiny_voc / 'SegmentationObject/a.png'),
        seg_fields=[])
    results = LoadWSSSAnnotations(with_seg=False)(
        LoadImageFromFileChecked()(info))
    assert 'gt_seg_map' not in results
    assert results['gt_ins_labels'].tolist() == [0, 0, 2]
    # boxes without their void top row
    assert results['gt_masks'].reshape(3, -1).sum(1).tolist() == [
        11 * 12, 11 * 10, 11 * 35
    ]
    # an instance map alone cannot tell classes
    del info['seg_map_path']
    with pytest.raises(ValueError, match=r'SegmentationObject/a\.png'):
        LoadWSSSAnnotations()(dict(info))


def test_relation_and_mismatch(voc_copy, tmp_path, save_png):
    rel_dir = tmp_path / 'rel'
    info = _voc_info(voc_copy, tmp_path / 'list.txt', relation=str(rel_dir))
    results = LoadImageFromFileChecked()(dict(info))
    with pytest.raises(FileNotFoundError, match=rf'{IMG}\.png'):
        LoadWSSSAnnotations()(dict(results, seg_fields=[]))
    rel_dir.mkdir()
    relation = np.full((375, 500), 255, np.uint8)
    relation[100:200, 100:300] = 12
    relation[:50] = 0
    save_png(rel_dir / f'{IMG}.png', relation)
    out = LoadWSSSAnnotations()(dict(results, seg_fields=[]))
    np.testing.assert_array_equal(out['gt_relation'], relation)
    assert out['seg_fields'] == ['gt_seg_map', 'gt_relation']
    out = LoadWSSSAnnotations(with_seg=False, with_ins=False)(
        dict(results, seg_fields=[]))
    assert out['seg_fields'] == ['gt_relation'] and 'gt_masks' not in out
    # each mask whose size differs from its image is named
    for key, sub in (('relation_path', 'rel'),
                     ('seg_map_path', 'SegmentationClass'),
                     ('ins_map_path', 'SegmentationObject')):
        path = info[key]
        shutil.copy(path, tmp_path / 'keep.png')
        save_png(path, np.zeros((375, 499), np.uint8))
        with pytest.raises(ValueError, match=rf'{sub}/{IMG}\.png.*size'):
            LoadWSSSAnnotations()(dict(results, seg_fields=[]))
        shutil.copy(tmp_path / 'keep.png', path)
