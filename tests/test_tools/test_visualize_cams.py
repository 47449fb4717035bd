"""tools/visualize_cams.py on a crafted VOC-layout set with crafted CAM files."""
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from mmirn.pseudo import cam_path, save_cams, save_png

ROOT = Path(__file__).resolve().parents[2]
CAM_CONFIG = ROOT / 'configs' / 'cam' / 'cam_r18_1xb8-30e_toyvoc-128x128.py'
CLASSES = ('stripes', 'checks', 'dots')


def _craft(tmp_path, num=2):
    """A toy-VOC layout of ``num`` 32 x 48 images (image i: class i, a red square
    at [8:24, 8:24]), their CAMs and relation labels."""
    root = tmp_path / 'data'
    for sub in ('JPEGImages', 'ImageSets/Segmentation'):
        (root / sub).mkdir(parents=True)
    cam_dir, rel_dir = tmp_path / 'cams', tmp_path / 'rel'
    rel_dir.mkdir()
    ids = [f'im{i}' for i in range(num)]
    (root / 'ImageSets/Segmentation/train.txt').write_text('\n'.join(ids) + '\n')
    (root / 'labels.txt').write_text(
        ''.join(f'{img_id} {CLASSES[i]}\n' for i, img_id in enumerate(ids)))
    for i, img_id in enumerate(ids):
        img = np.full((32, 48, 3), 100, dtype=np.uint8)
        img[8:24, 8:24] = (230, 40, 40)
        Image.fromarray(img).save(root / 'JPEGImages' / f'{img_id}.jpg', quality=100)
        high = np.zeros((1, 32, 48), dtype=np.float32)
        high[0, 8:24, 8:24] = 1.0  # confident class `i`
        high[0, 6:26, 30:34] = 0.2  # unsure
        save_cams(cam_path(str(cam_dir), img_id), [i], high[:, ::4, ::4], high)
        rel = np.zeros((32, 48), np.uint8)
        rel[8:24, 8:24] = i + 1
        rel[6:26, 30:34] = 255
        save_png(rel, str(rel_dir / f'{img_id}.png'))
    return root, cam_dir, rel_dir


def _data_options(root):
    return ['--cfg-options', f'test_dataloader.dataset.data_root={root}',
            'test_dataloader.dataset.label_file=labels.txt']


def _load_tool():
    spec = importlib.util.spec_from_file_location(
        'visualize_cams', ROOT / 'tools' / 'visualize_cams.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_visualize_cams(tmp_path):
    root, cam_dir, rel_dir = _craft(tmp_path)
    out = tmp_path / 'panels'
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run(
        [sys.executable, str(ROOT / 'tools' / 'visualize_cams.py'), str(CAM_CONFIG),
         str(out), '--cams', str(cam_dir), '--relation-dir', str(rel_dir),
         '--classes', 'a', 'b', *_data_options(root)],
        env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert sorted(os.listdir(out)) == ['im0.png', 'im1.png']
    panel = np.array(Image.open(out / 'im0.png'))
    # image | CAM | relations, each 48 wide, with a caption strip on top
    assert panel.shape[1] == 3 * 48 and panel.shape[0] > 32
    top = panel.shape[0] - 32
    # jet red (128, 0, 0) half over the (JPEG) red square (230, 40, 40)
    assert np.abs(panel[top + 16, 48 + 16].astype(int) - (179, 20, 20)).max() <= 3
    # the relation tile colours the square (class 1) unlike the background (0)
    rel_tile = panel[top:, 2 * 48:].astype(int)
    assert np.abs(rel_tile[16, 16] - rel_tile[2, 2]).max() > 20

    # --vis-dir: the same panels reach the LocalVisBackend of the config's visualizer
    tool = _load_tool()
    out2, vis_dir = tmp_path / 'panels2', tmp_path / 'vis'
    tool.main([str(CAM_CONFIG), str(out2), '--cams', str(cam_dir), '--relation-dir',
               str(rel_dir), '--classes', 'a', 'b', '--vis-dir', str(vis_dir),
               *_data_options(root)])
    assert sorted(os.listdir(out2)) == ['im0.png', 'im1.png']
    local = vis_dir / 'vis_data' / 'vis_image' / 'im0_0.png'
    np.testing.assert_array_equal(np.array(Image.open(local)), panel)
    np.testing.assert_array_equal(np.array(Image.open(out2 / 'im0.png')), panel)


def test_cam_path_option_ids_and_gt(tmp_path):
    """The CAM folder may come as data_prefix.cam_path (no --cams); --ids picks
    images; --gt-dir adds the ground-truth tile."""
    tool = _load_tool()
    root, cam_dir, rel_dir = _craft(tmp_path, num=3)
    out = tmp_path / 'panels'
    tool.main([str(CAM_CONFIG), str(out), '--ids', 'im2', '--gt-dir', str(rel_dir),
               *_data_options(root),
               f'test_dataloader.dataset.data_prefix.cam_path={cam_dir}'])
    assert os.listdir(out) == ['im2.png']
    # image | CAM | ground truth
    assert np.array(Image.open(out / 'im2.png')).shape[1] == 3 * 48


def test_errors_name_the_problem(tmp_path):
    tool = _load_tool()
    root, cam_dir, _ = _craft(tmp_path)
    out = tmp_path / 'panels'
    # the CAM config's test dataset lists no CAM folder
    with pytest.raises(SystemExit, match='--cams'):
        tool.main([str(CAM_CONFIG), str(out), *_data_options(root)])
    with pytest.raises(SystemExit, match='no_such_image'):
        tool.main([str(CAM_CONFIG), str(out), '--cams', str(cam_dir), '--ids',
                   'no_such_image', *_data_options(root)])
    # a missing CAM file is named by LoadCAMs
    os.remove(cam_path(str(cam_dir), 'im1'))
    with pytest.raises(FileNotFoundError, match='im1.npz'):
        tool.main([str(CAM_CONFIG), str(out), '--cams', str(cam_dir),
                   *_data_options(root)])
