# Copyright (c) mmirn contributors. All rights reserved.
"""CAM inference and label synthesis at COCO's odd image sizes."""
import math
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parents[2]
SIZES = [(20, 17), (640, 480), (427, 640)]


@pytest.fixture(scope='module')
def cam_model():
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from mmirn.registry import MODELS
    cfg = Config.fromfile(
        str(ROOT / 'configs/cam/cam_r18_1xb8-30e_toycoco-128x128.py'))
    init_default_scope('mmirn')
    torch.manual_seed(0)
    return MODELS.build(cfg.model).eval()


@pytest.mark.parametrize('size', SIZES)
def test_cam_inference_any_size(cam_model, size):
    h, w = size
    img = torch.randn(1, 3, h, w)
    keys_in = torch.tensor([2, 11])
    with torch.no_grad():
        keys, cams, full = cam_model.infer_cams(img, keys_in)
    assert keys.tolist() == [2, 11]
    assert cams.shape == (2, math.ceil(h / 4), math.ceil(w / 4))
    assert full.shape == (2, h, w)
    for c in (cams, full):
        assert torch.isfinite(c).all()
        assert c.min() >= 0 and c.max() <= 1 + 1e-5


@pytest.mark.parametrize('size', SIZES)
def test_semantic_label_any_size(size):
    pytest.importorskip('mmirn._ext')  # the compiled walk
    from mmirn.pseudo.semantic import semantic_label
    h, w = size
    sh, sw = math.ceil(h / 4), math.ceil(w / 4)
    g = torch.Generator().manual_seed(0)
    # class 3 on the left half, class 7 on the right half of the stride-4 map
    cams = torch.zeros(2, sh, sw)
    cams[0, :, :max(1, sw // 2)] = 1
    cams[1, :, max(1, sw // 2):] = 1
    cams = cams + 0.05 * torch.rand(2, sh, sw, generator=g)
    boundary = F.avg_pool2d(torch.rand(1, 1, sh, sw, generator=g), 3, 1,
                            1)[0, 0] * 0.2
    label = semantic_label(cams, [3, 7], boundary, (h, w), num_iters=8)
    assert label.shape == (h, w)
    assert set(np.unique(label)) <= {0, 4, 8}
    assert label[:, 0].tolist().count(4) > 0.5 * h
    if sw > 1:
        assert label[:, -1].tolist().count(8) > 0.5 * h
