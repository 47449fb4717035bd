"""tools/mine_relations.py on crafted CAM files."""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from mmirn.pseudo import cam_path, save_cams

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


@pytest.mark.parametrize('crf', [False, True])
def test_mine_relations(tmp_path, crf):
    if crf:
        pytest.importorskip('pydensecrf.densecrf')
    img_dir, cam_dir = _craft(tmp_path)
    out = tmp_path / 'rel'
    args = [str(img_dir), str(cam_dir), str(out)] + ([] if crf else ['--no-crf'])
    log = _run('mine_relations.py', *args)
    assert '3 written' in log
    assert '3/3' in log and 'ETA' in log  # mmengine's progress bar
    for i in range(3):
        label = np.array(Image.open(out / f'im{i}.png'))
        assert label.shape == (32, 48) and label.dtype == np.uint8
        assert (label[10:22, 10:22] == i + 1).all()
        assert (label[:4] == 0).all()
        if not crf:  # the CRF may smooth the thin unsure strip away
            assert (label[8:24, 31:33] == 255).all()
    # resumable: a second run finds everything done
    assert '0 written, 3 already done' in _run('mine_relations.py', *args)


def test_mine_relations_id_list_and_workers(tmp_path):
    img_dir, cam_dir = _craft(tmp_path, num=4)
    ids = tmp_path / 'ids.txt'
    ids.write_text('im1\nim3\n')
    out = tmp_path / 'rel'
    _run('mine_relations.py', str(img_dir), str(cam_dir), str(out), '--no-crf',
         '--ids', str(ids), '--workers', '2')
    assert sorted(os.listdir(out)) == ['im1.png', 'im3.png']

