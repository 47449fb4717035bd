"""Loading mmengine checkpoints under torch >= 2.6.

``torch.load`` defaults to ``weights_only=True`` since torch 2.6 and mmengine 0.10.7 does not
pass it, so its checkpoints fail to load (``Unsupported global:
numpy._core.multiarray._reconstruct``, then ``mmengine...HistoryBuffer``, then
``getattr``). Instead of turning ``weights_only`` off, mmirn

- allow-lists exactly the types such checkpoints hold: numpy arrays, dtypes and scalars
  and mmengine's ``HistoryBuffer`` (the message hub's log buffers);
- stops ``HistoryBuffer`` from pickling its statistics methods as ``getattr(cls, name)``
  (which would need ``getattr`` allow-listed, i.e. arbitrary attribute access). Those
  methods are class-level and registered again on import, so nothing is lost.

Checkpoints saved by stock mmengine before mmirn was imported still hold ``getattr``; load
them once with ``weights_only=False`` if you trust them, then save again.
"""
import glob
import logging
import os.path as osp
from typing import Optional

import numpy as np
import torch
from mmengine.logging import HistoryBuffer, print_log


def _numpy_safe_globals():
    import numpy.dtypes as dtypes
    from numpy._core.multiarray import _reconstruct, scalar

    dtype_classes = [
        cls for cls in vars(dtypes).values()
        if isinstance(cls, type) and issubclass(cls, np.dtype)
    ]
    return [_reconstruct, scalar, np.ndarray, np.dtype, *dtype_classes]


def _history_buffer_getstate(self) -> dict:
    state = dict(self.__dict__)
    state.pop('statistics_methods', None)
    return state


def register_safe_globals() -> None:
    """Make mmengine checkpoints loadable with ``weights_only=True``.

    Idempotent. A no-op on torch versions without ``add_safe_globals``.
    """
    HistoryBuffer.__getstate__ = _history_buffer_getstate
    add = getattr(torch.serialization, 'add_safe_globals', None)
    if add is None:
        return
    known = set(map(id, torch.serialization.get_safe_globals()))
    add([g for g in [*_numpy_safe_globals(), HistoryBuffer] if id(g) not in known])


def check_checkpoint_fits(model: torch.nn.Module, filename: str) -> None:
    """Raise if the checkpoint's weights do not fit the model (strict, for inference).

    mmengine loads inference checkpoints with ``strict=False`` and logs the mismatch
    once: the CAM checkpoint given to the IRN config then runs with a random head and
    writes garbage with exit 0. This check names the file and the keys instead.

    Args:
        model (nn.Module): The model the checkpoint is for (DDP wrappers and a
            test-time augmentation model's ``module`` unwrapped).
        filename (str): Checkpoint path (a ``.pth`` with ``state_dict`` or a bare one).

    Raises:
        ValueError: missing or unexpected keys, listed.
    """
    from mmengine.model import BaseTTAModel, is_model_wrapper
    from mmengine.runner.checkpoint import _load_checkpoint
    register_safe_globals()
    ckpt = _load_checkpoint(filename, map_location='cpu')
    state = ckpt.get('state_dict', ckpt) if isinstance(ckpt, dict) else ckpt
    state = {k[7:] if k.startswith('module.') else k: v for k, v in state.items()}
    if is_model_wrapper(model):
        model = model.module
    if isinstance(model, BaseTTAModel):  # tools/test.py --tta: the trained model inside
        model = model.module
    expected = set(model.state_dict())
    missing = sorted(expected - set(state))
    unexpected = sorted(set(state) - expected)
    if missing or unexpected:
        def show(keys):
            return ', '.join(keys[:8]) + (f' ... ({len(keys)} in all)'
                                          if len(keys) > 8 else '')
        raise ValueError(
            f'checkpoint {filename} does not fit the model '
            f'{type(model).__name__}: missing keys: {show(missing) or "none"}; '
            f'unexpected keys: {show(unexpected) or "none"}. Is it the checkpoint '
            'of another config?')


def _loadable(path: str) -> Optional[str]:
    """None if ``path`` loads as a checkpoint, else why not."""
    try:
        ckpt = torch.load(path, map_location='cpu', weights_only=True)
    except Exception as e:  # truncated, empty, not a checkpoint, unreadable
        return f'{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ""}'
    if not isinstance(ckpt, dict) or 'state_dict' not in ckpt:
        return 'no state_dict'
    return None


def find_resume_checkpoint(work_dir: str) -> Optional[str]:
    """The checkpoint ``--resume`` continues from: the one ``last_checkpoint`` names,
    or, when that one is missing or does not load, the newest loadable ``*.pth`` of
    ``work_dir`` (with a warning naming what was skipped and why). None when the
    folder holds no loadable checkpoint."""
    register_safe_globals()
    named = None
    last = osp.join(work_dir, 'last_checkpoint')
    if osp.isfile(last):
        with open(last) as f:
            named = f.read().strip() or None
        if named and not osp.isabs(named):
            named = osp.join(work_dir, named)
    found = glob.glob(osp.join(work_dir, '*.pth'))  # skips the hidden temp files
    found.sort(key=lambda p: (osp.getmtime(p), p), reverse=True)
    candidates = ([named] if named else []) + [p for p in found if p != named]
    skipped = []
    for path in candidates:
        why = 'missing' if not osp.isfile(path) else _loadable(path)
        if why is None:
            if skipped:
                print_log('resume: skipped ' + '; '.join(skipped) +
                          f'; resuming from {path}', logger='current',
                          level=logging.WARNING)
            return path
        skipped.append(f'{path} ({why})')
    if skipped:
        print_log('resume: no loadable checkpoint in ' + work_dir + ' (' +
                  '; '.join(skipped) + '): training starts from scratch',
                  logger='current', level=logging.WARNING)
    return None
