"""Real Slurm jobs on the one-node test cluster: ranks from srun, and a 2-task DDP
training through tools/slurm_train.sh equal to one process with the same total batch."""
import os
import socket
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

pytestmark = pytest.mark.slurm


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _job_env(cluster, **extra):
    return dict(cluster.env, PYTHONPATH=str(ROOT), OMP_NUM_THREADS='1',
                MASTER_PORT=str(_free_port()), **extra)


RANKS = '''
import os
from mmirn.utils import slurm_dist_env
env = slurm_dist_env()
print('RANKS', env['RANK'], env['WORLD_SIZE'], env['LOCAL_RANK'], env['MASTER_ADDR'])
'''


def test_srun_two_tasks_give_two_ranks(slurm_cluster):
    proc = subprocess.run(['srun', '-n2', '-p', slurm_cluster.partition, sys.executable,
                           '-c', RANKS], env=_job_env(slurm_cluster), capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr + slurm_cluster.log_tail()
    lines = sorted(x for x in proc.stdout.splitlines() if x.startswith('RANKS'))
    assert lines == ['RANKS 0 2 0 localhost', 'RANKS 1 2 1 localhost']


@pytest.fixture(scope='module')
def tiny_cam(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('slurm_train')
    data_root = tmp / 'toy_voc'
    subprocess.run([
        sys.executable, str(ROOT / 'tools/dataset_converters/make_toy_voc.py'),
        str(data_root), '--num-train', str(NUM_IMAGES), '--num-val', '1',
        '--min-size', '48', '--max-size', '64', '--workers', '1'
    ], check=True, capture_output=True)
    # deterministic and DDP-exact: fixed-size inputs without random augmentation,
    # frozen BN (batch statistics would differ per rank), SGD (linear in the
    # gradient), no shuffling: the two ranks' batches make up the 1-process batch
    config = tmp / 'cam_slurm_tiny.py'
    config.write_text(
        f"_base_ = [{str(TOY_CONFIG)!r}]\n"
        "train_pipeline = [dict(type='LoadImageFromFileChecked'),\n"
        "    dict(type='WSSSResize', scale=(48, 48), keep_ratio=False),\n"
        "    dict(type='PackWSSSInputs')]\n"
        "train_dataloader = dict(num_workers=0, persistent_workers=False,\n"
        "    sampler=dict(shuffle=False),\n"
        f"    dataset=dict(data_root={str(data_root)!r}, pipeline=train_pipeline))\n"
        "model = dict(data_preprocessor=dict(size=(48, 48)),\n"
        "    backbone=dict(stem_channels=8, base_channels=8,\n"
        "        norm_cfg=dict(type='BN', requires_grad=True), norm_eval=True),\n"
        "    cam_head=dict(in_channels=64), test_cfg=dict(scales=(1.0, ), flip=False))\n"
        "test_dataloader = dict(num_workers=0, persistent_workers=False,\n"
        f"    dataset=dict(data_root={str(data_root)!r}))\n"
        "optim_wrapper = dict(_delete_=True, type='OptimWrapper',\n"
        "    optimizer=dict(type='SGD', lr=0.1, momentum=0.9))\n"
        "param_scheduler = []\n"
        "train_cfg = dict(max_epochs=1)\n"
        "default_hooks = dict(logger=dict(interval=1),\n"
        "    checkpoint=dict(by_epoch=True, interval=1))\n")
    # the initial weights, which both trainings load (and the CAM dump uses)
    with DefaultScope.overwrite_default_scope('mmirn'):
        init_default_scope('mmirn')
        torch.manual_seed(0)
        model = MODELS.build(Config.fromfile(str(config)).model)
        model.init_weights()
    ckpt = tmp / 'cam_init.pth'
    torch.save(dict(state_dict=model.state_dict(), meta=dict()), ckpt)
    return tmp, config, ckpt


def _params(path):
    state = torch.load(path, map_location='cpu', weights_only=False)['state_dict']
    return {k: v for k, v in state.items() if v.is_floating_point()}


def test_slurm_train_two_tasks_match_one_process(slurm_cluster, tiny_cam):
    tmp, config, ckpt = tiny_cam
    env = _job_env(slurm_cluster, GPUS='2', GPUS_PER_NODE='2', CPUS_PER_TASK='1',
                   GRES='', PYTHON=sys.executable)
    two = subprocess.run([
        'bash', str(ROOT / 'tools/slurm_train.sh'), slurm_cluster.partition, 'cam-2x2',
        str(config), '--work-dir', str(tmp / 'two'), '--cfg-options',
        'train_dataloader.batch_size=2', f'load_from={ckpt}'
    ], env=env, capture_output=True, text=True, timeout=300)
    assert two.returncode == 0, two.stderr[-4000:] + slurm_cluster.log_tail()
    one = subprocess.run([
        sys.executable, str(ROOT / 'tools/train.py'), str(config), '--work-dir',
        str(tmp / 'one'), '--cfg-options', 'train_dataloader.batch_size=4',
        f'load_from={ckpt}'
    ], env=_job_env(slurm_cluster), capture_output=True, text=True, timeout=300)
    assert one.returncode == 0, one.stderr[-4000:]
    # both tasks joined one gloo group of 2 and split the 8 images: 2 iterations
    log = _log(tmp / 'two')
    for line in ('Distributed launcher: slurm', 'Distributed training: True',
                 'GPU number: 2', "dist_cfg: {'backend': 'gloo'}", 'Iter(train) [2/2]'):
        assert line in log, line
    assert 'Iter(train) [2/2]' in _log(tmp / 'one')
    a, b = _params(tmp / 'one/epoch_1.pth'), _params(tmp / 'two/epoch_1.pth')
    assert a.keys() == b.keys()
    for key in a:
        torch.testing.assert_close(b[key], a[key], rtol=1e-4, atol=1e-6, msg=key)
    # and training moved them from the initial weights both loaded
    init = _params(ckpt)
    assert max((a[k] - init[k]).abs().max().item() for k in init) > 1e-3


def _wait_job(cluster, job_id, timeout):
    """(JobState, ExitCode) of a batch job once it has ended."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        proc = subprocess.run(['scontrol', '-o', 'show', 'job', job_id], env=cluster.env,
                              capture_output=True, text=True)
        fields = dict(f.split('=', 1) for f in proc.stdout.split() if '=' in f)
        if fields.get('JobState') in ('COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT',
                                      'NODE_FAIL', 'OUT_OF_MEMORY'):
            return fields['JobState'], fields['ExitCode']
        time.sleep(0.3)
    subprocess.run(['scancel', job_id], env=cluster.env)
    raise TimeoutError(f'job {job_id} still running after {timeout} s')


def _log(work_dir):
    logs = list(Path(work_dir).glob('*/*.log'))
    assert len(logs) == 1, logs
    return logs[0].read_text()


def test_sbatch_slurm_test_two_tasks_dump_the_cams_of_one_process(slurm_cluster,
                                                                  tiny_cam):
    """tools/slurm_test.sh inside an sbatch allocation of 2 tasks: the ranks share the
    images and write the same CAMs as one process."""
    from mmirn.pseudo import load_cams
    tmp, config, ckpt = tiny_cam

    def args(name):
        cams = str(tmp / name / 'cams')
        return [str(config), str(ckpt), '--work-dir', str(tmp / name), '--cfg-options',
                f'default_hooks.writer.out_dirs.cams={cams}']

    env = _job_env(slurm_cluster, GPUS='2', GPUS_PER_NODE='2', CPUS_PER_TASK='1',
                   GRES='', PYTHON=sys.executable)
    script = ' '.join(['bash', str(ROOT / 'tools/slurm_test.sh'), slurm_cluster.partition,
                       'cam-dump', *args('dump_two')])
    out = tmp / 'sbatch.out'
    proc = subprocess.run(['sbatch', '--parsable', '-n2', '-c1', '-p',
                           slurm_cluster.partition, '-J', 'cam-dump-batch',
                           '-o', str(out), '--wrap', script], env=env, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    job_id = proc.stdout.strip().split(';')[0]
    # (sbatch --wait polls at growing intervals: tens of seconds late here)
    state = _wait_job(slurm_cluster, job_id, timeout=300)
    assert state == ('COMPLETED', '0:0'), (state, out.read_text()[-4000:]
                                           if out.exists() else '')
    one = subprocess.run([sys.executable, str(ROOT / 'tools/test.py'), *args('dump_one')],
                         env=_job_env(slurm_cluster), capture_output=True, text=True,
                         timeout=300)
    assert one.returncode == 0, one.stderr[-4000:]
    assert 'GPU number: 2' in _log(tmp / 'dump_two')
    files = sorted(p.name for p in (tmp / 'dump_one/cams').glob('*.npz'))
    assert len(files) == NUM_IMAGES
    assert sorted(p.name for p in (tmp / 'dump_two/cams').glob('*.npz')) == files
    for name in files:
        a = load_cams(str(tmp / 'dump_one/cams' / name))
        b = load_cams(str(tmp / 'dump_two/cams' / name))
        for key in ('keys', 'cam', 'high_res'):
            assert (a[key] == b[key]).all(), (name, key)
