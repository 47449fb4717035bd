"""tools/mine_affinity_labels.py: writes label PNGs and resumes."""
import importlib.util
from pathlib import Path

import mmcv
import numpy as np

from mmirn.pseudo.cam_io import save_cams
from mmirn.pseudo.semantic import load_png

TOOL = Path(__file__).resolve().parents[2] / 'tools' / 'mine_affinity_labels.py'


def _tool():
    spec = importlib.util.spec_from_file_location('mine_affinity_labels', TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_mines_and_resumes(tmp_path):
    img_dir, cam_dir, out_dir = tmp_path / 'img', tmp_path / 'cam', tmp_path / 'out'
    img_dir.mkdir()
    for i, img_id in enumerate(['a', 'b']):
        mmcv.imwrite(np.full((16, 24, 3), 100, np.uint8), str(img_dir / f'{img_id}.jpg'))
        high = np.zeros((1, 16, 24), np.float32)
        high[0, 4:12, 4:12] = 0.9
        high[0, 2:14, 2:14] = np.maximum(high[0, 2:14, 2:14], 0.1)
        save_cams(str(cam_dir / f'{img_id}.npz'), [i], high[:, ::4, ::4], high)
    tool = _tool()
    tool.main([str(img_dir), str(cam_dir), str(out_dir), '--no-crf'])
    label = load_png(str(out_dir / 'b.png'))
    assert label[8, 8] == 2 and label[0, 0] == 0 and label[3, 3] == 255
    # finished images are skipped
    (out_dir / 'a.png').write_bytes(b'kept')
    tool.main([str(img_dir), str(cam_dir), str(out_dir), '--no-crf'])
    assert (out_dir / 'a.png').read_bytes() == b'kept'


def test_thresholds_set_the_powers(tmp_path):
    img_dir, cam_dir = tmp_path / 'img', tmp_path / 'cam'
    img_dir.mkdir()
    mmcv.imwrite(np.full((16, 24, 3), 100, np.uint8), str(img_dir / 'a.jpg'))
    high = np.zeros((1, 16, 24), np.float32)
    high[0, 2:14, 2:14] = 0.1  # rim: neutral at PSA's 4 / 32
    high[0, 4:12, 4:12] = 0.6  # core: foreground at PSA's 4
    save_cams(str(cam_dir / 'a.npz'), [0], high[:, ::4, ::4], high)
    tool = _tool()
    tool.main([str(img_dir), str(cam_dir), str(tmp_path / 'psa'), '--no-crf'])
    label = load_png(str(tmp_path / 'psa' / 'a.png'))
    assert label[8, 8] == 1 and label[3, 3] == 255
    tool.main([str(img_dir), str(cam_dir), str(tmp_path / 'thr'), '--no-crf',
               '--fg-thr', '0.7', '--bg-thr', '0.3'])
    label = load_png(str(tmp_path / 'thr' / 'a.png'))
    assert label[8, 8] == 255 and label[3, 3] == 0 and label[0, 0] == 0
