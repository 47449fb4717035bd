"""A CAM training killed (SIGKILL) and resumed is the uninterrupted run, bit for bit."""
import os
import os.path as osp
import signal
import subprocess
import sys

import torch

import mmirn  # noqa: F401  (registers the safe globals)

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CAM_CFG = osp.join(REPO, 'configs/cam/cam_r18_1xb8-30e_toyvoc-128x128.py')

KILL_HOOK = '''
import os
import signal

from mmengine.hooks import Hook
from mmengine.registry import HOOKS


@HOOKS.register_module()
class KillAtIter(Hook):
    priority = 'LOWEST'

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        if runner.iter + 1 == int(os.environ.get('KILL_AT_ITER', -1)):
            os.kill(os.getpid(), signal.SIGKILL)
'''


def _run(tool, *args, env=None):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [REPO, *(env or {}).pop('PYTHONPATH', '').split(os.pathsep)]),
        OMP_NUM_THREADS='1', MKL_NUM_THREADS='1', **(env or {}))
    return subprocess.run([sys.executable, osp.join(REPO, 'tools', tool), *args],
                          cwd=REPO, capture_output=True, text=True, timeout=600, env=env)


def test_killed_and_resumed_cam_training_is_exact(tmp_path):
    data_root = tmp_path / 'toy_voc'
    subprocess.run([
        sys.executable, osp.join(REPO, 'tools/dataset_converters/make_toy_voc.py'),
        str(data_root), '--num-train', '4', '--num-val', '1', '--min-size', '48',
        '--max-size', '64', '--workers', '1'], check=True, capture_output=True)
    (tmp_path / 'kill_hook.py').write_text(KILL_HOOK)
    config = tmp_path / 'cam_tiny.py'
    # The shipped config's randomness (seed, augmentations, 2 persistent workers),
    # 3 epochs of 2 iterations, a checkpoint per epoch (only the last one kept).
    config.write_text(
        f"_base_ = [{CAM_CFG!r}]\n"
        "custom_imports = dict(imports=['kill_hook'], allow_failed_imports=False)\n"
        "custom_hooks = [dict(type='KillAtIter')]\n"
        f"train_dataloader = dict(batch_size=2, dataset=dict(data_root={str(data_root)!r}))\n"
        f"test_dataloader = dict(num_workers=0, persistent_workers=False,\n"
        f"    dataset=dict(data_root={str(data_root)!r}))\n"
        "model = dict(backbone=dict(stem_channels=8, base_channels=8),\n"
        "    cam_head=dict(in_channels=64), test_cfg=dict(scales=(1.0, )))\n"
        "train_cfg = dict(max_epochs=3)\n"
        "default_hooks = dict(checkpoint=dict(interval=1))\n")
    hook_path = dict(PYTHONPATH=str(tmp_path))

    full = tmp_path / 'full'
    res = _run('train.py', str(config), '--work-dir', str(full), env=dict(hook_path))
    assert res.returncode == 0, res.stderr[-3000:]

    split = tmp_path / 'split'
    # killed in the 3rd epoch (iteration 5 of 6): epoch_2.pth is the latest checkpoint
    res = _run('train.py', str(config), '--work-dir', str(split),
               env=dict(hook_path, KILL_AT_ITER='5'))
    assert res.returncode == -signal.SIGKILL, res.stderr[-3000:]
    assert (split / 'epoch_2.pth').exists() and not (split / 'epoch_3.pth').exists()
    res = _run('train.py', str(config), '--work-dir', str(split), '--resume',
               env=dict(hook_path))
    assert res.returncode == 0, res.stderr[-3000:]
    assert 'resumed epoch: 2' in res.stdout + res.stderr

    a = torch.load(full / 'epoch_3.pth', map_location='cpu')['state_dict']
    b = torch.load(split / 'epoch_3.pth', map_location='cpu')['state_dict']
    assert a.keys() == b.keys()
    assert all(torch.equal(a[k], b[k]) for k in a)

    cams = {}
    for name, work_dir in (('full', full), ('split', split)):
        out = tmp_path / f'cams_{name}'
        res = _run('test.py', str(config), str(work_dir / 'epoch_3.pth'), '--work-dir',
                   str(work_dir), '--cfg-options', f'default_hooks.writer.out_dirs.cams={out}',
                   env=dict(hook_path))
        assert res.returncode == 0, res.stderr[-3000:]
        cams[name] = {p.name: p.read_bytes() for p in sorted(out.glob('*.npz'))}
    assert len(cams['full']) == 4
    assert cams['full'] == cams['split']
