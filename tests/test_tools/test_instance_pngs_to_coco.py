# Copyright (c) mmirn contributors. All rights reserved.
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pycocotools.mask as mask_util
from PIL import Image
from pycocotools.coco import COCO

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / 'tools' / 'dataset_converters' / 'instance_pngs_to_coco.py'
VOC = ROOT / 'tests' / 'data' / 'VOCdevkit' / 'VOC2012'


def _tool():
    spec = importlib.util.spec_from_file_location('ins2coco', SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def save_png(label, path):
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    img = Image.fromarray(label).convert('P')
    img.putpalette([v for i in range(256) for v in (i, 255 - i, i // 2)])
    img.save(path)


def _check_round_trip(coco_dict, inst, sem, image_id=1):
    anns = [a for a in coco_dict['annotations'] if a['image_id'] == image_id]
    ids = [k for k in np.unique(inst) if k not in (0, 255)]
    normal = [a for a in anns if not a['iscrowd']]
    assert len(normal) == len(ids)
    for k, ann in zip(ids, normal):
        mask = mask_util.decode(ann['segmentation']).astype(bool)
        np.testing.assert_array_equal(mask, inst == k)
        ys, xs = np.nonzero(mask)
        assert ann['bbox'] == [xs.min(), ys.min(),
                               xs.max() - xs.min() + 1,
                               ys.max() - ys.min() + 1]
        assert ann['area'] == mask.sum()
        assert ann['category_id'] == np.bincount(sem[mask]).argmax()
    return anns


def test_voc_file_round_trip(tmp_path):
    tool = _tool()
    load_png = tool.load_png
    inst = load_png(str(VOC / 'SegmentationObject' / '2007_000063.png'))
    sem = load_png(str(VOC / 'SegmentationClass' / '2007_000063.png'))
    coco = tool.pngs_to_coco(['2007_000063'],
                             str(VOC / 'SegmentationObject'),
                             str(VOC / 'SegmentationClass'),
                             ignore_as_crowd=True)
    anns = _check_round_trip(coco, inst, sem)
    crowd = [a for a in anns if a['iscrowd']]
    assert len(crowd) == 1 and (inst == 255).any()
    np.testing.assert_array_equal(
        mask_util.decode(crowd[0]['segmentation']).astype(bool), inst == 255)
    # pycocotools' own reader agrees (mmdet's CocoDataset goes through it)
    out = tmp_path / 'ins.json'
    out.write_text(json.dumps(coco))
    api = COCO(str(out))
    for a in api.loadAnns(api.getAnnIds(imgIds=[1], iscrowd=False)):
        k = [x for x in np.unique(inst) if x not in (0, 255)][
            [b['id'] for b in anns if not b['iscrowd']].index(a['id'])]
        np.testing.assert_array_equal(api.annToMask(a).astype(bool),
                                      inst == k)


def test_synthetic_round_trip_and_cli(tmp_path):
    rng = np.random.default_rng(0)
    inst_dir, cls_dir = tmp_path / 'inst', tmp_path / 'cls'
    truth = {}
    for n in range(3):
        inst = np.zeros((37, 53), np.uint8)
        sem = np.zeros_like(inst)
        for k in range(1, 5):
            y, x = rng.integers(0, 30), rng.integers(0, 45)
            h, w = rng.integers(2, 8), rng.integers(2, 9)
            inst[y:y + h, x:x + w] = k
            sem[y:y + h, x:x + w] = rng.integers(1, 21)
        inst[0, :] = 255  # an ignore line
        sem[inst == 0] = 0
        sem[inst == 255] = 255
        # an instance id whose pixels were all overwritten never shows up
        save_png(inst, str(inst_dir / f'im{n}.png'))
        save_png(sem, str(cls_dir / f'im{n}.png'))
        truth[n + 1] = (inst, sem)
    out = tmp_path / 'out.json'
    proc = subprocess.run([
        sys.executable, str(SCRIPT), str(tmp_path), '--instance-dir', 'inst',
        '--class-dir', 'cls', '--out', str(out)
    ], check=True, cwd=ROOT, env={'PYTHONPATH': str(ROOT), 'PATH': ''},
        capture_output=True, text=True)
    assert '3/3' in proc.stdout and 'ETA' in proc.stdout  # mmengine's progress bar
    coco = json.loads(out.read_text())
    load_png = _tool().load_png
    for image_id, (inst, sem) in truth.items():  # the PNGs hold the indices
        n = image_id - 1
        np.testing.assert_array_equal(load_png(str(inst_dir / f'im{n}.png')), inst)
    assert [im['file_name'] for im in coco['images']] == [
        'im0.jpg', 'im1.jpg', 'im2.jpg']
    assert len(coco['categories']) == 20
    assert len({a['id'] for a in coco['annotations']}) == len(
        coco['annotations'])
    for image_id, (inst, sem) in truth.items():
        anns = _check_round_trip(coco, inst, sem, image_id)
        assert not any(a['iscrowd'] for a in anns)  # no --ignore-as-crowd
