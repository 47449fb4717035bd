"""WSSSVisualizer: the colours of each draw_* at known pixels, and the backends."""
from pathlib import Path

import numpy as np
import pytest
from mmengine.config import Config
from PIL import Image

from mmirn.pseudo import voc_palette
from mmirn.visualization import (WSSSVisualizer, build_wsss_visualizer,
                                 label_palette)

ROOT = Path(__file__).resolve().parents[2]
H, W = 8, 12
JET_HIGH, JET_LOW = (128, 0, 0), (0, 0, 128)  # cv2's jet at 1 and 0, RGB


@pytest.fixture(scope='module')
def vis():
    return build_wsss_visualizer(name='test_wsss_visualizer')


def _on(vis, image=None):
    vis.set_image(np.full((H, W, 3), 100, np.uint8) if image is None else image)
    return vis


def test_draw_cams(vis):
    cams = np.zeros((2, H, W), np.float32)
    cams[0, 1, 2] = 1.
    cams[1, 5, 7] = 1.  # the maximum over the classes is drawn
    out = _on(vis).draw_cams(cams, alpha=1.).get_image()
    assert tuple(out[1, 2]) == JET_HIGH and tuple(out[5, 7]) == JET_HIGH
    assert tuple(out[0, 0]) == JET_LOW
    # half the heat over the image, and a CAM at a lower resolution is resized
    out = _on(vis).draw_cams(np.ones((H // 2, W // 2)), alpha=.5).get_image()
    np.testing.assert_array_equal(out[3, 3], (114, 50, 50))
    # no CAM at all (no class present) is cold everywhere
    out = _on(vis).draw_cams(np.zeros((0, H, W)), alpha=1.).get_image()
    assert (out == JET_LOW).all(-1).all()


def test_draw_displacement(vis):
    disp = np.zeros((2, H // 4, W // 4), np.float32)
    disp[1, 0, 0] = 2.  # points right, full length
    disp[1, 0, 1] = -2.  # points left
    disp[0, 1, 0] = 2.  # points down
    disp[1, 1, 1] = -1.  # left, half length
    out = _on(vis).draw_displacement(disp, max_norm=2.).get_image()
    # stride 4: each field pixel is a 4 x 4 block of the picture
    np.testing.assert_array_equal(out[0, 0], (0, 255, 255))
    np.testing.assert_array_equal(out[3, 3], (0, 255, 255))
    np.testing.assert_array_equal(out[2, 5], (255, 0, 0))
    np.testing.assert_array_equal(out[6, 1], (128, 0, 255))
    np.testing.assert_array_equal(out[6, 6], (255, 128, 128))
    np.testing.assert_array_equal(out[0, 10], (255, 255, 255))  # no motion
    with pytest.raises(AssertionError, match='stride-4'):
        _on(vis).draw_displacement(np.zeros((2, H, W)))
    full = _on(vis).draw_displacement(np.zeros((2, H, W)), stride=1)
    assert (full.get_image() == 255).all()


def test_draw_boundary(vis):
    out = _on(vis).draw_boundary(np.full((1, 2, 3), .25)).get_image()
    assert (out == 191).all()  # 255 * (1 - 0.25), rounded
    bound = np.zeros((4, 6), np.float32)
    bound[2] = 1.  # one boundary row of the stride-4 map
    out = _on(vis, np.zeros((16, 24, 3), np.uint8)).draw_boundary(bound)
    out = out.get_image()
    assert out[9:11].max() < 40 and (out[0:4] == 255).all()


def test_draw_sem_seg(vis):
    sem = np.zeros((H, W), np.uint8)
    sem[2, 3], sem[4, 5], sem[0, 0] = 1, 2, 255
    out = _on(vis).draw_sem_seg(sem).get_image()
    palette = voc_palette()
    np.testing.assert_array_equal(out[2, 3], (128, 0, 0))
    np.testing.assert_array_equal(out[4, 5], (0, 128, 0))
    np.testing.assert_array_equal(out[0, 0], palette[255])
    np.testing.assert_array_equal(out[7, 7], (0, 0, 0))
    own = np.zeros((256, 3), np.uint8)
    own[1] = (10, 20, 30)
    out = _on(vis).draw_sem_seg(sem, own, alpha=.5).get_image()
    np.testing.assert_array_equal(out[2, 3], (55, 60, 65))
    np.testing.assert_array_equal(out[7, 7], (50, 50, 50))


def test_draw_instances_on_cams(vis):
    ins = np.zeros((H, W), np.uint8)
    ins[1, 1], ins[2, 2], ins[3, 3] = 1, 2, 255
    image = np.random.RandomState(0).randint(0, 256, (H, W, 3)).astype(np.uint8)
    out = _on(vis, image).draw_instances(ins, alpha=1.).get_image()
    np.testing.assert_array_equal(out[1, 1], label_palette()[1])
    np.testing.assert_array_equal(out[2, 2], label_palette()[2])
    # background and ignored pixels keep the image
    np.testing.assert_array_equal(out[ins == 0], image[ins == 0])
    np.testing.assert_array_equal(out[3, 3], image[3, 3])
    # draws compose: instances over a CAM overlay keep the overlay elsewhere
    cams = np.ones((H, W))
    out = _on(vis).draw_cams(cams, alpha=1.).draw_instances(ins, alpha=1.)
    out = out.get_image()
    assert tuple(out[0, 0]) == JET_HIGH
    np.testing.assert_array_equal(out[1, 1], label_palette()[1])


def _local_png(tmp_path, name):
    return np.array(Image.open(tmp_path / 'vis_data' / 'vis_image' / f'{name}_0.png'))


def test_panels_reach_local_backend(tmp_path):
    vis = build_wsss_visualizer(dict(vis_backends=[dict(type='LocalVisBackend')]),
                                str(tmp_path))
    img = np.full((H, W, 3), 80, np.uint8)
    cams = np.zeros((2, H, W), np.float32)
    cams[1, 2, 2] = 1.
    label = np.zeros((H, W), np.uint8)
    panel = vis.add_cam_panel('cams_a', img, [0, 3], cams, relation=label,
                              class_names=list('abcd'))
    # image | CAM a | CAM d | relations, with a caption strip on top
    assert panel.shape[1] == 4 * W and panel.shape[0] > H
    np.testing.assert_array_equal(_local_png(tmp_path, 'cams_a'), panel)
    top = panel.shape[0] - H
    assert tuple(panel[top + 2, 2 * W + 2]) == (104, 40, 40)  # CAM d peaks there
    tiles = vis.irn_tiles(img, cams, np.zeros((2, 2, 3)), np.zeros((2, 3)),
                          label, label)
    panel = vis.add_irn_panel('fig', [tiles, tiles], tile_size=32)
    np.testing.assert_array_equal(_local_png(tmp_path, 'fig'), panel)


def test_build_from_config(tmp_path):
    cfg = Config.fromfile(str(ROOT / 'configs/_base_/default_runtime.py')).visualizer
    vis = build_wsss_visualizer(cfg, str(tmp_path))
    assert type(vis) is WSSSVisualizer  # SegLocalVisualizer swapped
    assert list(vis._vis_backends) == ['LocalVisBackend']
    assert cfg.vis_backends[0].get('save_dir') is None  # the config is untouched
    # without a directory there are no backends, and nothing is written
    vis = build_wsss_visualizer(cfg)
    assert vis._vis_backends == {}
    vis.add_image('x', np.zeros((2, 2, 3), np.uint8))
    assert not list(tmp_path.rglob('x_0.png'))


def test_tensorboard_backend(tmp_path):
    pytest.importorskip('tensorboard')
    from tensorboard.backend.event_processing.event_accumulator import \
        EventAccumulator
    vis = build_wsss_visualizer(
        dict(vis_backends=[dict(type='LocalVisBackend'),
                           dict(type='TensorboardVisBackend')]), str(tmp_path))
    img = np.full((H, W, 3), 80, np.uint8)
    vis.add_cam_panel('cams_b', img, [0], np.ones((1, H, W)), step=3)
    vis.close()
    events = list(tmp_path.rglob('events.out.tfevents.*'))
    assert events
    acc = EventAccumulator(str(events[0].parent))
    acc.Reload()
    assert 'cams_b' in acc.Tags()['images']
    assert acc.Images('cams_b')[0].step == 3


def test_seg_datasample_still_drawn(tmp_path):
    """As a SegLocalVisualizer, it serves SegVisualizationHook's add_datasample."""
    import torch
    from mmengine.structures import PixelData
    from mmseg.structures import SegDataSample
    vis = build_wsss_visualizer(dict(type='WSSSVisualizer', alpha=1.,
                                     vis_backends=[dict(type='LocalVisBackend')]),
                                str(tmp_path))
    vis.set_dataset_meta(classes=('background', 'a'),
                         palette=[[0, 0, 0], [0, 0, 255]])
    sample = SegDataSample()
    sem = torch.zeros((1, H, W), dtype=torch.long)
    sem[0, :, 6:] = 1
    sample.gt_sem_seg = PixelData(data=sem)
    vis.add_datasample('seg', np.full((H, W, 3), 100, np.uint8), sample,
                       draw_pred=False, with_labels=False)
    out = _local_png(tmp_path, 'seg')
    np.testing.assert_array_equal(out[4, 9], (0, 0, 255))
    np.testing.assert_array_equal(out[4, 2], (0, 0, 0))
