import json
import pickle

import numpy as np
import pytest
from PIL import Image

from mmirn.datasets import ToyVOCClsDataset, VOCClsDataset
from mmirn.datasets.voc import VOC_CLASSES

DOG, CHAIR, PERSON = (VOC_CLASSES.index(n) - 1
                      for n in ('dog', 'chair', 'person'))


def _list(tmp_path, *ids):
    path = tmp_path / 'list.txt'
    path.write_text(''.join(f'{i}\n' for i in ids))
    return str(path)


def test_real_voc_labels_from_xml(voc_dir, tmp_path):
    ds = VOCClsDataset(
        data_root=str(voc_dir),
        ann_file=_list(tmp_path, '2007_000063', '2011_003353'))
    assert len(ds) == 2
    assert ds.metainfo['classes'] == VOC_CLASSES
    assert len(ds.metainfo['palette']) == 21
    # the colours of the official palette PNGs
    png = Image.open(voc_dir / 'SegmentationClass/2007_000063.png')
    assert sum(ds.metainfo['palette'], []) == png.getpalette()[:63]
    dog_chair, person = ds.get_data_info(0), ds.get_data_info(1)
    # 2007_000063.xml: a dog and a chair; 2011_003353.xml: one person
    assert dog_chair['img_id'] == '2007_000063'
    assert dog_chair['label_ids'] == sorted([DOG, CHAIR]) == [8, 11]
    expected = np.zeros(20, np.float32)
    expected[[DOG, CHAIR]] = 1
    assert dog_chair['gt_label'].dtype == np.float32
    np.testing.assert_array_equal(dog_chair['gt_label'], expected)
    assert person['label_ids'] == [PERSON]
    assert person['img_path'] == str(voc_dir / 'JPEGImages/2011_003353.jpg')
    assert dog_chair['reduce_zero_label'] is False
    assert dog_chair['seg_fields'] == []
    for key in ('seg_map_path', 'ins_map_path', 'relation_path'):
        assert key not in dog_chair


def test_real_voc_mask_paths(voc_dir, tmp_path):
    ds = VOCClsDataset(
        data_root=str(voc_dir),
        ann_file=_list(tmp_path, '2007_000063'),
        data_prefix=dict(
            img_path='JPEGImages',
            xml_path='Annotations',
            seg_map_path='SegmentationClass',
            ins_map_path='SegmentationObject',
            relation_path=str(tmp_path / 'relations')))
    info = ds.get_data_info(0)
    assert info['seg_map_path'] == str(
        voc_dir / 'SegmentationClass/2007_000063.png')
    assert info['ins_map_path'] == str(
        voc_dir / 'SegmentationObject/2007_000063.png')
    # an absolute prefix is kept; the file may not exist yet
    assert info['relation_path'] == str(tmp_path / 'relations/2007_000063.png')


def test_difficult_subset_and_serialisation(tiny_voc):
    kwargs = dict(
        data_root=str(tiny_voc), ann_file='ImageSets/Segmentation/train.txt')
    ds = ToyVOCClsDataset(**kwargs)
    assert ds.metainfo['classes'][1:] == ('stripes', 'checks', 'dots', 'rings',
                                          'zigzag')
    assert ds.metainfo['palette'][:2] == [[0, 0, 0], [128, 0, 0]]
    assert [ds.get_data_info(i)['label_ids'] for i in range(2)] == [[0, 2],
                                                                    [1, 3]]
    no_difficult = ToyVOCClsDataset(use_difficult=False, **kwargs)
    assert no_difficult.get_data_info(1)['label_ids'] == [1]
    # a class subset: other classes are dropped, images left empty too
    subset = ToyVOCClsDataset(
        metainfo=dict(classes=('background', 'dots', 'rings')), **kwargs)
    assert len(subset) == 2
    assert subset.get_data_info(0)['label_ids'] == [0]
    np.testing.assert_array_equal(subset.get_data_info(1)['gt_label'], [0, 1])
    with pytest.raises(ValueError, match=r'No image.*train\.txt'):
        ToyVOCClsDataset(
            metainfo=dict(classes=('background', 'zigzag')), **kwargs)
    # lazy init and pickling (DataLoader workers) keep the data
    lazy = ToyVOCClsDataset(lazy_init=True, **kwargs)
    lazy = pickle.loads(pickle.dumps(lazy))
    lazy.full_init()
    assert lazy.get_data_info(1)['img_id'] == 'b'


