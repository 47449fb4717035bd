import pytest

from mmirn.ops import line_points, search_directions


@pytest.mark.parametrize('radius,count', [(1, 0), (2, 4), (5, 34), (10, 152)])
def test_search_directions_count(radius, count):
    dirs = search_directions(radius)
    assert dirs.shape == (count, 2)


@pytest.mark.parametrize('radius', [3, 5, 10])
def test_search_directions_cover_each_pair_once(radius):
    dirs = [tuple(d) for d in search_directions(radius).tolist()]
    assert len(set(dirs)) == len(dirs)
    disc = {(y, x)
            for y in range(-radius, radius + 1) for x in range(-radius, radius + 1)
            if 0 < y * y + x * x < radius * radius}
    # Each offset of the disc is in the set, either itself or its opposite, not both.
    assert set(dirs) | {(-y, -x) for y, x in dirs} == disc
    assert not set(dirs) & {(-y, -x) for y, x in dirs}
    assert dirs[:radius - 1] == [(0, x) for x in range(1, radius)]


def test_line_points():
    assert line_points(0, 3) == [(0, 0), (0, 1), (0, 2), (0, 3)]
    assert line_points(2, 0) == [(0, 0), (1, 0), (2, 0)]
    # Diagonal: the pixels beside it are 1 / sqrt(2) from the line.
    assert sorted(line_points(2, 2)) == [(0, 0), (0, 1), (1, 0), (1, 1), (1, 2), (2, 1),
                                         (2, 2)]
    # (3, 1): distance to the line |3x - y| / sqrt(10) < 1.
    assert sorted(line_points(3, 1)) == [(0, 0), (0, 1), (1, 0), (1, 1), (2, 0), (2, 1),
                                         (3, 0), (3, 1)]
    pts = line_points(4, -7)
    assert pts[0] == (0, 0) and pts[-1] == (4, -7)
    for y, x in pts:
        assert (y * -7 - x * 4)**2 < 4 * 4 + 7 * 7


def test_pair_windows():
    """Each window holds exactly the pairs with both ends in the image."""
    from mmirn.ops.directions import pair_windows
    h, w, radius = 3, 4, 4
    dirs = search_directions(radius).tolist()
    windows = {d: (dy, dx, x0, x1) for d, dy, dx, x0, x1 in pair_windows(radius, h, w)}
    for d, (dy, dx) in enumerate(dirs):
        starts = {(y, x) for y in range(h) for x in range(w)
                  if 0 <= y + dy < h and 0 <= x + dx < w}
        if not starts:
            assert d not in windows
            continue
        wy, wx, x0, x1 = windows[d]
        assert (wy, wx) == (dy, dx)
        assert starts == {(y, x) for y in range(h - dy) for x in range(x0, x1)}
    assert len(windows) < len(dirs)  # dy = 3 does not fit in 3 rows
