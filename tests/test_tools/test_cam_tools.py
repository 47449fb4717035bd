"""tools/visualize_cams.py on crafted CAM files."""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image

from mmirn.pseudo import (cam_path, load_cams, mine_relation_labels,
                          save_cams, save_label_png)

ROOT = Path(__file__).resolve().parents[2]


def _craft(tmp_path, num=3):
    img_dir, cam_dir = tmp_path / 'img', tmp_path / 'cams'
    img_dir.mkdir()
    for i in range(num):
        img = np.full((32, 48, 3), 100, dtype=np.uint8)
        img[8:24, 8:24] = (230, 40, 40)
        Image.fromarray(img).save(img_dir / f'im{i}.jpg', quality=100)
        high = np.zeros((1, 32, 48), dtype=np.float32)
        high[0, 8:24, 8:24] = 1.0  # confident class `i`
        high[0, 6:26, 30:34] = 0.2  # unsure
        save_cams(cam_path(str(cam_dir), f'im{i}'), [i], high[:, ::4, ::4],
                  high)
    return img_dir, cam_dir


def _run(script, *args):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, str(ROOT / 'tools' / script), *args],
                          env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


def _relations(cam_dir, rel):
    """Relation label PNGs of the crafted CAMs (no CRF)."""
    for path in sorted(cam_dir.glob('*.npz')):
        cams = load_cams(str(path))
        label = mine_relation_labels(None, cams['keys'], cams['high_res'],
                                     crf_cfg=dict(enabled=False))
        save_label_png(str(rel / f'{path.stem}.png'), label)


def test_visualize_cams(tmp_path):
    img_dir, cam_dir = _craft(tmp_path, num=2)
    rel = tmp_path / 'rel'
    _relations(cam_dir, rel)
    out = tmp_path / 'panels'
    _run('visualize_cams.py', str(img_dir), str(cam_dir), str(out),
         '--relation-dir', str(rel), '--classes', 'a', 'b')
    assert sorted(os.listdir(out)) == ['im0.png', 'im1.png']
    panel = np.array(Image.open(out / 'im0.png'))
    # image | CAM | relations, each 48 wide, with a caption strip on top
    assert panel.shape[1] == 3 * 48 and panel.shape[0] > 32
    top = panel.shape[0] - 32
    # jet red (128, 0, 0) half over the (JPEG) red square (230, 40, 40)
    assert np.abs(panel[top + 16, 48 + 16].astype(int) - (179, 20, 20)).max() <= 3
    # --vis-dir: the same panels reach the LocalVisBackend of --config's visualizer
    out2, vis_dir = tmp_path / 'panels2', tmp_path / 'vis'
    _run('visualize_cams.py', str(img_dir), str(cam_dir), str(out2),
         '--relation-dir', str(rel), '--classes', 'a', 'b', '--config',
         str(ROOT / 'configs' / '_base_' / 'default_runtime.py'), '--vis-dir', str(vis_dir))
    assert sorted(os.listdir(out2)) == ['im0.png', 'im1.png']
    local = vis_dir / 'vis_data' / 'vis_image' / 'im0_0.png'
    np.testing.assert_array_equal(np.array(Image.open(local)), panel)
    np.testing.assert_array_equal(np.array(Image.open(out2 / 'im0.png')), panel)
