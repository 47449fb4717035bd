# Copyright (c) mmirn contributors. All rights reserved.
import json
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from mmirn.datasets import ToyVOCClsDataset
from mmirn.datasets.toy import make_sample
from mmirn.datasets.toy import voc_writer as toy
from mmirn.datasets.toy.scene import CUE_FRACTION_RANGE
from mmirn.datasets.toy.textures import CUE_COLOURS, cue_texture
from mmirn.pseudo import voc_palette

SCRIPT = (Path(__file__).resolve().parents[2] / 'tools' /
          'dataset_converters' / 'make_toy_voc.py')
SMALL = dict(num_train=4, num_val=2, seed=3, min_size=64, max_size=96)


@pytest.fixture(scope='module')
def small_root(tmp_path_factory):
    root = tmp_path_factory.mktemp('toy') / 'VOC2012'
    assert toy.generate(str(root), workers=1, verbose=False, **SMALL)
    return root


def test_progress(tmp_path, capsys):
    toy.generate(str(tmp_path / 'VOC2012'), workers=1, num_train=2, num_val=1,
                 min_size=32, max_size=32)
    out = capsys.readouterr().out
    assert '3/3' in out and 'ETA' in out  # mmengine's progress bar
    toy.generate(str(tmp_path / 'quiet'), workers=1, verbose=False, num_train=1,
                 num_val=1, min_size=32, max_size=32)
    assert capsys.readouterr().out == ''


def _names(root, split):
    text = (root / 'ImageSets' / 'Segmentation' / f'{split}.txt').read_text()
    return text.split()


def _objects(root, name):
    tree = ET.parse(root / 'Annotations' / f'{name}.xml').getroot()
    out = []
    for node in tree.findall('object'):
        box = node.find('bndbox')
        out.append((node.find('name').text,
                    tuple(int(box.find(k).text)
                          for k in ('xmin', 'ymin', 'xmax', 'ymax'))))
    return tree, out


def test_classes_from_the_dataset():
    assert toy.CLASSES == ToyVOCClsDataset.METAINFO['classes'][1:]
    # one texture and ink a class, in the class order
    assert [name for name, _ in toy.CUES] == list(toy.CLASSES)
    assert [ink for _, ink in toy.CUES] == [
        CUE_COLOURS[name] for name in toy.CLASSES]


def test_layout_and_formats(small_root):
    root = small_root
    assert (root / 'classes.txt').read_text().split() == list(toy.CLASSES)
    assert toy.CLASSES == ('stripes', 'checks', 'dots', 'rings', 'zigzag')
    train, val = _names(root, 'train'), _names(root, 'val')
    assert len(train) == 4 and len(val) == 2 and not set(train) & set(val)
    assert _names(root, 'trainval') == train + val
    main = (root / 'ImageSets' / 'Main' / 'train.txt').read_text().split()
    assert main == train
    stems = {p.stem for p in (root / 'JPEGImages').iterdir()}
    assert stems == set(train + val)
    for sub in ('SegmentationClass', 'SegmentationObject', 'Annotations'):
        assert {p.stem for p in (root / sub).iterdir()} == stems
    assert not list(root.rglob('*.tmp*'))
    palette = voc_palette().reshape(-1).tolist()
    for name in train + val:
        img = Image.open(root / 'JPEGImages' / f'{name}.jpg')
        assert img.format == 'JPEG' and img.mode == 'RGB'
        w, h = img.size
        assert 64 <= w <= 96 and 64 <= h <= 96
        for sub in ('SegmentationClass', 'SegmentationObject'):
            png = Image.open(root / sub / f'{name}.png')
            assert png.format == 'PNG' and png.mode == 'P'
            assert png.size == (w, h)
            assert png.getpalette()[:768] == palette
        sem = np.asarray(Image.open(root / 'SegmentationClass' / f'{name}.png'))
        assert set(np.unique(sem)) <= set(range(len(toy.CLASSES) + 1))
        tree, objects = _objects(root, name)
        assert tree.find('filename').text == f'{name}.jpg'
        size = tree.find('size')
        assert (int(size.find('width').text), int(size.find('height').text),
                int(size.find('depth').text)) == (w, h, 3)
        assert 2 <= len(objects) <= 5
        assert 1 <= len({cls for cls, _ in objects}) <= 3
        for node in tree.findall('object'):
            assert node.find('pose').text == 'Unspecified'
            assert node.find('difficult').text == '0'
    # Main per-class lists agree with the XML objects.
    lines = (root / 'ImageSets' / 'Main' / 'dots_train.txt').read_text()
    for line in lines.splitlines():
        name, flag = line.split()
        present = 'dots' in {cls for cls, _ in _objects(root, name)[1]}
        assert int(flag) == (1 if present else -1)
    meta = json.loads((root / 'toy_meta.json').read_text())
    assert meta['num_train'] == 4 and meta['seed'] == 3


