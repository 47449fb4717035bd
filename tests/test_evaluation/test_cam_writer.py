import os

import numpy as np
import torch
from mmengine.structures import PixelData

from mmirn.evaluation import CAMWriter
from mmirn.pseudo import load_cams
from mmirn.structures import WSSSDataSample


def _sample(img_id, value):
    sample = WSSSDataSample(metainfo=dict(img_path=f'/data/{img_id}.jpg'))
    keys = torch.tensor([1, 4])
    sample.cams = PixelData(
        data=torch.full((2, 9, 10), value), metainfo=dict(cam_keys=keys))
    sample.cams_strided = PixelData(
        data=torch.full((2, 3, 3), value), metainfo=dict(cam_keys=keys))
    return sample.to_dict()


def test_writes_and_keeps_existing(tmp_path):
    out = str(tmp_path / 'cams')
    writer = CAMWriter(out_dir=out)
    writer.process({}, [_sample('a', 0.5), _sample('b', 0.25)])
    assert writer.evaluate(2) == {'cam_dump/written': 2, 'cam_dump/kept': 0}
    data = load_cams(os.path.join(out, 'a.npz'))
    np.testing.assert_array_equal(data['keys'], [1, 4])
    assert data['cam'].shape == (2, 3, 3) and data['high_res'].shape == (2, 9, 10)
    assert data['high_res'].dtype == np.float16
    assert (data['high_res'] == 0.5).all()
    # a second run keeps finished files
    writer.process({}, [_sample('a', 1.0)])
    assert writer.evaluate(1) == {'cam_dump/written': 0, 'cam_dump/kept': 1}
    assert (load_cams(os.path.join(out, 'a.npz'))['high_res'] == 0.5).all()
    assert sorted(os.listdir(out)) == ['a.npz', 'b.npz']
    overwriting = CAMWriter(out_dir=out, overwrite=True, dtype='float32')
    overwriting.process({}, [_sample('a', 1.0)])
    overwriting.evaluate(1)
    data = load_cams(os.path.join(out, 'a.npz'))
    assert data['high_res'].dtype == np.float32 and (data['high_res'] == 1).all()
