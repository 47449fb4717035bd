import numpy as np
import pytest
import torch

from mmirn.pseudo.instance import (find_centroids, instance_labels,
                                   instance_map, refine_displacement)


def two_touching_instances(h=12, w=24):
    """Two boxes side by side (columns [0, w/2) and [w/2, w)), each with a
    displacement field pointing to its own centre."""
    ys, xs = torch.meshgrid(
        torch.arange(h, dtype=torch.float32),
        torch.arange(w, dtype=torch.float32),
        indexing='ij')
    left = xs < w // 2
    cy = (h - 1) / 2
    cx = torch.where(left, torch.tensor((w // 2 - 1) / 2),
                     torch.tensor(w // 2 + (w // 2 - 1) / 2))
    return torch.stack([cy - ys, cx - xs]), left


def test_refine_displacement_converges_to_centroids():
    disp, _ = two_touching_instances()
    # Half steps: one refinement step is not enough, many are.
    half = disp / 2
    refined = refine_displacement(half, num_iters=30)
    assert torch.allclose(refined, disp, atol=0.1)
    assert not torch.allclose(refine_displacement(half, 1), disp, atol=0.1)


def test_two_touching_instances_give_two_clusters():
    disp, left = two_touching_instances()
    centroids = find_centroids(disp, threshold=2.5)
    assert centroids.max() == 2  # one 4-connected candidate blob per box
    ins = instance_map(disp / 2, num_iters=50, centroid_thr=1.0)
    ids = np.unique(ins)
    assert len(ids[ids > 0]) == 2
    left = left.numpy()
    assert len(np.unique(ins[left])) == 1 and len(np.unique(ins[~left])) == 1
    assert ins[left][0] != ins[~left][0] and (ins > 0).all()


def test_instance_labels_modes_on_two_touching_objects():
    h4, w4 = 12, 24
    disp, left = two_touching_instances(h4, w4)
    cams = torch.ones(1, h4, w4)
    boundary = torch.zeros(h4, w4)
    boundary[:, w4 // 2] = 1.  # the class boundary between them
    img_shape = (h4 * 4, w4 * 4)
    keys = [6]
    full = instance_labels(
        cams, keys, img_shape, boundary=boundary, displacement=disp,
        mode='full', num_iters=32)
    cam = instance_labels(cams, keys, img_shape, mode='cam')
    cam_b = instance_labels(
        cams, keys, img_shape, boundary=boundary, mode='cam_boundary',
        num_iters=32)
    # CAM alone merges the two objects; the others separate them.
    assert len(cam['masks']) == 1
    assert len(full['masks']) == 2
    assert (full['labels'] == 6).all() and (full['scores'] > 0.25).all()
    assert full['masks'].shape == (2, ) + img_shape
    # Each detection covers one side.
    left_full = np.repeat(np.repeat(left.numpy(), 4, 0), 4, 1)
    sides = sorted(float(m[left_full].mean()) for m in full['masks'])
    assert sides[0] < 0.05 and sides[1] > 0.9
    # The boundary walk alone also splits here (a wall separates them).
    assert len(cam_b['masks']) == 2
    # The instance PNG numbers the detections.
    assert set(np.unique(full['instance_map'])) <= {0, 1, 2}
    assert (full['instance_map'] > 0).mean() > 0.85


def row_field(dx):
    """A (2, 2, w) field moving along the rows only, two equal rows."""
    dx = torch.tensor(dx, dtype=torch.float32)
    return torch.stack([torch.zeros(2, len(dx)), dx.expand(2, -1)])


def test_refinement_clamps_after_every_move():
    # Column 0 jumps 10 to the right, out of the 8 columns; the last column
    # points 4 back. Clamped after each move (released code) the point stops at
    # column 7 and goes back to 3; unclamped it reaches 10 and goes back to 6.
    disp = row_field([10, 0, 0, 0, 0, 0, 0, -4])
    step = refine_displacement(disp, num_iters=5, clamp='step')
    end = refine_displacement(disp, num_iters=5, clamp='end')
    assert step[1, :, 0].tolist() == [3., 3.]
    assert end[1, :, 0].tolist() == [6., 6.]
    # Both modes agree where no point leaves the map.
    assert torch.equal(step[:, :, 1:], end[:, :, 1:])
    assert step[1, 0, 7] == -4.
    with pytest.raises(ValueError, match='clamp'):
        refine_displacement(disp, clamp='never')


def test_refinement_counts_moves():
    # A field halving the distance to column 0: u moves leave 2^-u of it.
    disp = row_field([-0.5 * x for x in range(5)])
    for u in (1, 3):
        pos = 4 + refine_displacement(disp, num_iters=u, clamp='step')[1, 0, 4]
        assert pos.item() == pytest.approx(4 * 0.5**u, abs=1e-5)


def test_unassigned_pixels_form_one_instance():
    # Columns 0-2 are the only centroid candidates (|D| < 2.5); columns 3-7 move
    # 3 to the right and end at column 7, in no candidate region.
    disp = row_field([0, 0, 0, 3, 3, 3, 3, 3])
    drop = instance_map(disp, num_iters=10, clamp='step', unassigned='drop')
    keep = instance_map(disp, num_iters=10, clamp='step', unassigned='instance')
    assert drop[0].tolist() == [1, 1, 1, 0, 0, 0, 0, 0]
    assert keep[0].tolist() == [1, 1, 1, 2, 2, 2, 2, 2]
    with pytest.raises(ValueError, match='unassigned'):
        instance_map(disp, unassigned='ignore')
    # Their CAM is walked: a second detection on the right (a wall at column 3
    # keeps the two CAMs apart).
    cams = torch.ones(1, 2, 8)
    boundary = torch.zeros(2, 8)
    boundary[:, 3] = 1.
    kwargs = dict(boundary=boundary, displacement=disp, mode='full',
                  num_iters=16, refine_iters=10, refine_clamp='step')
    dets = {
        mode: instance_labels(cams, [4], (8, 32), unassigned=mode, **kwargs)
        for mode in ('drop', 'instance')
    }
    assert len(dets['drop']['masks']) == 1
    assert dets['drop']['masks'][0][:, 20:].sum() == 0
    assert len(dets['instance']['masks']) == 2
    assert dets['instance']['masks'][:, :, 20:].any(0).all()


def test_full_mode_global_normalisation():
    # Two touching objects of two classes, the right one's CAM five times weaker.
    h4, w4 = 12, 24
    disp, left = two_touching_instances(h4, w4)
    cams = torch.stack([left.float(), 0.2 * (~left).float()])
    boundary = torch.zeros(h4, w4)
    boundary[:, w4 // 2] = 1.
    kwargs = dict(boundary=boundary, displacement=disp, mode='full',
                  num_iters=32, bg_thr=0.25)
    per_class = instance_labels(cams, [1, 7], (48, 96), **kwargs)
    released = instance_labels(cams, [1, 7], (48, 96), norm='global', **kwargs)
    assert sorted(per_class['labels'].tolist()) == [1, 7]
    assert released['labels'].tolist() == [1]


def test_fragments_score_zero_and_empty_keys():
    cams = torch.zeros(1, 25, 25)
    cams[0, 2:12, 2:12] = 1.
    cams[0, 20, 20] = 1.  # a single stride-4 pixel: < 1 % of the image
    dets = instance_labels(cams, [0], (100, 100), mode='cam')
    assert len(dets['masks']) == 2
    assert dets['scores'][0] == 1. and dets['scores'][1] == 0.
    empty = instance_labels(
        torch.zeros(0, 25, 25), [], (100, 100), mode='cam')
    assert empty['masks'].shape == (0, 100, 100)
    assert (empty['instance_map'] == 0).all()


def test_displacement_to_rgb():
    from mmirn.pseudo.instance import displacement_to_rgb
    disp = torch.zeros(2, 2, 2)
    disp[1, 0, 0] = 1.  # pointing right
    disp[1, 0, 1] = -1.  # pointing left
    rgb = displacement_to_rgb(disp)
    assert rgb.shape == (2, 2, 3) and rgb.dtype == np.uint8
    assert (rgb[1, 0] == 255).all()  # zero displacement is white
    assert not (rgb[0, 0] == rgb[0, 1]).all()  # directions differ in hue
