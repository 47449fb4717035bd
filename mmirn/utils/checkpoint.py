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
import numpy as np
import torch
from mmengine.logging import HistoryBuffer


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
