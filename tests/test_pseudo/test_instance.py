import numpy as np
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