@pytest.mark.parametrize('fmt', ['json', 'txt', 'npy'])
def test_label_file(tiny_voc, fmt):
    path = tiny_voc / f'labels.{fmt}'
    if fmt == 'json':
        path.write_text(json.dumps({'a': ['zigzag'], 'b': ['dots', 'rings']}))
    elif fmt == 'txt':
        path.write_text('a zigzag\nb dots rings\n')
    else:
        np.save(path, dict(a=np.array([0, 0, 0, 0, 1.]),
                           b=np.array([0, 0, 1, 1, 0.])))
    # no XML is read when a label file is given
    (tiny_voc / 'Annotations/a.xml').unlink()
    ds = ToyVOCClsDataset(
        data_root=str(tiny_voc),
        ann_file='ImageSets/Segmentation/train.txt',
        label_file=path.name)
    assert [ds.get_data_info(i)['label_ids'] for i in range(2)] == [[4],
                                                                    [2, 3]]
    (tiny_voc / 'ImageSets/Segmentation/train.txt').write_text('a\nc\n')
    with pytest.raises(KeyError, match=rf'"c".*labels\.{fmt}'):
        ToyVOCClsDataset(
            data_root=str(tiny_voc),
            ann_file='ImageSets/Segmentation/train.txt',
            label_file=path.name)


def _build(root, ann_file='ImageSets/Segmentation/train.txt'):
    return ToyVOCClsDataset(data_root=str(root), ann_file=ann_file)


def test_missing_root_and_list(tiny_voc, tmp_path):
    with pytest.raises(FileNotFoundError, match='no_such_root'):
        _build(tmp_path / 'no_such_root')
    with pytest.raises(FileNotFoundError, match='nolist.txt'):
        _build(tiny_voc, 'ImageSets/Segmentation/nolist.txt')


def test_missing_image_and_xml(tiny_voc):
    (tiny_voc / 'JPEGImages/b.jpg').unlink()
    with pytest.raises(FileNotFoundError, match=r'b\.jpg'):
        _build(tiny_voc)
    (tiny_voc / 'ImageSets/Segmentation/train.txt').write_text('c\na\n')
    (tiny_voc / 'Annotations/a.xml').unlink()
    with pytest.raises(FileNotFoundError, match=r'a\.xml'):
        _build(tiny_voc)


def test_unknown_class_no_label_bad_xml(tiny_voc):
    xml = tiny_voc / 'Annotations/b.xml'
    xml.write_text(xml.read_text().replace('checks', 'unicorn'))
    with pytest.raises(ValueError, match=r"unicorn.*b\.xml"):
        _build(tiny_voc)
    xml.write_text('<annotation><filename>b.jpg</filename></annotation>')
    with pytest.raises(ValueError, match=r'no label.*b\.xml'):
        _build(tiny_voc)
    xml.write_text('<annotation><object>')
    with pytest.raises(ValueError, match=r'b\.xml'):
        _build(tiny_voc)


def test_irn_npy_label_file(voc_dir, tmp_path):
    """IRN's cls_labels.npy keys 2007_000063 as the integer 2007000063."""
    vec = np.zeros(20, np.float32)
    vec[[DOG, CHAIR]] = 1
    path = tmp_path / 'cls_labels.npy'
    np.save(path, {2007000063: vec})
    ds = VOCClsDataset(
        data_root=str(voc_dir),
        ann_file=_list(tmp_path, '2007_000063'),
        label_file=str(path))
    assert ds.get_data_info(0)['label_ids'] == [CHAIR, DOG]
    np.save(path, {2007000063: vec[:5]})
    with pytest.raises(ValueError, match=r'cls_labels\.npy'):
        VOCClsDataset(
            data_root=str(voc_dir),
            ann_file=_list(tmp_path, '2007_000063'),
            label_file=str(path))
