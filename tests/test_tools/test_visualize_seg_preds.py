# Copyright (c) mmirn contributors. All rights reserved.
"""tools/visualize_seg_preds.py: image | GT | each model's predictions, per image and
in one grid; a missing or mis-sized prediction is named."""
import shutil
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / 'tools' / 'visualize_seg_preds.py'


@pytest.fixture(scope='module')
def toy(tmp_path_factory):
    root = tmp_path_factory.mktemp('vis') / 'toy_voc'
    subprocess.run([
        sys.executable, str(ROOT / 'tools' / 'dataset_converters' / 'make_toy_voc.py'),
        str(root), '--num-train', '2', '--num-val', '3', '--min-size', '64',
        '--max-size', '72', '--workers', '1'
    ], check=True, capture_output=True, cwd=ROOT)
    return root


def _run(*args):
    return subprocess.run([sys.executable, str(TOOL), *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_draws_a_column_per_model(toy, tmp_path):
    blank = tmp_path / 'blank'
    blank.mkdir()
    for p in (toy / 'SegmentationClass').glob('val_*.png'):
        Image.fromarray(np.zeros_like(np.array(Image.open(p)))).save(blank / p.name)
    out = _run(toy, '--preds', f'GT-copy={toy / "SegmentationClass"}', f'blank={blank}',
               '--out', tmp_path / 'out', '--grid-rows', '2')
    assert out.returncode == 0, out.stderr[-2000:]
    ids = (toy / 'ImageSets' / 'Segmentation' / 'val.txt').read_text().split()
    assert sorted(p.stem for p in (tmp_path / 'out').glob('val_*.png')) == sorted(ids)
    panel = cv2.imread(str(tmp_path / 'out' / f'{ids[0]}.png'))[..., ::-1]
    # 4 tiles side by side: image, GT, GT-copy, blank (black: all background)
    gt_tile = np.array(Image.open(toy / 'SegmentationClass' / f'{ids[0]}.png'))
    assert panel.shape[1] >= 4 * gt_tile.shape[1]
    grid = cv2.imread(str(tmp_path / 'out' / 'seg_preds.png'))
    assert grid.shape[0] > panel.shape[0]  # two rows under the titles


def test_names_the_missing_prediction(toy, tmp_path):
    part = tmp_path / 'part'
    shutil.copytree(toy / 'SegmentationClass', part)
    ids = (toy / 'ImageSets' / 'Segmentation' / 'val.txt').read_text().split()
    (part / f'{ids[1]}.png').unlink()
    out = _run(toy, '--preds', f'IRN={part}', '--out', tmp_path / 'out')
    assert out.returncode != 0
    assert f'{part / ids[1]}.png is missing' in out.stderr
    out = _run(toy, '--preds', str(part), '--out', tmp_path / 'out')
    assert out.returncode != 0 and 'wants NAME=DIR' in out.stderr
    small = tmp_path / 'small'
    small.mkdir()
    for i in ids:
        Image.fromarray(np.zeros((5, 5), np.uint8)).save(small / f'{i}.png')
    out = _run(toy, '--preds', f'IRN={small}', '--out', tmp_path / 'out')
    assert out.returncode != 0 and 'is 5x5, its image' in out.stderr
