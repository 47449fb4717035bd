"""A save killed at any point leaves a work dir that names a complete checkpoint."""
import os
import os.path as osp

import pytest
import torch
from mmengine.fileio import LocalBackend
from mmengine.runner import Runner

import mmirn  # noqa: F401
from mmirn.engine.hooks import atomic_checkpoint_hook as ach
from tests.test_engine.test_resume import _cfg
from tests.utils import ToyRegressionDataset, ToyRegressor  # noqa: F401


class Killed(BaseException):
    """Stands for a SIGKILL / Ctrl-C in the middle of a save."""


def _hooks(max_keep):
    return dict(
        checkpoint=dict(type='AtomicCheckpointHook', interval=3, by_epoch=False,
                        max_keep_ckpts=max_keep),
        logger=dict(type='LoggerHook', interval=1))


def _partial_put(self, obj, filepath):
    with open(filepath, 'wb') as f:
        f.write(obj[:len(obj) // 2])  # disk full / kill half way through
    raise Killed


def _killed(*args, **kwargs):
    raise Killed


FAULTS = {
    'while writing': lambda mp: mp.setattr(LocalBackend, 'put', _partial_put),
    'before rename': lambda mp: mp.setattr(ach.os, 'replace', _killed),
    'before last_checkpoint': lambda mp: mp.setattr(ach, 'atomic_write',
                                                    _killed),
    'before removing the old one': lambda mp: mp.setattr(ach.os, 'remove',
                                                         _killed),
}


@pytest.mark.parametrize('fault', list(FAULTS))
def test_killed_save_leaves_resumable_work_dir(tmp_path, monkeypatch, fault):
    runner = Runner.from_cfg(_cfg(tmp_path, 6, default_hooks=_hooks(1)))
    hook = next(h for h in runner.hooks if isinstance(h, ach.AtomicCheckpointHook))
    real_save = hook._save_checkpoint_with_step

    def second_save_faulty(runner_, step, meta):
        if step == 6:
            with monkeypatch.context() as mp:
                FAULTS[fault](mp)
                return real_save(runner_, step, meta)
        return real_save(runner_, step, meta)

    monkeypatch.setattr(hook, '_save_checkpoint_with_step', second_save_faulty)
    with pytest.raises(Killed):
        runner.train()

    with open(osp.join(tmp_path, 'last_checkpoint')) as f:
        named = f.read()
    assert osp.isfile(named), f'{fault}: last_checkpoint names missing {named}'
    ckpt = torch.load(named, map_location='cpu')
    assert ckpt['meta']['iter'] in (3, 6)
    # nothing truncated is left under a checkpoint's name
    for name in os.listdir(tmp_path):
        if name.endswith('.pth') and not name.startswith('.'):
            torch.load(osp.join(tmp_path, name), map_location='cpu')

    # and the work dir resumes to the end
    resumed = Runner.from_cfg(
        _cfg(tmp_path, 6, default_hooks=_hooks(1), resume=True))
    resumed.train()
    assert resumed.iter == 6
    # a kill before the outdated checkpoint's removal may leave it behind: harmless
    assert 'iter_6.pth' in os.listdir(tmp_path)
    with open(osp.join(tmp_path, 'last_checkpoint')) as f:
        assert f.read() == osp.join(str(tmp_path), 'iter_6.pth')


def test_old_checkpoint_removed_only_after_new_one(tmp_path):
    runner = Runner.from_cfg(_cfg(tmp_path, 9, default_hooks=_hooks(2)))
    runner.train()
    pths = sorted(n for n in os.listdir(tmp_path) if n.endswith('.pth'))
    assert pths == ['iter_6.pth', 'iter_9.pth']
    assert not [n for n in os.listdir(tmp_path) if n.endswith('.tmp')]
