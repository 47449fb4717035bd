import torch
from mmengine.structures import PixelData

from mmirn.models import WSSSDataPreProcessor
from mmirn.structures import WSSSDataSample


def _sample(h, w, with_relation=True):
    sample = WSSSDataSample(metainfo=dict(img_shape=(h, w), ori_shape=(h, w)))
    sample.gt_label = torch.tensor([1., 0.])
    sample.gt_sem_seg = PixelData(data=torch.ones(1, h, w, dtype=torch.long))
    if with_relation:
        sample.gt_relation = PixelData(
            data=torch.full((1, h, w), 2, dtype=torch.uint8))
    return sample


def test_pads_relation_with_ignore_in_training():
    pre = WSSSDataPreProcessor(
        mean=[0, 0, 0], std=[1, 1, 1], size=(8, 10), seg_pad_val=255)
    data = dict(
        inputs=[torch.ones(3, 6, 7), torch.ones(3, 8, 10)],
        data_samples=[_sample(6, 7), _sample(8, 10, with_relation=False)])
    out = pre(data, training=True)
    assert out['inputs'].shape == (2, 3, 8, 10)
    relation = out['data_samples'][0].gt_relation.data
    assert relation.shape == (1, 8, 10)
    assert (relation[:, :6, :7] == 2).all()
    assert (relation[:, 6:] == 255).all() and (relation[:, :, 7:] == 255).all()
    sem = out['data_samples'][0].gt_sem_seg.data
    assert (sem[:, 6:] == 255).all()
    assert 'gt_relation' not in out['data_samples'][1]


def test_test_mode_keeps_size():
    pre = WSSSDataPreProcessor(mean=[0, 0, 0], std=[1, 1, 1])
    data = dict(inputs=[torch.ones(3, 5, 9)], data_samples=[_sample(5, 9)])
    out = pre(data, training=False)
    assert out['inputs'].shape == (1, 3, 5, 9)
    assert out['data_samples'][0].gt_relation.shape == (5, 9)
