"""mmirn's launcher helper: gloo + no set_device on a CPU-only torch, nccl + the
task's device with CUDA, for torchrun's and Slurm's variables."""
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from mmirn.utils import dist_backend, init_dist, slurm_dist_env

ROOT = Path(__file__).resolve().parents[2]


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def test_backend_choice(monkeypatch):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    assert dist_backend('nccl') == 'gloo' and dist_backend(None) == 'gloo'
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: True)
    assert dist_backend(None) == 'nccl'
    assert dist_backend('gloo') == 'gloo'


def test_slurm_env():
    env = slurm_dist_env(dict(SLURM_PROCID='3', SLURM_NTASKS='8', SLURM_LOCALID='1',
                              SLURM_NODELIST='n[1-2]', MASTER_ADDR='10.0.0.1',
                              MASTER_PORT='1234'))
    assert env == dict(RANK='3', WORLD_SIZE='8', LOCAL_RANK='1')
    env = slurm_dist_env(dict(SLURM_PROCID='0', SLURM_NTASKS='2', SLURM_LOCALID='0',
                              SLURM_NODELIST='n1', MASTER_ADDR='10.0.0.1'))
    assert env['MASTER_PORT'] == '29500'


@pytest.mark.parametrize('launcher', ['pytorch', 'slurm'])
def test_gpu_path_sets_device_and_picks_nccl(monkeypatch, launcher):
    """With CUDA (simulated here; really run by the next test on a GPU machine) the
    device is set to the local rank and the group is NCCL."""
    calls = {}
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: True)
    monkeypatch.setattr(torch.cuda, 'set_device', lambda i: calls.setdefault('dev', i))
    monkeypatch.setattr(torch.distributed, 'init_process_group',
                        lambda **kw: calls.setdefault('pg', kw))
    for key in ('RANK', 'WORLD_SIZE', 'LOCAL_RANK', 'MASTER_ADDR', 'MASTER_PORT'):
        monkeypatch.delenv(key, raising=False)
    if launcher == 'slurm':
        for key, value in dict(SLURM_PROCID='5', SLURM_NTASKS='8', SLURM_LOCALID='1',
                               SLURM_NODELIST='n1', MASTER_ADDR='127.0.0.1').items():
            monkeypatch.setenv(key, value)
    else:
        monkeypatch.setenv('LOCAL_RANK', '1')
    assert init_dist(launcher, timeout=60) == 'nccl'
    assert calls['dev'] == 1
    assert calls['pg']['backend'] == 'nccl'
    assert calls['pg']['timeout'].total_seconds() == 60
    if launcher == 'slurm':
        assert os.environ['RANK'] == '5' and os.environ['WORLD_SIZE'] == '8'


CHILD = '''
import torch
from mmirn.utils import init_dist
backend = init_dist('slurm')
t = torch.ones(1, device='cuda' if backend == 'nccl' else 'cpu')
torch.distributed.all_reduce(t)
dev = torch.cuda.current_device() if torch.cuda.is_available() else -1
print('RESULT', backend, torch.distributed.get_world_size(), int(t.item()), dev)
torch.distributed.destroy_process_group()
'''


def test_real_group_from_slurm_variables():
    """A real 1-task group from Slurm's variables, on this machine's torch: gloo on a
    CPU-only torch (mmengine's init_dist crashes there), nccl on device 0 with CUDA."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), SLURM_PROCID='0', SLURM_NTASKS='1',
               SLURM_LOCALID='0', SLURM_NODELIST='localhost', MASTER_ADDR='127.0.0.1',
               MASTER_PORT=str(_free_port()))
    proc = subprocess.run([sys.executable, '-c', CHILD], env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = [x for x in proc.stdout.splitlines() if x.startswith('RESULT')][0].split()
    if torch.cuda.is_available():
        assert line[1:] == ['nccl', '1', '1', '0']
    else:
        assert line[1:] == ['gloo', '1', '1', '-1']
