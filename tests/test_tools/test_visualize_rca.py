"""tools/visualize_rca.py: the RCA panel on a generated toy set and a crafted RCA model."""
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.runner.checkpoint import save_checkpoint
from PIL import Image

from mmirn.datasets.toy import voc_writer
from mmirn.pseudo import cam_path, save_cams, save_png
from mmirn.pseudo.semantic import voc_palette
from mmirn.registry import MODELS
from mmirn.utils import register_all_modules
from mmirn.visualization import RCA_COLUMNS, WSSSVisualizer

ROOT = Path(__file__).resolve().parents[2]
RCA_CONFIG = ROOT / 'configs' / 'rca' / 'rca_r18_1xb8-30e_toyvoc-128x128.py'
CAM_CONFIG = ROOT / 'configs' / 'cam' / 'cam_r18_1xb8-30e_toyvoc-128x128.py'


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope='module')
def setup(tmp_path_factory):
    """Three toy images with square CAMs and labels, and the toy RCA model with
    a filled bank and its K-means centroids."""
    tmp = tmp_path_factory.mktemp('vis_rca')
    root = tmp / 'toy'
    voc_writer.generate(str(root), num_train=3, num_val=1, min_size=48, max_size=64,
                        workers=1, verbose=False)
    ids = (root / 'ImageSets' / 'Segmentation' / 'train.txt').read_text().split()
    cams, labels = tmp / 'cams', tmp / 'labels'
    for img_id in ids:
        h, w = np.array(Image.open(root / 'JPEGImages' / f'{img_id}.jpg')).shape[:2]
        high = np.zeros((1, h, w), np.float32)
        high[0, h // 4:h // 2, w // 4:w // 2] = 1.
        save_cams(cam_path(str(cams), img_id), [0], high[:, ::4, ::4], high)
        label = np.zeros((h, w), np.uint8)
        label[h // 4:h // 2, w // 4:w // 2] = 1
        save_png(label, str(labels / f'{img_id}.png'))
    register_all_modules()
    model = MODELS.build(Config.fromfile(str(RCA_CONFIG)).model)
    memory = model.cam_head.memory
    torch.manual_seed(0)
    memory.bank.normal_()
    memory.num_filled.fill_(memory.bank.shape[1])
    model.cam_head.aggregation.recompute(memory)
    ckpt = tmp / 'rca.pth'
    save_checkpoint(dict(meta=dict(), state_dict=model.state_dict()), str(ckpt))
    return dict(tmp=tmp, root=root, ids=ids, ckpt=ckpt, cams=cams, labels=labels)


def _args(s, out, *extra, config=RCA_CONFIG):
    return [str(config), str(s['ckpt']), '--cams', str(s['cams']), '--labels',
            str(s['labels']), '--out', str(out), '--device', 'cpu', *extra,
            '--cfg-options', f'test_dataloader.dataset.data_root={s["root"]}']


def test_draw_centroid_attention():
    """Each pixel takes the colour of the class of its strongest centroid,
    shaded by the centroid's index; zero attention leaves the image."""
    k = 2
    att = np.zeros((2 * k, 2, 3), np.float32)
    att[1, :, 0] = 1.  # class 0, centroid 1 (full shade)
    att[2, :, 1] = -3.  # class 1, centroid 0 (3/4 shade): magnitude counts
    att[3, :, 1] = 2.
    vis = WSSSVisualizer()
    img = np.full((2, 3, 3), 9, np.uint8)
    vis.set_image(img)
    out = vis.draw_centroid_attention(att, k, alpha=1.).get_image()
    pal = voc_palette()
    np.testing.assert_array_equal(out[:, 0], np.stack([pal[1]] * 2))
    np.testing.assert_array_equal(
        out[:, 1], np.stack([(pal[2] * 0.75).astype(np.uint8)] * 2))
    np.testing.assert_array_equal(out[:, 2], img[:, 2])


def test_visualize_rca(setup, tmp_path):
    tool = _load('visualize_rca', ROOT / 'tools' / 'visualize_rca.py')
    out = tmp_path / 'report'
    tool.main(_args(setup, out, '--num', '2', '--tile-size', '32'))
    for img_id in setup['ids'][:2]:
        panel = np.array(Image.open(out / f'{img_id}.png'))
        w = np.array(Image.open(setup['root'] / 'JPEGImages' / f'{img_id}.jpg')).shape[1]
        # five tiles of the image's width and four 2-pixel gaps
        assert panel.shape[1] == len(RCA_COLUMNS) * w + 2 * 4
    assert not (out / f'{setup["ids"][2]}.png').exists()
    grid = np.array(Image.open(out / 'rca_panel.png'))
    assert grid.shape[1] == len(RCA_COLUMNS) * 32 + 2 * 4

    # the tiles: the stored CAMs (through LoadCAMs), the model's, its attention
    args = tool.parse_args(_args(setup, out))
    cfg = tool.load_tool_config(args)
    cfg.model.labeler = None
    dataset = tool.build_dataset(cfg, str(setup['cams']))
    model = tool.build_model(cfg, str(setup['ckpt']), 'cpu', 'test')
    vis = WSSSVisualizer()
    tiles = tool.draw_one(vis, model, dataset, 0, str(setup['labels']))
    img = tiles[0]
    h, w = img.shape[:2]
    square = np.zeros((h, w), np.float32)
    square[h // 4:h // 2, w // 4:w // 2] = 1.
    np.testing.assert_array_equal(tiles[1], vis._drawn(img, 'draw_cams', square))
    assert not np.array_equal(tiles[2], tiles[1])  # RCA's own CAMs
    assert (tiles[3] != img).any(axis=-1).mean() > 0.9  # centroids everywhere
    label = (square > 0).astype(np.int64)
    np.testing.assert_array_equal(
        tiles[4], vis._drawn(np.full_like(img, 255), 'draw_sem_seg', label))


def test_missing_labels_and_wrong_model(setup, tmp_path):
    tool = _load('visualize_rca', ROOT / 'tools' / 'visualize_rca.py')
    missing = setup['labels'] / f'{setup["ids"][1]}.png'
    kept = missing.read_bytes()
    missing.unlink()
    try:
        with pytest.raises(SystemExit, match=f'{setup["ids"][1]}.png'):
            tool.main(_args(setup, tmp_path / 'a', '--num', '2'))
    finally:
        missing.write_bytes(kept)
    register_all_modules()
    cam = MODELS.build(Config.fromfile(str(CAM_CONFIG)).model)
    ckpt = tmp_path / 'cam.pth'
    save_checkpoint(dict(meta=dict(), state_dict=cam.state_dict()), str(ckpt))
    args = _args(dict(setup, ckpt=ckpt), tmp_path / 'b', config=CAM_CONFIG)
    with pytest.raises(SystemExit, match='not an RCA classifier'):
        tool.main(args)
