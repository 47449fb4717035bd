"""tools/visualize_irn.py on a generated toy set and a crafted IRNet checkpoint."""
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from mmengine.config import Config
from PIL import Image

from mmirn.datasets.toy import voc_writer
from mmirn.pseudo import cam_path, save_cams, save_png
from mmirn.registry import MODELS
from mmirn.utils import register_all_modules
from mmirn.visualization import colour_wheel

ROOT = Path(__file__).resolve().parents[2]
IRN_CONFIG = ROOT / 'configs' / 'irn' / 'irn_r18_1xb8-900i_toyvoc-128x128.py'


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope='module')
def setup(tmp_path_factory):
    """Three toy images with CAMs and labels, and an IRNet whose displacement
    field is (dy, dx) = (4, 0) everywhere and whose boundary map is 0.88."""
    tmp = tmp_path_factory.mktemp('vis_irn')
    root = tmp / 'toy'
    voc_writer.generate(str(root), num_train=3, num_val=1, min_size=48,
                        max_size=64, workers=1, verbose=False)
    ids = (root / 'ImageSets' / 'Segmentation' / 'train.txt').read_text().split()
    dirs = {name: tmp / name for name in ('cams', 'sem', 'ins')}
    for img_id in ids:
        h, w = np.array(Image.open(root / 'JPEGImages' / f'{img_id}.jpg')).shape[:2]
        high = np.zeros((1, h, w), np.float32)
        high[0, h // 4:h // 2, w // 4:w // 2] = 1.
        save_cams(cam_path(str(dirs['cams']), img_id), [0], high[:, ::4, ::4], high)
        label = np.zeros((h, w), np.uint8)
        label[h // 4:h // 2, w // 4:w // 2] = 1
        save_png(label, str(dirs['sem'] / f'{img_id}.png'))
        save_png(label, str(dirs['ins'] / f'{img_id}.png'))
    register_all_modules()
    model = MODELS.build(Config.fromfile(str(IRN_CONFIG)).model)
    head = model.decode_head
    for conv in (head.disp_out, head.conv_seg):
        torch.nn.init.zeros_(conv.weight)
        torch.nn.init.zeros_(conv.bias)
    head.conv_seg.bias.data.fill_(2.)
    head.disp_mean.copy_(torch.tensor([-4., 0.]))
    ckpt = tmp / 'irn.pth'
    torch.save(dict(state_dict=model.state_dict(), meta=dict()), ckpt)
    return dict(tmp=tmp, root=root, ids=ids, ckpt=ckpt, **dirs)


def _args(s, out, *extra):
    return [str(IRN_CONFIG), str(s['ckpt']), '--cams', str(s['cams']),
            '--sem-labels', str(s['sem']), '--ins-labels', str(s['ins']),
            '--out', str(out), *extra, '--cfg-options',
            f'test_dataloader.dataset.data_root={s["root"]}']


def test_visualize_irn(setup):
    out = setup['tmp'] / 'report'
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run(
        [sys.executable, str(ROOT / 'tools' / 'visualize_irn.py'),
         *_args(setup, out, '--num', '2', '--tile-size', '40', '--max-norm', '4')],
        env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    ids = setup['ids'][:2]
    assert sorted(os.listdir(out)) == sorted([f'{i}.png' for i in ids] + ['figure9.png'])
    img = np.array(Image.open(setup['root'] / 'JPEGImages' / f'{ids[0]}.jpg'))
    h, w = img.shape[:2]
    panel = np.array(Image.open(out / f'{ids[0]}.png'))
    assert panel.shape[1] == 6 * w + 5 * 2
    title_h = panel.shape[0] - h
    # displacement tile: every vector points down at full length -> the wheel's bottom
    disp = panel[title_h + 1:-1, w + 2 + w + 2 + 1:2 * (w + 2) + w - 1].reshape(-1, 3)
    bottom = colour_wheel(65)[64, 32]
    assert np.abs(disp.astype(int) - bottom).max() <= 30
    # boundary tile: sigmoid(2) = 0.88 everywhere -> dark grey
    bound = panel[title_h + 1:-1, 3 * (w + 2) + 1:3 * (w + 2) + w - 1]
    assert np.abs(bound.astype(int) - 31).max() <= 2
    grid = np.array(Image.open(out / 'figure9.png'))
    assert grid.shape[1] == 6 * 40 + 5 * 2
    assert grid.shape[0] == title_h + 2 * 40 + 2  # title + gap, 2 rows + gap


def test_ids_file_and_missing_inputs(setup, capsys):
    tool = _load('visualize_irn', ROOT / 'tools' / 'visualize_irn.py')
    ids_file = setup['tmp'] / 'ids.txt'
    last = setup['ids'][-1]
    ids_file.write_text(f'{last}\n')
    out = setup['tmp'] / 'one'
    tool.main(_args(setup, out, '--ids', str(ids_file)))
    assert sorted(os.listdir(out)) == ['figure9.png', f'{last}.png']
    # a missing CAM file is named before the model runs
    os.rename(cam_path(str(setup['cams']), last), setup['tmp'] / 'moved.npz')
    try:
        with pytest.raises(SystemExit, match=f'{last}.npz'):
            tool.main(_args(setup, setup['tmp'] / 'none', '--ids', str(ids_file)))
    finally:
        os.rename(setup['tmp'] / 'moved.npz', cam_path(str(setup['cams']), last))
    assert not (setup['tmp'] / 'none').exists()
    ids_file.write_text('no_such_image\n')
    with pytest.raises(SystemExit, match='no_such_image'):
        tool.main(_args(setup, out, '--ids', str(ids_file)))
    # a truncated checkpoint (a training run still writing it) gives a clear error
    bad = setup['tmp'] / 'bad.pth'
    bad.write_bytes(setup['ckpt'].read_bytes()[:1000])
    args = _args(setup, out, '--ids', str(setup['tmp'] / 'ids2.txt'))
    (setup['tmp'] / 'ids2.txt').write_text(f'{last}\n')
    args[1] = str(bad)
    with pytest.raises(SystemExit, match='cannot load .*bad.pth'):
        tool.main(args)


def test_vis_dir_sends_panels_to_backends(setup):
    """--vis-dir: the same panels also reach the config's LocalVisBackend."""
    tool = _load('visualize_irn', ROOT / 'tools' / 'visualize_irn.py')
    ids_file = setup['tmp'] / 'ids_vis.txt'
    first = setup['ids'][0]
    ids_file.write_text(f'{first}\n')
    out, vis_dir = setup['tmp'] / 'out_vis', setup['tmp'] / 'vis'
    tool.main(_args(setup, out, '--ids', str(ids_file), '--vis-dir', str(vis_dir)))
    assert sorted(os.listdir(out)) == ['figure9.png', f'{first}.png']
    images = vis_dir / 'vis_data' / 'vis_image'
    assert sorted(os.listdir(images)) == sorted([f'{first}_0.png', 'figure9_0.png'])
    for name, local in ((first, f'{first}_0.png'), ('figure9', 'figure9_0.png')):
        np.testing.assert_array_equal(np.array(Image.open(images / local)),
                                      np.array(Image.open(out / f'{name}.png')))
