import os

import numpy as np
import pytest
import torch

from mmirn.pseudo import atomic_write, cam_path, load_cams, save_cams


def test_save_load_roundtrip(tmp_path):
    keys = np.array([3, 0])
    cam = np.random.rand(2, 3, 4).astype(np.float32)
    high_res = torch.rand(2, 10, 13)
    path = cam_path(str(tmp_path / 'cams'), '2007_000032')
    assert path.endswith(os.path.join('cams', '2007_000032.npz'))
    save_cams(path, keys, cam, high_res)
    data = load_cams(path)
    assert data['keys'].dtype == np.int64
    np.testing.assert_array_equal(data['keys'], keys)
    assert data['cam'].dtype == np.float16
    assert data['high_res'].shape == (2, 10, 13)
    np.testing.assert_allclose(data['cam'], cam, atol=1e-3)
    np.testing.assert_allclose(data['high_res'], high_res.numpy(), atol=1e-3)
    # only the final file is left behind
    assert os.listdir(tmp_path / 'cams') == ['2007_000032.npz']


def test_save_float32_and_empty(tmp_path):
    path = cam_path(str(tmp_path), 'a')
    save_cams(path, np.zeros(0), np.zeros((0, 2, 2)), np.zeros((0, 5, 5)),
              dtype='float32')
    data = load_cams(path)
    assert data['keys'].shape == (0, )
    assert data['high_res'].shape == (0, 5, 5)
    assert data['cam'].dtype == np.float32


def test_save_checks_shapes(tmp_path):
    with pytest.raises(AssertionError):
        save_cams(cam_path(str(tmp_path), 'a'), [1], np.zeros((2, 2, 2)),
                  np.zeros((2, 4, 4)))


def test_atomic_write_keeps_old_file_on_failure(tmp_path):
    path = str(tmp_path / 'x.bin')
    atomic_write(path, lambda f: f.write(b'old'))

    def broken(f):
        f.write(b'partial')
        raise RuntimeError('killed')

    with pytest.raises(RuntimeError):
        atomic_write(path, broken)
    assert open(path, 'rb').read() == b'old'
    assert os.listdir(tmp_path) == ['x.bin']


def test_atomic_write_gives_the_umask_mode(tmp_path):
    path = str(tmp_path / 'a.bin')
    old = os.umask(0o022)
    try:
        atomic_write(path, lambda f: f.write(b'x'))
    finally:
        os.umask(old)
    assert os.stat(path).st_mode & 0o777 == 0o644
