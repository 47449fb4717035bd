# Copyright (c) OpenMMLab. All rights reserved.
import random
from functools import partial

import numpy as np
import torch
from mmengine.dataset import worker_init_fn as default_worker_init_fn
from mmengine.dist import all_gather_object, get_rank, get_world_size
from mmengine.hooks import Hook
from mmengine.runner import IterBasedTrainLoop
from mmengine.runner.loops import _InfiniteDataloaderIterator

from mmirn.registry import HOOKS


def get_random_state() -> dict:
    """The process's python, numpy, torch (and CUDA) random states, as plain types
    and tensors (loadable with ``weights_only=True``)."""
    name, keys, pos, has_gauss, gauss = np.random.get_state()
    state = dict(
        python=random.getstate(),
        numpy=dict(name=name, keys=torch.from_numpy(keys.astype(np.int64)),
                   pos=int(pos), has_gauss=int(has_gauss), gauss=float(gauss)),
        torch=torch.get_rng_state())
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        state['cuda'] = torch.cuda.get_rng_state_all()
    return state


def set_random_state(state: dict) -> None:
    """Restore a state of :func:`get_random_state`."""
    version, internal, gauss = state['python']
    random.setstate((version, tuple(internal), gauss))
    n = state['numpy']
    np.random.set_state((n['name'], n['keys'].numpy().astype(np.uint32), n['pos'],
                         n['has_gauss'], n['gauss']))
    torch.set_rng_state(state['torch'])
    if 'cuda' in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state['cuda'])


class _RestoreAfter:
    """Iterator that calls ``restore`` before its ``(skip + 1)``-th item."""

    def __init__(self, iterator, skip, restore):
        self._iterator, self._skip, self._restore = iterator, skip, restore

    def __next__(self):
        if self._skip == 0 and self._restore is not None:
            self._restore()
            self._restore = None
        self._skip -= 1
        return next(self._iterator)

    def __getattr__(self, name):
        return getattr(self._iterator, name)


@HOOKS.register_module()
class RandomStateHook(Hook):
    """Make ``--resume`` continue the run it resumes, bit for bit.

    mmengine 0.10 resumes weights, optimizer, schedulers, the iteration and the seed,
    and an ``IterBasedTrainLoop`` replays the dataloader to the iteration. What it does
    not restore, and what this hook does:

    - the python, numpy, torch (and CUDA) random states of each rank at the save
      (stored in ``checkpoint['random_states']``, one per rank), set again right
      before the first batch of the resumed run is drawn;
    - the seed of the sampler and of mmengine's ``worker_init_fn`` when the resumed
      seed differs from the config's (mmengine builds the dataloader before it
      resumes the seed);
    - the random state of persistent workers in an ``EpochBasedTrainLoop``: their
      augmentations continue over epochs, so the resumed run first loads (and
      discards) the epochs already trained, as the iteration-based loop does.

    Validation runs between checkpoints would draw from the training random state
    (the val dataloader's base seed); it is kept aside during validation, so that
    training does not depend on whether or when it validates. Loading a checkpoint
    with ``load_from`` (not a resume) leaves the random state alone. Resuming an
    epoch-based loop from a checkpoint saved inside an epoch is not exact (mmengine
    restarts that epoch); a warning says so.

    Args:
        replay_persistent_workers (bool): Replay the trained epochs through
            persistent workers on resume (epoch-based loops). Defaults to True.
    """

    # before the checkpoint hook (VERY_LOW): in a distributed run the ranks' states
    # are gathered in ``after_train_iter`` / ``after_train_epoch``, which every rank
    # calls, since ``save_checkpoint`` (and ``before_save_checkpoint``) runs on rank 0
    priority = 'LOW'

    def __init__(self, replay_persistent_workers: bool = True) -> None:
        self.replay_persistent_workers = replay_persistent_workers
        self._resumed = None
        self._val_state = None
        self._gathered = None

    def _gather(self) -> None:
        if get_world_size() > 1:
            self._gathered = all_gather_object(get_random_state())

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        self._gather()

    def after_train_epoch(self, runner) -> None:
        self._gather()

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        if get_world_size() == 1:
            checkpoint['random_states'] = [get_random_state()]
        elif self._gathered is not None:
            checkpoint['random_states'] = self._gathered

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        states = checkpoint.get('random_states')
        meta = checkpoint.get('meta', {})
        self._resumed = None
        if states is None:
            return
        if len(states) != get_world_size():
            runner.logger.warning(
                f'checkpoint random states are of {len(states)} ranks, this run has '
                f'{get_world_size()}: the resumed run will not repeat the original')
            return
        self._resumed = (states[get_rank()], meta.get('iter'), meta.get('epoch'))

    def before_train(self, runner) -> None:
        resumed, self._resumed = self._resumed, None
        # a resume sets the loop's iteration to the checkpoint's; ``load_from`` does not
        if resumed is None or resumed[1] != runner.iter or runner.iter == 0:
            return
        state = resumed[0]
        loop = runner.train_loop
        loader = loop.dataloader
        reseeded = self._sync_seed(runner, loader)
        if isinstance(loop, IterBasedTrainLoop):
            if reseeded:
                loader._iterator = None
                loop.dataloader_iterator = _InfiniteDataloaderIterator(loader)
            # mmengine draws ``runner.iter`` batches to skip them: restore after
            loop.dataloader_iterator = _RestoreAfter(
                loop.dataloader_iterator, runner.iter, partial(set_random_state, state))
            return
        if runner.iter != runner.epoch * len(loader):
            runner.logger.warning(
                f'resuming epoch {runner.epoch} at iteration {runner.iter}, inside the '
                'epoch: mmengine restarts the epoch, the run will not repeat the '
                'original')
        if (self.replay_persistent_workers and loader.num_workers > 0
                and loader.persistent_workers):
            runner.logger.info(
                f'loading the {runner.epoch} trained epochs again to restore the random '
                'state of the persistent dataloader workers')
            sampler = self._sampler(loader)
            for epoch in range(runner.epoch):
                if hasattr(sampler, 'set_epoch'):
                    sampler.set_epoch(epoch)
                for _ in loader:
                    pass
            if hasattr(sampler, 'set_epoch'):
                sampler.set_epoch(runner.epoch)
        set_random_state(state)

    def before_val(self, runner) -> None:
        self._val_state = get_random_state()

    def after_val(self, runner) -> None:
        if self._val_state is not None:
            set_random_state(self._val_state)
            self._val_state = None

    @staticmethod
    def _sampler(loader):
        batch_sampler = getattr(loader, 'batch_sampler', None)
        return getattr(batch_sampler, 'sampler', loader.sampler)

    def _sync_seed(self, runner, loader) -> bool:
        """Give the sampler and the workers the resumed seed; True if changed."""
        seed = runner.seed
        if seed is None or runner._randomness_cfg.get('diff_rank_seed', False):
            return False
        changed = False
        sampler = self._sampler(loader)
        if getattr(sampler, 'seed', seed) != seed:
            sampler.seed = seed
            changed = True
        init_fn = loader.worker_init_fn
        if (isinstance(init_fn, partial) and init_fn.func is default_worker_init_fn
                and init_fn.keywords.get('seed') != seed):
            loader.worker_init_fn = partial(init_fn.func, *init_fn.args,
                                            **dict(init_fn.keywords, seed=seed))
            changed = True
        return changed
