# Copyright (c) mmirn contributors. All rights reserved.
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

pytest.importorskip('pycocotools')
from pycocotools import mask as mask_utils  # noqa: E402
from pycocotools.coco import COCO  # noqa: E402

from mmirn.datasets.toy import coco_writer as toy  # noqa: E402
from mmirn.datasets.toy import voc_writer  # noqa: E402

SCRIPT = (Path(__file__).resolve().parents[2] / 'tools' /
          'dataset_converters' / 'make_toy_coco.py')
SMALL = dict(num_train=12, num_val=4, seed=1, min_size=64, max_size=96)


@pytest.fixture(scope='module')
def root(tmp_path_factory):
    out = tmp_path_factory.mktemp('toy_coco')
    toy.generate(str(out), verbose=False, **SMALL)
    return out


def test_progress(tmp_path, capsys):
    toy.generate(str(tmp_path), num_train=2, num_val=1, min_size=32, max_size=32)
    out = capsys.readouterr().out
    # one progress bar a split, then its counts
    assert '2/2' in out and '1/1' in out and 'ETA' in out
    assert "train2014: {'images': 2" in out


def test_layout_and_json(root):
    assert len(toy.CLASSES) == 15 and len(set(toy.CLASSES)) == 15
    # texture (a VOC toy class) and ink of each class, in the class order
    assert [f'{t}_{ink}' for ink in toy.INKS for t in voc_writer.CLASSES
            ] == list(toy.CLASSES)
    assert [toy.INKS[c.rsplit('_', 1)[1]] for c in toy.CLASSES] == [
        ink for _, ink in toy.CUES]
    coco = COCO(str(root / 'annotations' / 'instances_train2014.json'))
    assert sorted(coco.getCatIds()) == list(range(1, 16))
    img_ids = coco.getImgIds()
    assert len(img_ids) == SMALL['num_train']
    empty = [i for i in img_ids if not coco.getAnnIds(imgIds=i)]
    assert len(empty) == 1  # index 9
    crowds = coco.getAnnIds(iscrowd=True)
    assert len(crowds) >= 1
    used = set()
    for info in coco.loadImgs(img_ids):
        img = Image.open(root / 'train2014' / info['file_name'])
        assert img.size == (info['width'], info['height'])
        anns = coco.loadAnns(coco.getAnnIds(imgIds=info['id']))
        union = np.zeros((info['height'], info['width']), bool)
        for ann in anns:
            m = coco.annToMask(ann).astype(bool)
            assert m.sum() == ann['area'] > 0
            assert not (m & union).any()  # instances do not overlap
            union |= m
            x, y, w, h = ann['bbox']
            ys, xs = np.nonzero(m)
            assert (xs.min(), ys.min()) == (x, y)
            assert (xs.max() + 1 - x, ys.max() + 1 - y) == (w, h)
            used.add(ann['category_id'])
        # the crowd, when there is one, is the image's last instance
        flags = [a['iscrowd'] for a in anns]
        assert sum(flags) <= 1 and (not any(flags) or flags[-1] == 1)
    assert len(used) >= 8  # many classes, several per image
    per_image = [len({a['category_id'] for a in coco.loadAnns(
        coco.getAnnIds(imgIds=i))}) for i in img_ids]
    assert max(per_image) >= 2


def test_textures_follow_the_classes(root):
    """A class's ink colour shows up inside its masks (the cue is drawn)."""
    coco = COCO(str(root / 'annotations' / 'instances_train2014.json'))
    hits = 0
    for ann in coco.loadAnns(coco.getAnnIds(iscrowd=False)):
        info = coco.loadImgs(ann['image_id'])[0]
        img = np.asarray(Image.open(root / 'train2014' / info['file_name']),
                         np.float32) / 255
        m = coco.annToMask(ann).astype(bool)
        ink = np.array(toy.INKS[toy.CLASSES[ann['category_id'] - 1]
                                .rsplit('_', 1)[1]])
        close = np.linalg.norm(img[m] - ink * 0.9, axis=1) < 0.3
        hits += close.mean() > 0.02
    assert hits >= 0.8 * len(coco.getAnnIds(iscrowd=False))


def test_deterministic_and_rerun(root, tmp_path):
    again = toy.generate(str(tmp_path), verbose=False, **SMALL)
    for split in toy.SPLITS:
        a = json.loads((root / 'annotations' /
                        f'instances_{split}.json').read_text())
        b = json.loads((tmp_path / 'annotations' /
                        f'instances_{split}.json').read_text())
        assert a == b
    # a complete output is not rewritten
    meta = tmp_path / 'toy_meta.json'
    stamp = meta.stat().st_mtime_ns
    assert toy.generate(str(tmp_path), verbose=False, **SMALL) == again
    assert meta.stat().st_mtime_ns == stamp
    rle = a['annotations'][0]['segmentation']
    assert isinstance(rle['counts'], str)
    assert mask_utils.area(dict(size=rle['size'],
                                counts=rle['counts'].encode())) > 0


def test_cli(tmp_path):
    cmd = [sys.executable, str(SCRIPT), str(tmp_path), '--num-train', '3',
           '--num-val', '1', '--min-size', '48', '--max-size', '48',
           '--seed', '2']
    out = subprocess.run(cmd, capture_output=True, text=True,
                         check=True).stdout
    assert '3/3' in out and "val2014: {'images': 1" in out
    meta = json.loads((tmp_path / 'toy_meta.json').read_text())
    assert meta['params']['seed'] == 2 and meta['params']['num_train'] == 3
    assert len(list((tmp_path / 'train2014').iterdir())) == 3
