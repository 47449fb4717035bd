"""CAM dumping through tools/test.py: sharded (gloo) == 1 process, and resumable."""
import glob
import json
import os
import os.path as osp
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope, init_default_scope

from mmirn.pseudo import load_cams
from mmirn.registry import MODELS

ROOT = Path(__file__).resolve().parents[2]
TOY_CONFIG = ROOT / 'configs/cam/cam_r18_1xb8-30e_toyvoc-128x128.py'
NUM_IMAGES = 7  # odd: the 2-process sampler pads one rank with a repeat

KILLER = '''
import os, signal
from mmengine.hooks import Hook
from mmirn.registry import HOOKS


@HOOKS.register_module()
class KillAfterIters(Hook):
    """Simulates a killed run: SIGKILL after `num` test iterations."""

    def __init__(self, num):
        self.num = num

    def after_test_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        if batch_idx + 1 >= self.num:
            os.kill(os.getpid(), signal.SIGKILL)
'''


@pytest.fixture(scope='module')
def setup(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('cam_dump')
    data_root = tmp / 'toy_voc'
    subprocess.run([
        sys.executable,
        str(ROOT / 'tools/dataset_converters/make_toy_voc.py'),
        str(data_root), '--num-train', str(NUM_IMAGES), '--num-val', '1',
        '--min-size', '48', '--max-size', '72', '--workers', '1'
    ], check=True, capture_output=True)
    config = tmp / 'cam_tiny.py'
    config.write_text(
        f"_base_ = [{str(TOY_CONFIG)!r}]\n"
        f"test_dataloader = dict(num_workers=0, persistent_workers=False,\n"
        f"    dataset=dict(data_root={str(data_root)!r}))\n"
        "model = dict(backbone=dict(stem_channels=8, base_channels=8),\n"
        "    cam_head=dict(in_channels=64),\n"
        "    test_cfg=dict(scales=(1.0, 0.5), flip=True))\n")
    cfg = Config.fromfile(str(config))
    with DefaultScope.overwrite_default_scope('mmirn'):
        init_default_scope('mmirn')
        torch.manual_seed(0)
        model = MODELS.build(cfg.model)
        model.init_weights()
    ckpt = tmp / 'model.pth'
    torch.save(dict(state_dict=model.state_dict(), meta=dict()), ckpt)
    (tmp / 'killer_hook.py').write_text(KILLER)
    (tmp / 'cam_tiny_killed.py').write_text(
        "_base_ = ['cam_tiny.py']\n"
        "custom_imports = dict(imports=['mmirn', 'killer_hook'])\n"
        "custom_hooks = [dict(type='KillAfterIters', num=3)]\n")
    return tmp, config, ckpt


def _run(tmp, config, ckpt, name, nproc=1, extra=()):
    cam_dir = str(tmp / name / 'cams')
    args = [
        str(config),
        str(ckpt), '--work-dir',
        str(tmp / name), '--cfg-options', f'default_hooks.writer.out_dirs.cams={cam_dir}',
        *extra
    ]
    env = dict(
        os.environ,
        OMP_NUM_THREADS='1',
        PYTHONPATH=os.pathsep.join([str(ROOT), str(tmp)]))
    if nproc == 1:
        cmd = [sys.executable, str(ROOT / 'tools/test.py'), *args]
    else:
        cmd = [
            sys.executable, '-m', 'torch.distributed.run',
            f'--nproc_per_node={nproc}', '--master_port=29517',
            str(ROOT / 'tools/test.py'), *args, '--launcher', 'pytorch'
        ]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    return proc, cam_dir


def _metrics(work_dir):
    logs = sorted(glob.glob(osp.join(work_dir, '*', '*.json')))
    assert logs, f'no metric log in {work_dir}'
    with open(logs[-1]) as f:
        text = f.read()
    # the log may hold several JSON objects back to back; take the last one
    decoder, pos, last = json.JSONDecoder(), 0, None
    while pos < len(text.rstrip()):
        last, pos = decoder.raw_decode(text, pos)
        while pos < len(text) and text[pos].isspace():
            pos += 1
    return last


def _files(cam_dir):
    return sorted(osp.basename(p) for p in glob.glob(osp.join(cam_dir, '*.npz')))


# Slow, and still marked so: the mIoU differed by 0.01 between the 1- and 2-process runs
# while the files matched (float32 batch-split noise; CAMMetric now scores the stored
# float16 values). Since then 17 of 18 reruns passed; the failure's message was not kept.
@pytest.mark.slow
def test_one_and_two_processes_match(setup):
    tmp, config, ckpt = setup
    one, dir1 = _run(tmp, config, ckpt, 'one')
    assert one.returncode == 0, one.stderr[-3000:]
    two, dir2 = _run(tmp, config, ckpt, 'two', nproc=2)
    assert two.returncode == 0, two.stderr[-3000:]
    assert len(_files(dir1)) == NUM_IMAGES
    assert _files(dir1) == _files(dir2)
    for name in _files(dir1):
        a, b = load_cams(osp.join(dir1, name)), load_cams(osp.join(dir2, name))
        for key in ('keys', 'cam', 'high_res'):
            np.testing.assert_array_equal(a[key], b[key])
    m1, m2 = _metrics(str(tmp / 'one')), _metrics(str(tmp / 'two'))
    cam_keys = [k for k in m1 if k.startswith('cam/')]
    assert 'cam/mIoU' in cam_keys and 'cam/best_thr' in cam_keys
    assert {k: m1[k] for k in cam_keys} == {k: m2[k] for k in cam_keys}


def test_killed_dump_resumes(setup):
    tmp, config, ckpt = setup
    killed, cam_dir = _run(tmp, tmp / 'cam_tiny_killed.py', ckpt, 'resume')
    assert killed.returncode != 0
    done = _files(cam_dir)
    assert len(done) == 3
    stamps = {n: os.stat(osp.join(cam_dir, n)).st_mtime_ns for n in done}
    resumed, _ = _run(tmp, config, ckpt, 'resume')
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert len(_files(cam_dir)) == NUM_IMAGES
    # finished files were kept, not rewritten
    assert {n: os.stat(osp.join(cam_dir, n)).st_mtime_ns for n in done} == stamps
    # the model computed only the images without a file
    assert f'3 of {NUM_IMAGES} images have all their outputs; skipped' in (
        resumed.stdout + resumed.stderr)
    # every file is complete and matches a run that was never killed
    fresh, fresh_dir = _run(tmp, config, ckpt, 'fresh')
    assert fresh.returncode == 0, fresh.stderr[-3000:]
    for name in _files(fresh_dir):
        a, b = load_cams(osp.join(cam_dir, name)), load_cams(osp.join(fresh_dir, name))
        np.testing.assert_array_equal(a['high_res'], b['high_res'])
