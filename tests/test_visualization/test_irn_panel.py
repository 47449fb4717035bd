"""IRN Figure 9 panels (WSSSVisualizer.irn_tiles, draw_irn_grid) from synthetic arrays."""
import numpy as np
import pytest

from mmirn.pseudo import voc_palette
from mmirn.visualization import (IRN_COLUMNS, build_wsss_visualizer,
                                 colour_wheel, draw_irn_grid)

H, W = 24, 32
_VIS = build_wsss_visualizer(name='test_irn_panel')


def irn_tiles(*args, **kwargs):
    return _VIS.irn_tiles(*args, **kwargs)


def draw_irn_panel(*args):
    return draw_irn_grid([irn_tiles(*args)])


def _inputs():
    rng = np.random.RandomState(0)
    img = rng.randint(60, 200, size=(H, W, 3)).astype(np.uint8)
    cams = np.zeros((2, H, W), np.float32)
    cams[0, 4:12, 4:12] = 1.
    cams[1, 12:20, 16:28] = 0.8
    disp = np.zeros((2, H // 4, W // 4), np.float32)
    disp[1, :, :4] = 3.  # left half points right
    disp[1, :, 4:] = -3.  # right half points left
    boundary = np.zeros((1, H // 4, W // 4), np.float32)
    boundary[0, 3] = 1.  # one boundary row
    ins = np.zeros((H, W), np.uint8)
    ins[4:12, 4:12], ins[12:20, 16:28] = 1, 2
    sem = np.zeros((H, W), np.uint8)
    sem[4:12, 4:12], sem[12:20, 16:28], sem[0] = 1, 2, 255
    return img, cams, disp, boundary, ins, sem


def _tile(panel, col, gap=2):
    """A tile of a one-row panel (below the title strip)."""
    top = panel.shape[0] - H
    left = col * (W + gap)
    return panel[top:, left:left + W]


def test_panel_shape_and_columns_differ():
    panel = draw_irn_panel(*_inputs())
    assert panel.dtype == np.uint8
    # six W-wide tiles, 2-pixel gaps, a title strip on top
    assert panel.shape[1] == 6 * W + 5 * 2
    assert panel.shape[0] > H
    tiles = [_tile(panel, c)[1:-1, 1:-1] for c in range(len(IRN_COLUMNS))]
    for i in range(len(tiles)):
        for j in range(i + 1, len(tiles)):
            assert not np.array_equal(tiles[i], tiles[j]), (IRN_COLUMNS[i],
                                                            IRN_COLUMNS[j])


def test_tiles_content():
    img, cams, disp, boundary, ins, sem = _inputs()
    image, cam, _, bound, inst, cls = irn_tiles(img, cams, disp, boundary,
                                                ins, sem)
    assert all(t.shape == (H, W, 3) for t in (image, cam, bound, inst, cls))
    np.testing.assert_array_equal(image, img)
    # the CAM heat map is red where the CAM peaks, blue where it is zero
    assert cam[8, 8, 0] > cam[8, 8, 2] and cam[22, 2, 2] > cam[22, 2, 0]
    # dark boundary on row 3 of the stride-4 map, white far from it
    assert bound[14, 10].max() < 60 and (bound[2, 10] == 255).all()
    # instances tint their pixels and leave the background as it is
    np.testing.assert_array_equal(inst[ins == 0], img[ins == 0])
    assert not np.array_equal(inst[8, 8], img[8, 8])
    assert not np.array_equal(inst[8, 8], inst[16, 20])
    # class labels in the VOC palette, 255 in its cream colour
    palette = voc_palette()
    np.testing.assert_array_equal(cls[8, 8], palette[1])
    np.testing.assert_array_equal(cls[16, 20], palette[2])
    np.testing.assert_array_equal(cls[0, 0], palette[255])


def _close(a, b, tol=30):
    return np.abs(a.astype(int) - b.astype(int)).max() <= tol


def test_displacement_colours_follow_direction():
    img, cams, disp, boundary, ins, sem = _inputs()
    wheel = colour_wheel(65)
    right, left, down = wheel[32, 62], wheel[32, 2], wheel[62, 32]
    assert not _close(right, left) and not _close(right, down)
    strong = irn_tiles(img, cams, disp, boundary, ins, sem, max_norm=3.)[2]
    # vectors pointing right / left take the colours of the wheel's right / left
    assert _close(strong[10, 4], right) and _close(strong[10, 28], left)
    disp_down = np.zeros_like(disp)
    disp_down[0] = 3.
    tile = irn_tiles(img, cams, disp_down, boundary, ins, sem, max_norm=3.)[2]
    assert _close(tile[10, 10], down)
    # no displacement is white; shorter vectors are paler
    tile = irn_tiles(img, cams, disp * 0, boundary, ins, sem)[2]
    assert (tile == 255).all()
    pale = irn_tiles(img, cams, disp, boundary, ins, sem, max_norm=30.)[2]
    assert pale[10, 4].min() > strong[10, 4].min() + 100


def test_colour_wheel_legend():
    wheel = colour_wheel(33)
    assert wheel.shape == (33, 33, 3)
    assert (wheel[0, 0] == 255).all()  # outside the disc
    assert (wheel[16, 16] > 240).all()  # the centre is (nearly) white
    assert wheel[16, 31].min() < 100  # the rim is saturated


def test_grid_of_differently_sized_images():
    rows = []
    for h, w in ((24, 32), (40, 20)):
        img = np.full((h, w, 3), 128, np.uint8)
        rows.append(irn_tiles(img, np.zeros((1, h, w)),
                              np.ones((2, -(-h // 4), -(-w // 4))),
                              np.zeros((-(-h // 4), -(-w // 4))),
                              np.zeros((h, w), np.uint8),
                              np.zeros((h, w), np.uint8)))
    grid = draw_irn_grid(rows, tile_size=48)
    title_h = grid.shape[0] - 2 * 48 - 2 * 2
    assert title_h > 10
    assert grid.shape[1] == 6 * 48 + 5 * 2
    # the colour-wheel legend sits in the displacement column's title only
    titles = grid[:title_h].astype(int)
    colourful = (titles.max(-1) - titles.min(-1)) > 60
    cols = np.nonzero(colourful.any(0))[0]
    disp_col = IRN_COLUMNS.index('displacement')
    assert len(cols) and (cols // (48 + 2) == disp_col).all()
    with pytest.raises(AssertionError, match='tile_size'):
        draw_irn_grid(rows)
