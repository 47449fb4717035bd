# Copyright (c) mmirn contributors. All rights reserved.
"""CRFSegTTAModel: the merged TTA probabilities refined by a dense CRF."""
import numpy as np
import pytest
import torch
from mmengine.structures import PixelData
from PIL import Image

pytest.importorskip('mmseg')
pytest.importorskip('pydensecrf')


class _Seg(torch.nn.Module):
    out_channels = 2

    def test_step(self, data):  # BaseTTAModel wants one; merge_preds does not call it
        raise NotImplementedError


def _sample(logits, img_path):
    from mmseg.structures import SegDataSample
    s = SegDataSample(metainfo=dict(img_path=str(img_path)))
    s.seg_logits = PixelData(data=logits)
    return s


def test_crf_follows_the_image_edges(tmp_path):
    from mmseg.models import SegTTAModel
    from mmirn.seg import CRFSegTTAModel
    h, w = 24, 32
    img = np.zeros((h, w, 3), np.uint8)
    img[:, w // 2:] = 255  # two flat halves: the edge the CRF should find
    Image.fromarray(img).save(tmp_path / 'im.png')
    truth = np.zeros((h, w), np.int64)
    truth[:, w // 2:] = 1
    rng = np.random.default_rng(0)
    # two views, each a weak vote for the truth plus noise that flips some pixels
    views = []
    for _ in range(2):
        score = (2 * truth - 1) * 0.5 + rng.normal(0, 1.0, (h, w))
        views.append(torch.from_numpy(np.stack([-score, score])).float())
    samples = [[_sample(v, tmp_path / 'im.png') for v in views]]
    plain = SegTTAModel(module=_Seg()).merge_preds(samples)[0]
    samples = [[_sample(v, tmp_path / 'im.png') for v in views]]
    crf = CRFSegTTAModel(module=_Seg()).merge_preds(samples)[0]
    plain = plain.pred_sem_seg.data.numpy().reshape(h, w)
    refined = crf.pred_sem_seg.data.numpy()
    assert refined.shape == (1, h, w)
    assert (plain != truth).sum() > 20  # the noise shows without the CRF
    assert (refined[0] == truth).mean() > 0.98
