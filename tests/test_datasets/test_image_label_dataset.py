import numpy as np
import pytest
from PIL import Image

from mmirn.datasets import ImageLabelDataset


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / 'custom'
    (root / 'imgs').mkdir(parents=True)
    for name in ('cat_01.jpg', 'street_07.png', 'dog.jpeg'):
        Image.fromarray(np.zeros((8, 10, 3), np.uint8)).save(root / 'imgs' /
                                                             name)
    (root / 'classes.txt').write_text('cat\ndog\nperson\ncar\n')
    (root / 'labels.txt').write_text(
        '# name classes\ncat_01.jpg cat\n\nstreet_07 person car\n'
        'dog dog\n')
    return root


def _build(root, **kwargs):
    kwargs.setdefault('classes_file', 'classes.txt')
    return ImageLabelDataset(
        data_root=str(root), img_dir='imgs', label_file='labels.txt', **kwargs)


def test_load(folder):
    ds = _build(folder)
    assert ds.metainfo['classes'] == ('background', 'cat', 'dog', 'person',
                                      'car')
    assert len(ds) == 3
    infos = [ds.get_data_info(i) for i in range(3)]
    assert [i['img_id'] for i in infos] == ['cat_01', 'street_07', 'dog']
    # the extension is optional: street_07 -> .png, dog -> .jpeg
    assert infos[1]['img_path'] == str(folder / 'imgs/street_07.png')
    assert infos[2]['img_path'] == str(folder / 'imgs/dog.jpeg')
    assert [i['label_ids'] for i in infos] == [[0], [2, 3], [1]]
    np.testing.assert_array_equal(infos[1]['gt_label'], [0, 0, 1, 1])
    assert infos[1]['gt_label'].dtype == np.float32
    # classes from the metainfo instead of a file; background put first
    ds = _build(
        folder,
        classes_file=None,
        metainfo=dict(classes=('car', 'person', 'dog', 'cat')))
    assert ds.metainfo['classes'][0] == 'background'
    assert ds.get_data_info(1)['label_ids'] == [0, 1]


def test_seg_map_dir(folder):
    ds = _build(folder, seg_map_dir='masks')
    assert ds.get_data_info(1)['seg_map_path'] == str(
        folder / 'masks/street_07.png')


def test_bad_lines(folder):
    labels = folder / 'labels.txt'
    labels.write_text('cat_01 cat\nstreet_07 person bus\n')
    with pytest.raises(ValueError, match=r'labels\.txt, line 2.*bus'):
        _build(folder)
    labels.write_text('cat_01 cat\n\nstreet_07\n')
    with pytest.raises(ValueError, match=r'labels\.txt, line 3.*no label'):
        _build(folder)
    labels.write_text('cat_01 cat\nghost.jpg cat\n')
    with pytest.raises(FileNotFoundError,
                       match=r'labels\.txt, line 2.*ghost\.jpg'):
        _build(folder)
    labels.write_text('# nothing\n')
    with pytest.raises(ValueError, match=r'labels\.txt'):
        _build(folder)


def test_missing_files(folder, tmp_path):
    with pytest.raises(FileNotFoundError, match='nowhere'):
        _build(tmp_path / 'nowhere')
    with pytest.raises(FileNotFoundError, match='no_classes.txt'):
        _build(folder, classes_file='no_classes.txt')
    with pytest.raises(ValueError, match='classes'):
        _build(folder, classes_file=None)
    (folder / 'labels.txt').unlink()
    with pytest.raises(FileNotFoundError, match=r'labels\.txt'):
        _build(folder)
