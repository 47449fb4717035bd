"""Broken CAM files give an error naming the file and what is wrong."""
import numpy as np
import pytest

from mmirn.pseudo import CAMFileError, load_cams, save_cams


def _good(path, h=9, w=13, keys=(1, 4)):
    k = len(keys)
    rng = np.random.default_rng(0)
    save_cams(str(path), np.array(keys), rng.random((k, -(-h // 4), -(-w // 4))),
              rng.random((k, h, w)))
    return str(path)


def _expect(path, what, **kwargs):
    with pytest.raises(CAMFileError) as e:
        load_cams(str(path), **kwargs)
    assert str(path) in str(e.value) and what in str(e.value), str(e.value)


def test_good_file_loads(tmp_path):
    out = load_cams(_good(tmp_path / 'a.npz'), img_shape=(9, 13), num_classes=5)
    assert out['keys'].tolist() == [1, 4]
    assert out['high_res'].shape == (2, 9, 13)


def test_empty_and_truncated(tmp_path):
    (tmp_path / 'empty.npz').write_bytes(b'')
    _expect(tmp_path / 'empty.npz', 'empty')
    data = open(_good(tmp_path / 'a.npz'), 'rb').read()
    for cut in (10, len(data) // 2, len(data) - 5):
        p = tmp_path / f'cut{cut}.npz'
        p.write_bytes(data[:cut])
        _expect(p, 'unreadable')
    p = tmp_path / 'text.npz'
    p.write_text('not a zip')
    _expect(p, 'unreadable')


def test_malformed(tmp_path):
    p = tmp_path / 'nokey.npz'
    np.savez(p, cam=np.zeros((1, 3, 4)), high_res=np.zeros((1, 9, 13)))
    _expect(p, 'no keys')
    p = tmp_path / 'k.npz'
    np.savez(p, keys=np.array([1, 2]), cam=np.zeros((1, 3, 4)),
             high_res=np.zeros((1, 9, 13)))
    _expect(p, '2 keys')
    p = tmp_path / 'stride.npz'
    np.savez(p, keys=np.array([1]), cam=np.zeros((1, 5, 5)),
             high_res=np.zeros((1, 9, 13)))
    _expect(p, 'stride-4')
    p = tmp_path / 'fk.npz'
    np.savez(p, keys=np.array([0.5]), cam=np.zeros((1, 3, 4)),
             high_res=np.zeros((1, 9, 13)))
    _expect(p, 'integer')


def test_semantic_errors(tmp_path):
    p = _good(tmp_path / 'a.npz', keys=(1, 7))
    _expect(p, 'outside [0, 5)', num_classes=5)
    _expect(p, 'the image is 10x13', img_shape=(10, 13))
    p = tmp_path / 'nan.npz'
    hr = np.zeros((1, 9, 13))
    hr[0, 2:4, 2:4] = np.nan
    np.savez(p, keys=np.array([1]), cam=np.zeros((1, 3, 4)), high_res=hr)
    _expect(p, 'high_res has 4 non-finite')
    p = tmp_path / 'rep.npz'
    np.savez(p, keys=np.array([1, 1]), cam=np.zeros((2, 3, 4)),
             high_res=np.zeros((2, 9, 13)))
    _expect(p, 'repeated')


def test_label_step_rejects_out_of_range_key(tmp_path):
    """A class key beyond the dataset's classes stops the labels' test pipeline
    (``LoadCAMs``) with an error naming the file, before any label is made."""
    from mmirn.datasets.transforms import LoadCAMs
    save_cams(str(tmp_path / 'img1.npz'), [7], np.ones((1, 12, 24)),
              np.ones((1, 48, 96)))
    results = dict(cam_path=str(tmp_path / 'img1.npz'), ori_shape=(48, 96),
                   gt_label=np.zeros(2, dtype=np.float32))
    with pytest.raises(CAMFileError, match=r'img1\.npz.*outside \[0, 2\)'):
        LoadCAMs().transform(results)
