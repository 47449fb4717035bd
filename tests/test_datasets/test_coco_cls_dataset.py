import json
import shutil

import numpy as np
import pytest
from mmcv.transforms import Compose

from mmirn.datasets import COCOClsDataset
from mmirn.datasets.transforms import (LoadCOCOInstances,
                                       LoadImageFromFileChecked)

JSON = 'annotations/instances_samples2017.json'


def _samples(coco_dir, **kwargs):
    kwargs.setdefault('check_files', False)  # 4 of its 6 images are not kept
    return COCOClsDataset(
        data_root=str(coco_dir),
        ann_file=JSON,
        data_prefix=dict(img_path='images'),
        **kwargs)


def _by_id(ds):
    return {ds.get_data_info(i)['img_id']: ds.get_data_info(i)
            for i in range(len(ds))}


def test_real_coco_labels(coco_dir):
    ds = _samples(coco_dir)
    classes = ds.metainfo['classes']
    assert len(classes) == 81 and classes[0] == 'background'
    # the categories in id order: person (1), bicycle (2), car (3), ...
    assert classes[1:4] == ('person', 'bicycle', 'car')
    assert classes[-1] == 'toothbrush'
    infos = _by_id(ds)
    # image 89 has no annotation and is dropped
    assert sorted(infos) == [128372, 194216, 343934, 404249, 464689]

    def names(img_id):
        return sorted(classes[i + 1] for i in infos[img_id]['label_ids'])

    # what instances_samples2017.json says (category ids 1, 3, 6, 31, ...)
    assert names(128372) == ['bus', 'car', 'handbag', 'person']
    assert names(194216) == ['bear']
    assert names(343934) == ['motorcycle']
    assert names(404249) == ['person', 'skateboard']
    assert names(464689) == ['bottle']  # 13 polygons and a crowd RLE
    label = infos[404249]['gt_label']
    assert label.dtype == np.float32 and label.shape == (80, )
    assert label.sum() == 2 and label[classes.index('skateboard') - 1] == 1
    assert infos[194216]['img_path'] == str(
        coco_dir / 'images/000000194216.jpg')


def test_class_subset_and_empty(coco_dir):
    ds = _samples(coco_dir, metainfo=dict(classes=('person', 'bottle')))
    assert ds.metainfo['classes'] == ('background', 'person', 'bottle')
    infos = _by_id(ds)
    assert sorted(infos) == [128372, 404249, 464689]
    assert infos[464689]['label_ids'] == [1]
    with pytest.raises(ValueError, match=r'unicorn.*instances_samples2017'):
        _samples(coco_dir, metainfo=dict(classes=('person', 'unicorn')))
    with pytest.raises(ValueError,
                       match=r'89.*no label.*instances_samples2017\.json'):
        _samples(coco_dir, filter_empty=False)


def test_real_coco_masks(coco_dir):
    ds = _samples(coco_dir, with_masks=True)
    pipeline = Compose([LoadImageFromFileChecked(), LoadCOCOInstances()])
    infos = _by_id(ds)
    bottles = pipeline(dict(infos[464689]))
    assert bottles['img'].shape[:2] == (640, 586)
    masks, labels = bottles['gt_masks'], bottles['gt_ins_labels']
    # crowd excluded from the instances
    assert masks.shape == (13, 640, 586) and masks.dtype == bool
    bottle = ds.metainfo['classes'].index('bottle') - 1
    assert labels.tolist() == [bottle] * 13
    assert masks.reshape(13, -1).sum(1).min() > 50
    seg = bottles['gt_seg_map']
    assert set(np.unique(seg)) == {0, bottle + 1, 255}
    assert 'gt_seg_map' in bottles['seg_fields']
    # every instance pixel is painted with its class
    assert (seg[masks.any(0)] == bottle + 1).all()
    # the crowd region (890 px in the JSON) is ignored where no instance is
    assert 700 < (seg == 255).sum() < 1100
    bears = pipeline(dict(infos[194216]))
    assert bears['gt_masks'].shape == (3, 294, 640)


def test_compressed_rle_and_size_mismatch(coco_dir, tmp_path):
    from pycocotools import mask as mask_utils
    (tmp_path / 'images').mkdir()
    shutil.copy(coco_dir / 'images/000000194216.jpg', tmp_path / 'images')
    h, w = 294, 640
    box = np.zeros((h, w), np.uint8, order='F')
    box[10:50, 20:80] = 1
    rle = mask_utils.encode(box)
    rle['counts'] = rle['counts'].decode()
    coco = dict(
        images=[dict(id=1, file_name='000000194216.jpg', height=h, width=w)],
        annotations=[
            dict(id=1, image_id=1, category_id=7, iscrowd=0, segmentation=rle)
        ],
        categories=[dict(id=7, name='thing'), dict(id=3, name='other')])
    (tmp_path / 'ann.json').write_text(json.dumps(coco))
    ds = COCOClsDataset(
        data_root=str(tmp_path),
        ann_file='ann.json',
        data_prefix=dict(img_path='images'),
        with_masks=True)
    # classes in category id order
    assert ds.metainfo['classes'] == ('background', 'other', 'thing')
    info = ds.get_data_info(0)
    assert info['label_ids'] == [1]
    results = Compose([LoadImageFromFileChecked(),
                       LoadCOCOInstances()])(info)
    np.testing.assert_array_equal(results['gt_masks'][0], box.astype(bool))
    np.testing.assert_array_equal(results['gt_seg_map'], box * 2)

    coco['images'][0]['height'] = 300
    (tmp_path / 'ann.json').write_text(json.dumps(coco))
    ds = COCOClsDataset(
        data_root=str(tmp_path),
        ann_file='ann.json',
        data_prefix=dict(img_path='images'),
        with_masks=True)
    with pytest.raises(ValueError, match=r'ann\.json.*000000194216\.jpg'):
        Compose([LoadImageFromFileChecked(),
                 LoadCOCOInstances()])(ds.get_data_info(0))


def test_bad_inputs(coco_dir, tmp_path):
    with pytest.raises(FileNotFoundError, match='no_root'):
        COCOClsDataset(data_root=str(tmp_path / 'no_root'), ann_file=JSON)
    with pytest.raises(FileNotFoundError, match='missing.json'):
        COCOClsDataset(data_root=str(coco_dir), ann_file='missing.json')
    # the JSON lists images that are not in images/
    with pytest.raises(FileNotFoundError, match='000000128372.jpg'):
        _samples(coco_dir, check_files=True)
    coco = json.loads((coco_dir / JSON).read_text())
    coco['annotations'][0]['category_id'] = 999
    (tmp_path / 'bad.json').write_text(json.dumps(coco))
    with pytest.raises(ValueError, match=r'999.*bad\.json'):
        COCOClsDataset(ann_file=str(tmp_path / 'bad.json'), check_files=False)
    (tmp_path / 'broken.json').write_text('{"images": [')
    with pytest.raises(ValueError, match=r'broken\.json'):
        COCOClsDataset(ann_file=str(tmp_path / 'broken.json'))
