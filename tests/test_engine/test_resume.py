"""Checkpoints saved by a real Runner load again under torch >= 2.6 (weights_only)."""
import copy
import subprocess
import sys

import pytest
import torch
from mmengine.runner import Runner

import mmirn  # noqa: F401  (registers the safe globals)
from tests.utils import ToyRegressionDataset, ToyRegressor  # noqa: F401


def _cfg(work_dir, max_iters, **kwargs):
    cfg = dict(
        model=dict(type='ToyRegressor'),
        work_dir=str(work_dir),
        train_dataloader=dict(
            dataset=dict(type='ToyRegressionDataset'),
            sampler=dict(type='DefaultSampler', shuffle=True),
            collate_fn=dict(type='default_collate'),
            batch_size=4,
            num_workers=0),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1, momentum=0.9)),
        param_scheduler=dict(type='PolyLR', power=0.9, eta_min=0.0, by_epoch=False,
                             begin=0, end=6),
        train_cfg=dict(type='IterBasedTrainLoop', max_iters=max_iters),
        default_hooks=dict(
            checkpoint=dict(type='CheckpointHook', interval=3, by_epoch=False),
            logger=dict(type='LoggerHook', interval=1)),
        default_scope='mmirn',
        randomness=dict(seed=0),
        experiment_name='resume_test')
    cfg.update(kwargs)
    return cfg


def test_checkpoint_holds_numpy_and_needs_allow_list(tmp_path):
    runner = Runner.from_cfg(_cfg(tmp_path, 3))
    runner.train()
    ckpt = tmp_path / 'iter_3.pth'
    assert ckpt.exists()
    # The checkpoint holds numpy objects (message hub), which weights_only refuses
    # without mmirn's allow-list ...
    plain = subprocess.run(
        [sys.executable, '-c', f'import torch; torch.load({str(ckpt)!r})'],
        capture_output=True, text=True)
    assert plain.returncode != 0 and 'Unsupported global' in plain.stderr
    # ... and loads with it (weights_only stays on: the default since torch 2.6).
    state = torch.load(ckpt, map_location='cpu')  # weights_only=True by default
    assert state['meta']['iter'] == 3
    assert 'message_hub' in state


def test_resume_continues_where_it_stopped(tmp_path):
    # Full run of 6 iterations in one go.
    full = Runner.from_cfg(_cfg(tmp_path / 'full', 6, experiment_name='full'))
    full.train()
    full_weight = copy.deepcopy(full.model.linear.weight.detach())

    # 3 iterations, stop, then resume from the saved checkpoint to 6.
    first = Runner.from_cfg(_cfg(tmp_path / 'split', 3, experiment_name='a'))
    first.train()
    second = Runner.from_cfg(
        _cfg(tmp_path / 'split', 6, resume=True, load_from=None,
             experiment_name='b'))
    second.train()
    assert second.iter == 6
    # Optimizer momentum and the scheduler were restored: same weights as one run.
    torch.testing.assert_close(second.model.linear.weight.detach(), full_weight)


def test_load_from_checkpoint(tmp_path):
    first = Runner.from_cfg(_cfg(tmp_path / 'a', 3, experiment_name='a'))
    first.train()
    second = Runner.from_cfg(
        _cfg(tmp_path / 'b', 3, load_from=str(tmp_path / 'a' / 'iter_3.pth'),
             experiment_name='b'))
    second.load_or_resume()
    torch.testing.assert_close(second.model.linear.weight, first.model.linear.weight)


def test_allow_list_is_specific():
    """Only numpy types and mmengine's HistoryBuffer are allow-listed, never builtins."""
    if not hasattr(torch.serialization, 'add_safe_globals'):
        pytest.skip('torch without add_safe_globals')
    safe = torch.serialization.get_safe_globals()
    assert getattr not in safe and eval not in safe
    modules = {getattr(g, '__module__', '') or '' for g in safe}
    assert all(m.startswith(('numpy', 'mmengine.logging', 'torch')) for m in modules), modules
