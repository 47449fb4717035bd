"""tools/run_pipeline.py --launcher slurm on the one-node test cluster: each step is a
Slurm job; a step whose job is cancelled (scancel) mid-run is run again (--retries) and
resumes, and its outputs equal those of an uninterrupted run."""
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope, init_default_scope

from mmirn.registry import MODELS

ROOT = Path(__file__).resolve().parents[2]
TOY_CONFIG = ROOT / 'configs/cam/cam_r18_1xb8-30e_toyvoc-128x128.py'
NUM_IMAGES = 8
SLOW_SECONDS = 1.0  # per test iteration: the CAM step runs long enough to be cancelled

pytestmark = pytest.mark.slurm

SLOW_HOOK = f'''
import time

from mmengine.hooks import Hook

from mmirn.registry import HOOKS


@HOOKS.register_module()
class SlowTestHook(Hook):
    """Sleeps after each test iteration (a long step for the scancel test)."""

    def after_test_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        time.sleep({SLOW_SECONDS})
'''


@pytest.fixture(scope='module')
def tiny_pipeline(tmp_path_factory):
    """A toy set, a tiny CAM model and a pipeline of one sharded CAM step."""
    from mmirn.datasets.toy import voc_writer
    tmp = tmp_path_factory.mktemp('slurm_pipeline')
    data_root = tmp / 'toy_voc'
    voc_writer.generate(str(data_root), num_train=NUM_IMAGES, num_val=1, min_size=48,
                        max_size=64, workers=1, verbose=False)
    base = tmp / 'cam_tiny.py'
    base.write_text(
        f"_base_ = [{str(TOY_CONFIG)!r}]\n"
        "model = dict(backbone=dict(stem_channels=8, base_channels=8),\n"
        "    cam_head=dict(in_channels=64), test_cfg=dict(scales=(1.0, ), flip=False))\n"
        "test_dataloader = dict(num_workers=0, persistent_workers=False,\n"
        f"    dataset=dict(data_root={str(data_root)!r}))\n")
    # the pipeline's config: the same, slowed down by a hook of the test's own
    (tmp / 'slow_hook.py').write_text(SLOW_HOOK)
    config = tmp / 'cam_tiny_slow.py'
    config.write_text(
        f"_base_ = [{str(base)!r}]\n"
        "custom_imports = dict(imports=['slow_hook'], allow_failed_imports=False)\n"
        "custom_hooks = [dict(type='SlowTestHook')]\n")
    with DefaultScope.overwrite_default_scope('mmirn'):
        init_default_scope('mmirn')
        torch.manual_seed(0)
        model = MODELS.build(Config.fromfile(str(base)).model)
        model.init_weights()
    ckpt = tmp / 'cam.pth'
    torch.save(dict(state_dict=model.state_dict(), meta=dict()), ckpt)
    pipeline = tmp / 'pipe.py'
    pipeline.write_text(
        f"work_dir = {str(tmp / 'pipe')!r}\n"
        f"vars = dict(config={str(config)!r}, ckpt={str(ckpt)!r}, cams='{{work_dir}}/cams')\n"
        "steps = [dict(name='cams', shard=True,\n"
        "    cmd=['tools/test.py', '{config}', '{ckpt}', '--work-dir', '{work_dir}/cam',\n"
        "         '--cfg-options', 'default_hooks.writer.out_dirs.cams={cams}'],\n"
        "    outputs=['{cams}'])]\n")
    return tmp, base, ckpt, pipeline


def _job_ids(log):
    return re.findall(r'^\[slurm\] job (\d+) step', log, re.M)


def test_pipeline_step_cancelled_mid_run_resumes(slurm_cluster, tiny_pipeline):
    from mmirn.pseudo import load_cams
    tmp, base, ckpt, pipeline = tiny_pipeline
    env = dict(slurm_cluster.env, OMP_NUM_THREADS='1', GPUS_PER_NODE='2',
               CPUS_PER_TASK='1', GRES='',
               PYTHONPATH=os.pathsep.join([str(tmp), str(ROOT)]))
    env.pop('MASTER_PORT', None)
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / 'tools/run_pipeline.py'), str(pipeline), '--launcher',
         'slurm', '--gpus', '2', '--partition', slurm_cluster.partition, '--retries', '1'],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    cams = tmp / 'pipe' / 'cams'
    log_path = tmp / 'pipe' / 'logs' / 'cams.log'
    try:
        # cancel the job once the first images are written
        deadline = time.time() + 240
        while time.time() < deadline:
            ids = _job_ids(log_path.read_text()) if log_path.exists() else []
            if ids and len(list(cams.glob('*.npz'))) >= 1:
                break
            assert proc.poll() is None, proc.stdout.read()
            time.sleep(0.1)
        else:
            pytest.fail('the CAM step wrote nothing in 240 s' + slurm_cluster.log_tail())
        subprocess.run(['scancel', ids[0]], env=slurm_cluster.env, check=True)
        # what the cancelled job had written (atomically: complete files only)
        before = {p.name: p.stat().st_mtime_ns for p in cams.glob('*.npz')}
        written = len(before)
        out, _ = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert written < NUM_IMAGES, 'the step finished before it was cancelled'
    assert proc.returncode == 0, out[-4000:] + slurm_cluster.log_tail()
    log = log_path.read_text()
    first, second = _job_ids(log)  # the cancelled job, then the retry
    assert first != second
    # the console names the jobs and the retry
    assert f'job {first}' in out and f'job {second}' in out, out
    assert 'running it again (retry 1 of 1' in out, out
    assert (tmp / 'pipe' / 'pipeline' / 'cams.done.json').exists()
    # the retry kept the images the cancelled job had finished: not written again
    assert re.search(r'[1-9]\d* of \d+ images have all their outputs; skipped', log)
    assert {n: (cams / n).stat().st_mtime_ns for n in before} == before
    # the same CAMs as one uninterrupted process
    one = subprocess.run(
        [sys.executable, str(ROOT / 'tools/test.py'), str(base), str(ckpt), '--work-dir',
         str(tmp / 'one'), '--cfg-options',
         f'default_hooks.writer.out_dirs.cams={tmp / "one_cams"}'],
        env=env, capture_output=True, text=True, timeout=300)
    assert one.returncode == 0, one.stderr[-4000:]
    files = sorted(p.name for p in (tmp / 'one_cams').glob('*.npz'))
    assert len(files) == NUM_IMAGES
    assert sorted(p.name for p in cams.glob('*.npz')) == files
    for name in files:
        a, b = load_cams(str(tmp / 'one_cams' / name)), load_cams(str(cams / name))
        for key in ('keys', 'cam', 'high_res'):
            assert (a[key] == b[key]).all(), (name, key)
