"""Crowd annotations are never image-level labels (COCOClsDataset)."""
import json
import logging

import numpy as np
import pytest
from mmengine.logging import MMLogger

from mmirn.datasets import COCOClsDataset
from mmirn.datasets.toy import coco_writer

JSON = 'annotations/instances_samples2017.json'


def _write(coco_dir, tmp_path, coco):
    (tmp_path / 'ann.json').write_text(json.dumps(coco))
    return dict(ann_file=str(tmp_path / 'ann.json'),
                data_prefix=dict(img_path=str(coco_dir / 'images')),
                check_files=False)


def test_real_coco_crowds_not_labels(coco_dir, tmp_path):
    coco = json.loads((coco_dir / JSON).read_text())
    crowd_rle = next(a for a in coco['annotations'] if a['iscrowd'])
    # the bottles' crowd RLE is a bottle crowd next to 13 bottles: no change
    ds = COCOClsDataset(**_write(coco_dir, tmp_path, coco))
    infos = {ds.get_data_info(i)['img_id']: ds.get_data_info(i)
             for i in range(len(ds))}
    names = ds.metainfo['classes']
    bottle = names.index('bottle') - 1
    assert infos[464689]['label_ids'] == [bottle]
    assert ds.num_empty == 1 and ds.num_crowd_only == 0  # image 89

    # a person crowd on the bears' image (person is not otherwise there): not a
    # label; image 89 gets only a crowd: no label, dropped and counted; the
    # skateboard of 404249 becomes a crowd: only 'person' remains its label
    person = names.index('person') - 1
    extra = dict(crowd_rle, id=10**9, image_id=194216, category_id=1)
    only = dict(crowd_rle, id=10**9 + 1, image_id=89, category_id=1)
    coco['annotations'] += [extra, only]
    for a in coco['annotations']:
        if a['image_id'] == 404249 and a['category_id'] == 41:
            a['iscrowd'] = 1
    logger = MMLogger.get_current_instance()
    messages = []
    class _Keep(logging.Handler):

        def emit(self, record):
            messages.append(record.getMessage())

    keep = _Keep()
    logger.addHandler(keep)
    try:
        ds = COCOClsDataset(with_masks=True,
                            **_write(coco_dir, tmp_path, coco))
    finally:
        logger.removeHandler(keep)
    infos = {ds.get_data_info(i)['img_id']: ds.get_data_info(i)
             for i in range(len(ds))}
    assert sorted(infos) == [128372, 194216, 343934, 404249, 464689]
    bear = names.index('bear') - 1
    assert infos[194216]['label_ids'] == [bear]
    label = infos[194216]['gt_label']
    assert label.sum() == 1 and label[bear] == 1 and label[person] == 0
    assert infos[404249]['label_ids'] == [person]
    assert infos[404249]['gt_label'][names.index('skateboard') - 1] == 0
    # the crowds stay in the instances, as ignored regions for LoadCOCOInstances
    crowds = [(i['label'], i['iscrowd']) for i in infos[194216]['instances']]
    assert crowds.count((person, 1)) == 1
    assert ds.num_empty == 1 and ds.num_crowd_only == 1
    assert any('1 images without a non-crowd annotation' in m
               and '1 of them with crowd annotations only' in m
               for m in messages), messages
    with pytest.raises(ValueError, match=r'89.*only crowd annotations.*ann\.json'):
        COCOClsDataset(filter_empty=False, **_write(coco_dir, tmp_path, coco))


def test_toy_coco_crowds_not_labels(tmp_path):
    """On the toy COCO: gt_label is the set of non-crowd classes of each image."""
    pytest.importorskip('pycocotools')
    counts = coco_writer.generate(str(tmp_path), num_train=36, num_val=2, seed=1,
                             min_size=64, max_size=96, verbose=False)
    ann = tmp_path / 'annotations' / 'instances_train2014.json'
    coco = json.loads(ann.read_text())
    ds = COCOClsDataset(data_root=str(tmp_path),
                        ann_file='annotations/instances_train2014.json',
                        data_prefix=dict(img_path='train2014'))
    # expected labels straight from the JSON (category id k is class k - 1)
    cats = sorted(c['id'] for c in coco['categories'])
    full, plain = {}, {}
    for a in coco['annotations']:
        full.setdefault(a['image_id'], set()).add(cats.index(a['category_id']))
        if not a['iscrowd']:
            plain.setdefault(a['image_id'], set()).add(
                cats.index(a['category_id']))
    infos = {ds.get_data_info(i)['img_id']: ds.get_data_info(i)
             for i in range(len(ds))}
    assert sorted(infos) == sorted(plain)
    assert len(ds) == 36 - counts['train2014']['empty']
    crowd_only_classes = 0
    for img_id, info in infos.items():
        assert info['label_ids'] == sorted(plain[img_id])
        np.testing.assert_array_equal(
            np.flatnonzero(info['gt_label']), sorted(plain[img_id]))
        crowd_only_classes += len(full[img_id] - plain[img_id])
    # the toy has crowds of classes found nowhere else in their image (image 32:
    # classes 0 and 10, and a crowd of class 2)
    assert counts['train2014']['crowd'] > 0 and crowd_only_classes > 0
