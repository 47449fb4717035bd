"""Checkpoints saved by a real Runner load again under torch >= 2.6 (weights_only)."""
import copy
import random
import subprocess
import sys

import numpy as np
import pytest
import torch
from mmengine.registry import DATASETS, MODELS
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


class NoisyRegressionDataset(ToyRegressionDataset):
    """Inputs jittered with python and numpy random numbers (an augmentation)."""

    def __getitem__(self, idx):
        item = dict(super().__getitem__(idx))
        jitter = random.random() + np.random.rand(2).astype(np.float32)
        item['inputs'] = item['inputs'] + torch.from_numpy(jitter)
        return item


class NoisyRegressor(ToyRegressor):
    """Adds torch random noise to its prediction in training (like dropout)."""

    def forward(self, inputs, targets=None, mode='tensor', **kwargs):
        if mode == 'loss':
            inputs = torch.stack(inputs) if isinstance(inputs, list) else inputs
            inputs = inputs + 0.1 * torch.randn(len(inputs), 2)
        return super().forward(inputs, targets, mode, **kwargs)


MODELS.register_module(module=NoisyRegressor, force=True)
DATASETS.register_module(module=NoisyRegressionDataset, force=True)


def _noisy_cfg(work_dir, name, epoch_based, stop, total, workers, hook=True, **kwargs):
    loop = (dict(type='EpochBasedTrainLoop', max_epochs=stop) if epoch_based else
            dict(type='IterBasedTrainLoop', max_iters=stop))
    cfg = _cfg(work_dir, stop, model=dict(type='NoisyRegressor'), train_cfg=loop,
               experiment_name=name, **kwargs)
    cfg['train_dataloader'].update(
        dataset=dict(type='NoisyRegressionDataset'), num_workers=workers,
        persistent_workers=workers > 0)
    cfg['param_scheduler']['end'] = 100  # the lr stays > 0
    cfg['default_hooks'].update(
        checkpoint=dict(type='CheckpointHook', interval=1, by_epoch=epoch_based))
    if hook:
        cfg['default_hooks']['random_state'] = dict(type='RandomStateHook')
    return cfg


def _full_and_resumed(tmp_path, epoch_based, stop, total, workers, hook=True):
    full = Runner.from_cfg(_noisy_cfg(tmp_path / 'full', 'full', epoch_based, total,
                                      total, workers, hook))
    full.train()
    Runner.from_cfg(_noisy_cfg(tmp_path / 'split', 'a', epoch_based, stop, total,
                               workers, hook)).train()
    resumed = Runner.from_cfg(_noisy_cfg(tmp_path / 'split', 'b', epoch_based, total,
                                         total, workers, hook, resume=True))
    # another process would start from other random states
    random.seed(123)
    np.random.seed(123)
    torch.manual_seed(123)
    resumed.train()
    assert resumed.iter == full.iter
    return full.model.linear.weight.detach(), resumed.model.linear.weight.detach()


@pytest.mark.parametrize('epoch_based,workers', [(False, 0), (True, 2)],
                         ids=['iter-based', 'epoch-based-persistent-workers'])
def test_resume_is_exact_with_random_augmentation(tmp_path, epoch_based, workers):
    full, resumed = _full_and_resumed(tmp_path, epoch_based, 2, 4, workers)
    assert torch.equal(full, resumed)


def test_resume_without_random_state_hook_differs(tmp_path):
    """The case above fails without the hook (the random state matters here)."""
    full, resumed = _full_and_resumed(tmp_path, False, 2, 4, 0, hook=False)
    assert not torch.equal(full, resumed)


def test_random_states_in_checkpoint_load_weights_only(tmp_path):
    Runner.from_cfg(_noisy_cfg(tmp_path, 'a', False, 1, 1, 0)).train()
    state = torch.load(tmp_path / 'iter_1.pth', map_location='cpu', weights_only=True)
    (rank0, ) = state['random_states']
    assert set(rank0) >= {'python', 'numpy', 'torch'}
    assert isinstance(rank0['torch'], torch.Tensor)


def test_load_from_keeps_random_state(tmp_path):
    """``load_from`` (fine-tuning) is no resume: the new run's seed decides."""
    Runner.from_cfg(_noisy_cfg(tmp_path / 'a', 'a', False, 2, 4, 0)).train()
    runs = []
    for name in ('b', 'c'):
        runner = Runner.from_cfg(_noisy_cfg(
            tmp_path / name, name, False, 2, 4, 0,
            load_from=str(tmp_path / 'a' / 'iter_2.pth'),
            randomness=dict(seed=1 if name == 'b' else 2)))
        runner.train()
        runs.append(runner.model.linear.weight.detach())
    assert not torch.equal(*runs)
