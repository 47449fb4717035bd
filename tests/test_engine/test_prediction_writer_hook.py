"""PredictionWriterHook: one writer for CAMs, semantic and instance labels; resumes."""
import json
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from mmengine.structures import InstanceData, PixelData
from PIL import Image
from torch.utils.data import DataLoader

from mmirn.engine.hooks import PredictionWriterHook
from mmirn.pseudo import load_cams
from mmirn.structures import WSSSDataSample


def _sample(img_id):
    sample = WSSSDataSample(metainfo=dict(
        img_id=img_id, img_path=f'x/{img_id}.jpg', ori_shape=(8, 12)))
    keys = torch.tensor([1, 3])
    sample.pred_cams = PixelData(data=torch.rand(2, 8, 12),
                                 metainfo=dict(cam_keys=keys, stride=1))
    sample.pred_cams_strided = PixelData(data=torch.rand(2, 2, 3),
                                         metainfo=dict(cam_keys=keys, stride=4))
    label = torch.zeros(1, 8, 12, dtype=torch.long)
    label[0, :4] = 2
    sample.pred_sem_seg = PixelData(data=label)
    masks = torch.zeros(2, 8, 12, dtype=torch.bool)
    masks[0, :4, :6] = True
    masks[1, 4:, 6:] = True
    sample.pred_instances = InstanceData(
        masks=masks, labels=torch.tensor([1, 0]), scores=torch.tensor([0.9, 0.]))
    return sample


class _Dataset:
    metainfo = dict(classes=('background', 'a', 'b'))

    def __init__(self, ids):
        self.ids = ids

    def __len__(self):
        return len(self.ids)

    def __getitem__(self, i):
        return i

    def get_data_info(self, i):
        return dict(img_id=self.ids[i])


def _runner(ids):
    loader = DataLoader(_Dataset(ids), batch_size=1, shuffle=False)
    return SimpleNamespace(test_loop=SimpleNamespace(dataloader=loader))


def test_writes_every_output(tmp_path):
    dirs = dict(cams=str(tmp_path / 'cams'), sem=str(tmp_path / 'sem'),
                ins=str(tmp_path / 'ins'))
    hook = PredictionWriterHook(out_dirs=dirs)
    runner = _runner(['a', 'b'])
    samples = [_sample('a'), _sample('b')]
    hook.after_test_iter(runner, 0, outputs=samples)
    cams = load_cams(str(tmp_path / 'cams' / 'a.npz'))
    assert cams['keys'].tolist() == [1, 3]
    np.testing.assert_allclose(cams['high_res'], samples[0].pred_cams.data.numpy(),
                               atol=1e-3)
    sem = np.asarray(Image.open(tmp_path / 'sem' / 'a.png'))
    np.testing.assert_array_equal(sem, samples[0].pred_sem_seg.data[0].numpy())
    ins = np.asarray(Image.open(tmp_path / 'ins' / 'a.png'))
    assert (ins[:4, :6] == 1).all() and (ins[4:, 6:] == 2).all()
    record = json.loads((tmp_path / 'ins' / 'a.json').read_text())
    assert record['labels'] == [1, 0] and record['scores'] == pytest.approx([0.9, 0])
    hook.after_test(runner)
    coco = json.loads((tmp_path / 'ins.json').read_text())
    assert [c['name'] for c in coco['categories']] == ['a', 'b']
    assert len(coco['images']) == 2
    # fragments (score 0) stay out of the COCO file
    assert [a['category_id'] for a in coco['annotations']] == [2, 2]


def test_resume_leaves_finished_images_out(tmp_path):
    hook = PredictionWriterHook(out_dirs=dict(sem=str(tmp_path / 'sem'),
                                              ins=str(tmp_path / 'ins')))
    runner = _runner(['a', 'b', 'c'])
    hook.after_test_iter(runner, 0, outputs=[_sample('b')])
    (tmp_path / 'ins' / 'c.png').parent.mkdir(exist_ok=True)
    hook.write(_sample('c'))
    (tmp_path / 'ins' / 'c.json').unlink()  # killed before its last file
    hook.before_test(runner)
    assert list(runner.test_loop.dataloader) == [torch.tensor([0]),
                                                 torch.tensor([2])]
    # everything done: one image is kept so that the metrics have a result
    for img_id in 'ac':
        hook.write(_sample(img_id))
    runner = _runner(['a', 'b', 'c'])
    hook.before_test(runner)
    assert len(runner.test_loop.dataloader) == 1
    # without resume nothing is left out
    runner = _runner(['a', 'b', 'c'])
    PredictionWriterHook(out_dirs=dict(sem=str(tmp_path / 'sem')),
                         resume=False).before_test(runner)
    assert len(runner.test_loop.dataloader) == 3


def test_unknown_output():
    with pytest.raises(ValueError, match='unknown outputs'):
        PredictionWriterHook(out_dirs=dict(labels='x'))