def test_xml_consistent_with_masks(small_root):
    root = small_root
    for name in _names(root, 'trainval'):
        sem = np.asarray(Image.open(root / 'SegmentationClass' / f'{name}.png'))
        inst = np.asarray(
            Image.open(root / 'SegmentationObject' / f'{name}.png'))
        _, objects = _objects(root, name)
        assert sorted(np.unique(inst)) == list(range(len(objects) + 1))
        np.testing.assert_array_equal(sem > 0, inst > 0)
        for k, (cls, box) in enumerate(objects, 1):
            ys, xs = np.nonzero(inst == k)
            # One class per instance, and it is the XML object's class.
            assert set(np.unique(sem[inst == k])) == {
                toy.CLASSES.index(cls) + 1}
            # 1-based inclusive boxes from the visible mask, like VOC.
            assert box == (xs.min() + 1, ys.min() + 1, xs.max() + 1,
                           ys.max() + 1)


def test_deterministic(tmp_path, small_root):
    # Another process count must give byte-identical files.
    other = tmp_path / 'again'
    toy.generate(str(other), workers=2, verbose=False, **SMALL)
    files = sorted(p.relative_to(small_root) for p in small_root.rglob('*')
                   if p.is_file())
    assert sorted(p.relative_to(other) for p in other.rglob('*')
                  if p.is_file()) == files
    for rel in files:
        assert (small_root / rel).read_bytes() == (other / rel).read_bytes()
    # A different seed gives different images.
    a = make_sample(toy.CUES, 0, 0, 0, 64, 96)['img']
    b = make_sample(toy.CUES, 1, 0, 0, 64, 96)['img']
    assert a.shape != b.shape or not np.array_equal(a, b)


def _touching_same_class(inst, labels):
    """Pairs of different instances of one class that are 4-adjacent."""
    pairs = set()
    for a, b in ((inst[1:], inst[:-1]), (inst[:, 1:], inst[:, :-1])):
        diff = (a != b) & (a > 0) & (b > 0)
        pairs |= set(zip(a[diff].tolist(), b[diff].tolist()))
    return {(i, j) for i, j in pairs if labels[i - 1] == labels[j - 1]}


def test_touching_same_class_instances():
    found = 0
    for index in range(6):
        sample = make_sample(toy.CUES, 0, 0, index)  # default sizes
        labels = [o['label'] for o in sample['objects']]
        found += bool(_touching_same_class(sample['inst_seg'], labels))
    assert found >= 1
    # The helper itself must see contact (and only same-class contact).
    inst = np.zeros((4, 6), np.uint8)
    inst[1:3, 1:3], inst[1:3, 3:5] = 1, 2
    assert _touching_same_class(inst, [0, 0])
    assert not _touching_same_class(inst, [0, 1])


def test_cue_covers_part_of_each_object():
    lo, hi = CUE_FRACTION_RANGE
    assert 0.2 <= lo and hi <= 0.5
    fractions = []
    for index in range(6):
        sample = make_sample(toy.CUES, 0, 1, index)
        for info in sample['debug']:
            assert lo - 0.01 <= info['cue_fraction'] <= hi + 0.01
            # Occlusion may hide some of the body but never most of the cue.
            assert 0.1 < info['visible_cue_fraction'] < 0.8
            fractions.append(info['cue_fraction'])
        # The cue map lies on its own instance and leaves most of it bare.
        cue, inst = sample['cue_seg'], sample['inst_seg']
        assert ((cue == 0) | (cue == inst)).all()
        for k in range(1, len(sample['objects']) + 1):
            share = (cue == k).sum() / (inst == k).sum()
            assert 0.1 < share < 0.8
    assert len(fractions) >= 12


