"""Reading and writing the per-image CAM files.

One ``<dir>/<img_id>.npz`` per image holds:

- ``keys`` (int64 [K]): the foreground class indices present in the image.
- ``cam`` (float16/float32 [K, ceil(H / 4), ceil(W / 4)]): stride-4 CAMs, each channel
  max-normalised to [0, 1].
- ``high_res`` (float16/float32 [K, H, W]): the same at full image resolution.
"""
import os
import os.path as osp
import tempfile
from typing import Dict, Union

import numpy as np

ArrayLike = Union[np.ndarray, 'torch.Tensor']  # noqa: F821


def cam_path(cam_dir: str, img_id: str) -> str:
    """The CAM file of an image.

    Args:
        cam_dir (str): Directory of the CAM files.
        img_id (str): Image id (file name without extension).

    Returns:
        str: ``<cam_dir>/<img_id>.npz``.
    """
    return osp.join(cam_dir, f'{img_id}.npz')


def _to_numpy(array: ArrayLike) -> np.ndarray:
    if hasattr(array, 'detach'):
        array = array.detach().cpu().numpy()
    return np.asarray(array)


def atomic_write(path: str, write_fn, suffix: str = '') -> None:
    """Write a file atomically: into a temp file of the same directory, then rename.

    A reader (or a resumed run) never sees a truncated file: either the old state (no
    file) or the complete new one.

    Args:
        path (str): Final file path.
        write_fn (callable): Called with an open binary file object to write to.
        suffix (str): Suffix of the temp file name (some writers need a known one).
            Defaults to ''.
    """
    out_dir = osp.dirname(osp.abspath(path))
    os.makedirs(out_dir, exist_ok=True)
    fd, tmp = tempfile.mkstemp(
        prefix=f'.{osp.basename(path)}.', suffix=f'.tmp{suffix}', dir=out_dir)
    try:
        with os.fdopen(fd, 'wb') as f:
            write_fn(f)
            f.flush()
            os.fsync(f.fileno())
        # mkstemp creates 0600 files; give the result the usual umask mode
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        if osp.exists(tmp):
            os.remove(tmp)
        raise


def save_cams(path: str,
              keys: ArrayLike,
              cam: ArrayLike,
              high_res: ArrayLike,
              dtype: str = 'float16') -> None:
    """Save one image's CAMs atomically.

    Args:
        path (str): Output ``.npz`` path (see :func:`cam_path`).
        keys (array): Foreground class indices, [K].
        cam (array): Stride-4 CAMs, [K, ceil(H / 4), ceil(W / 4)].
        high_res (array): Full-resolution CAMs, [K, H, W].
        dtype (str): Storage dtype of the maps. Defaults to 'float16'.
    """
    keys = _to_numpy(keys).astype(np.int64).reshape(-1)
    cam = _to_numpy(cam).astype(dtype)
    high_res = _to_numpy(high_res).astype(dtype)
    assert cam.ndim == 3 and high_res.ndim == 3, 'CAMs must be [K, H, W]'
    assert cam.shape[0] == high_res.shape[0] == keys.shape[0], \
        f'{keys.shape[0]} keys but CAMs of shape {cam.shape}, {high_res.shape}'
    atomic_write(
        path, lambda f: np.savez(f, keys=keys, cam=cam, high_res=high_res))


def load_cams(path: str) -> Dict[str, np.ndarray]:
    """Load one image's CAMs.

    Args:
        path (str): A file written by :func:`save_cams`.

    Returns:
        dict: ``keys`` (int64 [K]), ``cam`` and ``high_res`` as stored.
    """
    with np.load(path) as data:
        return {name: data[name] for name in ('keys', 'cam', 'high_res')}
