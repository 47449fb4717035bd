"""Loading mmengine checkpoints under torch >= 2.6.

``torch.load`` defaults to ``weights_only=True`` since torch 2.6 and mmengine 0.10.7 does not
pass it, so checkpoints whose ``message_hub`` / ``meta`` hold numpy arrays or scalars fail
with ``Unsupported global: numpy._core.multiarray._reconstruct``. Instead of turning
``weights_only`` off, allow-list exactly the numpy types such checkpoints contain.
"""
import numpy as np
import torch


def _numpy_safe_globals():
    import numpy.dtypes as dtypes
    from numpy._core.multiarray import _reconstruct, scalar

    dtype_classes = [
        cls for cls in vars(dtypes).values()
        if isinstance(cls, type) and issubclass(cls, np.dtype)
    ]
    return [_reconstruct, scalar, np.ndarray, np.dtype, *dtype_classes]


def register_safe_globals() -> None:
    """Allow-list the numpy types of mmengine checkpoints for ``torch.load``.

    Idempotent. A no-op on torch versions without ``add_safe_globals``.
    """
    add = getattr(torch.serialization, 'add_safe_globals', None)
    if add is None:
        return
    known = set(map(id, torch.serialization.get_safe_globals()))
    add([g for g in _numpy_safe_globals() if id(g) not in known])
