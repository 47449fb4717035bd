"""A checkpoint of another model is an error in tools/test.py (no garbage written)."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope, init_default_scope

from mmirn.registry import MODELS
from mmirn.utils import check_checkpoint_fits

ROOT = Path(__file__).resolve().parents[2]
TOY_CONFIG = ROOT / 'configs/cam/cam_r18_1xb8-30e_toyvoc-128x128.py'


@pytest.fixture(scope='module')
def setup(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('wrong_ckpt')
    data_root = tmp / 'toy_voc'
    subprocess.run([
        sys.executable,
        str(ROOT / 'tools/dataset_converters/make_toy_voc.py'),
        str(data_root), '--num-train', '2', '--num-val', '1', '--min-size', '48',
        '--max-size', '64', '--workers', '1'
    ], check=True, capture_output=True)
    config = tmp / 'cam_tiny.py'
    config.write_text(
        f"_base_ = [{str(TOY_CONFIG)!r}]\n"
        f"test_dataloader = dict(num_workers=0, persistent_workers=False,\n"
        f"    dataset=dict(data_root={str(data_root)!r}))\n"
        "model = dict(backbone=dict(stem_channels=8, base_channels=8),\n"
        "    cam_head=dict(in_channels=64), test_cfg=dict(scales=(1.0, )))\n")
    cfg = Config.fromfile(str(config))
    with DefaultScope.overwrite_default_scope('mmirn'):
        init_default_scope('mmirn')
        model = MODELS.build(cfg.model)
    return tmp, config, model


def test_check_names_missing_and_unexpected_keys(setup, tmp_path):
    _, _, model = setup
    state = {f'module.{k}': v for k, v in model.state_dict().items()}
    good = tmp_path / 'good.pth'
    torch.save(dict(state_dict=state, meta=dict()), good)
    check_checkpoint_fits(model, str(good))  # DDP prefix is fine
    from mmengine.model import BaseTTAModel

    class TTA(BaseTTAModel):
        def merge_preds(self, data_samples_list):
            return data_samples_list

    tta = TTA(module=model)  # tools/test.py --tta: the model inside is checked
    assert set(tta.state_dict()) != set(model.state_dict())
    check_checkpoint_fits(tta, str(good))

    head = [k for k in model.state_dict() if k.startswith('cam_head.')]
    assert head
    bad_state = {k: v for k, v in model.state_dict().items() if k not in head}
    bad_state['edge_head.conv.weight'] = torch.zeros(1)
    bad = tmp_path / 'other model.pth'
    torch.save(dict(state_dict=bad_state, meta=dict()), bad)
    with pytest.raises(ValueError):
        check_checkpoint_fits(tta, str(bad))
    with pytest.raises(ValueError) as e:
        check_checkpoint_fits(model, str(bad))
    msg = str(e.value)
    assert str(bad) in msg and head[0] in msg and 'edge_head.conv.weight' in msg


def test_tools_test_exits_nonzero_on_wrong_checkpoint(setup):
    tmp, config, model = setup
    state = {k: v for k, v in model.state_dict().items()
             if not k.startswith('cam_head.')}
    ckpt = tmp / 'irn_like.pth'
    torch.save(dict(state_dict=state, meta=dict()), ckpt)
    cam_dir = tmp / 'out' / 'cams'
    proc = subprocess.run([
        sys.executable, str(ROOT / 'tools/test.py'), str(config), str(ckpt),
        '--work-dir', str(tmp / 'out'), '--cfg-options',
        f'default_hooks.writer.out_dirs.cams={cam_dir}'
    ], env=dict(os.environ, OMP_NUM_THREADS='1', PYTHONPATH=str(ROOT)),
        capture_output=True, text=True)
    assert proc.returncode != 0, proc.stdout[-2000:]
    assert 'does not fit the model' in proc.stderr and str(ckpt) in proc.stderr
    assert 'cam_head.' in proc.stderr
    assert not cam_dir.exists() or not any(cam_dir.iterdir())


def test_tools_test_accepts_the_right_checkpoint(setup):
    tmp, config, model = setup
    ckpt = tmp / 'cam.pth'
    torch.save(dict(state_dict=model.state_dict(), meta=dict()), ckpt)
    cam_dir = tmp / 'ok' / 'cams'
    proc = subprocess.run([
        sys.executable, str(ROOT / 'tools/test.py'), str(config), str(ckpt),
        '--work-dir', str(tmp / 'ok'), '--cfg-options',
        f'default_hooks.writer.out_dirs.cams={cam_dir}'
    ], env=dict(os.environ, OMP_NUM_THREADS='1', PYTHONPATH=str(ROOT)),
        capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert any(cam_dir.iterdir())