@pytest.mark.parametrize('cls_name', toy.CLASSES)
def test_cue_textures_are_high_contrast(cls_name):
    rng = np.random.default_rng(0)
    ys, xs = np.mgrid[-16:16, -16:16].astype(np.float32)
    tex = cue_texture(cls_name, rng, ys, xs, period=8.)
    # Mostly saturated ink / no-ink pixels, both present in quantity.
    assert ((tex < 0.05) | (tex > 0.95)).mean() > 0.5
    assert 0.15 < (tex > 0.5).mean() < 0.85
    # Halving the resolution (as the CAM backbone does) keeps the pattern.
    half = tex.reshape(16, 2, 16, 2).mean(axis=(1, 3))
    assert half.std() > 0.2


def test_void_border(tmp_path):
    plain = make_sample(toy.CUES, 0, 0, 1, 64, 96)
    void = make_sample(toy.CUES, 0, 0, 1, 64, 96, void_border=2)
    np.testing.assert_array_equal(plain['img'], void['img'])
    band = void['sem_seg'] == 255
    assert band.any()
    np.testing.assert_array_equal(band, void['inst_seg'] == 255)
    assert ((plain['sem_seg'] == void['sem_seg']) | band).all()
    # The band sits on outlines: every void pixel is near an object.
    assert (plain['inst_seg'][band] > 0).mean() > 0.3


def test_idempotent_rerun(tmp_path):
    root = tmp_path / 'VOC2012'
    args = dict(SMALL, num_train=2, num_val=1)
    assert toy.generate(str(root), workers=1, verbose=False, **args)
    stamp = {p: p.stat().st_mtime_ns for p in root.rglob('*') if p.is_file()}
    start = time.time()
    assert not toy.generate(str(root), workers=1, verbose=False, **args)
    assert time.time() - start < 2
    assert {p: p.stat().st_mtime_ns
            for p in root.rglob('*') if p.is_file()} == stamp
    # A missing file or different arguments make it generate again.
    (root / 'JPEGImages' / 'val_00000.jpg').unlink()
    # the temp file of a killed write is cleaned up
    temp = root / 'JPEGImages' / '.val_00000.jpg.abcd1234.tmp'
    temp.write_bytes(b'half')
    assert toy.generate(str(root), workers=1, verbose=False, **args)
    assert (root / 'JPEGImages' / 'val_00000.jpg').is_file()
    assert not temp.exists()
    assert toy.generate(str(root), workers=1, verbose=False,
                        **dict(args, seed=4))
    assert json.loads((root / 'toy_meta.json').read_text())['seed'] == 4
    # A smaller run leaves no stale images behind.
    assert toy.generate(str(root), workers=1, verbose=False,
                        **dict(args, num_train=1))
    for sub in ('JPEGImages', 'SegmentationClass', 'SegmentationObject',
                'Annotations'):
        assert sorted(p.stem for p in (root / sub).iterdir()) == [
            'train_00000', 'val_00000'
        ]


def test_cli_with_grid(tmp_path):
    root, grid = tmp_path / 'VOC2012', tmp_path / 'grid.png'
    cmd = [sys.executable, str(SCRIPT), str(root), '--num-train', '3',
           '--num-val', '1', '--min-size', '64', '--max-size', '80',
           '--workers', '1', '--grid', str(grid)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True,
                         env=dict(os.environ, PYTHONWARNINGS='ignore'))
    assert '4/4' in out.stdout and 'ETA' in out.stdout  # mmengine's progress bar
    assert len(_names(root, 'train')) == 3
    img = Image.open(grid)
    assert img.format == 'PNG' and img.size[0] > 3 * 64
    again = subprocess.run(cmd, capture_output=True, text=True, check=True)
    assert 'skipping' in again.stdout
