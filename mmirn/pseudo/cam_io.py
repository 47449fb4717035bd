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
from typing import Dict, Optional, Tuple, Union

import numpy as np

from mmirn.utils.file_faults import name_path_in_os_errors

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
    file) or the complete new one. The temp file of a killed write is removed by the
    next run (:func:`mmirn.utils.remove_temp_files`); an ``OSError`` naming no file
    (a full disk) is re-raised naming ``path``.

    Args:
        path (str): Final file path.
        write_fn (callable): Called with an open binary file object to write to.
        suffix (str): Suffix of the temp file name (some writers need a known one).
            Defaults to ''.
    """
    out_dir = osp.dirname(osp.abspath(path))
    os.makedirs(out_dir, exist_ok=True)
    with name_path_in_os_errors(path):
        fd, tmp = tempfile.mkstemp(
            prefix=f'.{osp.basename(path)}.', suffix=f'.tmp{suffix}', dir=out_dir)
    try:
        with name_path_in_os_errors(path), os.fdopen(fd, 'wb') as f:
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


class CAMFileError(ValueError):
    """A CAM file that is unreadable or not what :func:`save_cams` writes."""


def load_cams(path: str,
              img_shape: Optional[Tuple[int, int]] = None,
              num_classes: Optional[int] = None) -> Dict[str, np.ndarray]:
    """Load and check one image's CAMs.

    Checked: the file is a complete ``.npz`` with ``keys``, ``cam`` and ``high_res``;
    the maps are [K, H, W] with one channel per key, the stride-4 maps are
    ``ceil(H / 4) x ceil(W / 4)`` of the full-resolution ones (and of ``img_shape``
    when given); keys are distinct integers in ``[0, num_classes)`` (when given);
    all values are finite.

    Args:
        path (str): A file written by :func:`save_cams`.
        img_shape (tuple[int, int], optional): The image's (H, W). Defaults to None.
        num_classes (int, optional): Number of foreground classes the keys index.
            Defaults to None.

    Returns:
        dict: ``keys`` (int64 [K]), ``cam`` and ``high_res`` as stored.

    Raises:
        CAMFileError: naming the file and what is wrong with it.
    """

    def fail(what):
        raise CAMFileError(f'CAM file {path}: {what} (delete it to have it '
                           'written again)')

    if not osp.isfile(path):
        raise FileNotFoundError(f'CAM file {path} does not exist')
    if osp.getsize(path) == 0:
        fail('empty file')
    try:
        with np.load(path, allow_pickle=False) as data:
            missing = [n for n in ('keys', 'cam', 'high_res') if n not in data]
            if missing:
                fail(f'no {", ".join(missing)} array(s); has {sorted(data.files)}')
            out = {name: data[name] for name in ('keys', 'cam', 'high_res')}
    except CAMFileError:
        raise
    except Exception as e:  # BadZipFile, EOFError, ValueError, zlib.error, ...
        fail(f'unreadable (truncated or not an .npz): {type(e).__name__}: {e}')
    keys, cam, high_res = out['keys'], out['cam'], out['high_res']
    if keys.ndim != 1 or not np.issubdtype(keys.dtype, np.integer):
        fail(f'keys must be a 1-d integer array, got {keys.dtype} {keys.shape}')
    if cam.ndim != 3 or high_res.ndim != 3:
        fail(f'CAMs must be [K, H, W], got cam {cam.shape}, high_res '
             f'{high_res.shape}')
    if not cam.shape[0] == high_res.shape[0] == keys.shape[0]:
        fail(f'{keys.shape[0]} keys but cam {cam.shape}, high_res {high_res.shape}')
    h, w = high_res.shape[1:]
    if img_shape is not None and (h, w) != tuple(img_shape[:2]):
        fail(f'high_res is {h}x{w} but the image is '
             f'{img_shape[0]}x{img_shape[1]}')
    if cam.shape[1:] != (-(-h // 4), -(-w // 4)):
        fail(f'stride-4 cam {cam.shape[1:]} does not fit high_res {h}x{w}')
    if len(np.unique(keys)) != len(keys):
        fail(f'repeated keys {keys.tolist()}')
    if len(keys) and (keys.min() < 0 or
                      (num_classes is not None and keys.max() >= num_classes)):
        fail(f'keys {keys.tolist()} outside [0, {num_classes})')
    for name in ('cam', 'high_res'):
        if not np.isfinite(out[name]).all():
            fail(f'{name} has {int((~np.isfinite(out[name])).sum())} '
                 'non-finite values')
    return out
