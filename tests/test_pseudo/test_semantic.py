import numpy as np
import torch
from PIL import Image

import pytest

from mmirn.pseudo.semantic import (class_scores, confusion_matrix, load_png,
                                   miou_from_confusion, normalize_max,
                                   save_png, semantic_label, voc_palette)


def test_voc_palette_and_png_roundtrip(tmp_path):
    palette = voc_palette()
    assert palette[0].tolist() == [0, 0, 0]
    assert palette[1].tolist() == [128, 0, 0]
    assert palette[15].tolist() == [192, 128, 128]  # person
    label = np.array([[0, 1], [15, 255]], dtype=np.uint8)
    path = tmp_path / 'sub' / 'a.png'
    save_png(label, str(path))
    img = Image.open(path)
    assert img.mode == 'P'
    assert (load_png(str(path)) == label).all()
    assert not [p for p in path.parent.iterdir() if p.name != 'a.png']


def test_semantic_label_stops_at_boundaries():
    # A 16x16 stride-4 map, the class CAM only in a blob on the left and a wall
    # of boundary at column 8: the walk fills the left part, not the right.
    cams = torch.zeros(1, 16, 16)
    cams[0, 6:10, 2:4] = 1.
    boundary = torch.zeros(16, 16)
    boundary[:, 8] = 1.
    label = semantic_label(cams, [2], boundary, (64, 62), num_iters=256)
    assert label.shape == (64, 62) and label.dtype == np.uint8
    assert (label[:, :28] == 3).all()
    assert (label[:, 36:] == 0).all()
    # Without the walk the CAM blob stays a blob.
    plain = semantic_label(cams, [2], None, (64, 62))
    assert (plain == 3).mean() < 0.1
    # No classes: all background.
    none = semantic_label(torch.zeros(0, 16, 16), [], boundary, (64, 62))
    assert (none == 0).all()


def test_normalize_max_groups():
    x = torch.tensor([1., 2., 4.]).view(3, 1, 1)
    assert normalize_max(x).flatten().tolist() == [1., 1., 1.]
    out = normalize_max(x, groups=torch.tensor([0, 0, 1])).flatten()
    assert torch.allclose(out, torch.tensor([0.5, 1., 1.]), atol=1e-4)


def test_global_normalisation_keeps_weak_classes_weak():
    # Class 3 peaks at 1 on the left, class 5 at 0.2 on the right (stride 4).
    cams = torch.zeros(2, 4, 4)
    cams[0, :, :2] = 1.
    cams[1, :, 2:] = 0.2
    # Per class each peak becomes 1: the right half is class 5.
    per_class = semantic_label(cams, [3, 5], None, (16, 16), bg_thr=0.25)
    assert (per_class[:, :4] == 4).all() and (per_class[:, -4:] == 6).all()
    # IRN's released code divides by the maximum over all classes: 0.2 < 0.25,
    # the right half is background.
    released = semantic_label(cams, [3, 5], None, (16, 16), bg_thr=0.25,
                              norm='global')
    assert (released[:, :4] == 4).all() and (released[:, -4:] == 0).all()
    scores = class_scores(cams, None, (16, 16), norm='global')
    assert scores.max() == pytest.approx(1., abs=1e-4)
    assert scores[1].max() == pytest.approx(0.2, abs=1e-4)
    with pytest.raises(ValueError, match='norm'):
        class_scores(cams, None, (16, 16), norm='image')


def test_confusion_and_miou():
    gt = np.array([[0, 0, 1, 255]])
    pred = np.array([[0, 1, 1, 1]])
    conf = confusion_matrix(pred, gt, num_classes=3)
    assert conf.sum() == 3
    miou, iou = miou_from_confusion(conf)
    # class 0: 1 / 2, class 1: 1 / 2, class 2 absent
    assert np.isnan(iou[2]) and miou == 0.5
