"""Neighbour offsets and the pixel lines between them (IRN's search directions)."""
from functools import lru_cache
from typing import Iterator, List, Tuple

import torch


def _offsets(radius: int) -> List[Tuple[int, int]]:
    """The half-plane offsets (dy, dx) within ``radius``, in a fixed order."""
    if radius < 1:
        raise ValueError(f'radius must be >= 1, got {radius}')
    offsets = [(0, dx) for dx in range(1, radius)]
    for dy in range(1, radius):
        for dx in range(-radius + 1, radius):
            if dy * dy + dx * dx < radius * radius:
                offsets.append((dy, dx))
    return offsets


def search_directions(radius: int) -> torch.Tensor:
    """Offsets (dy, dx) of the pixel pairs linked by IRN's affinities.

    The set is one half of the disc of the given radius, so that every
    unordered pair of pixels closer than ``radius`` appears once: (0, x) for
    1 <= x < r, and (y, x) for 1 <= y < r, |x| < r, x^2 + y^2 < r^2.

    Args:
        radius (int): Pixels closer than this are linked.

    Returns:
        Tensor: Long tensor of shape (D, 2) (34 rows for radius 5, 152 for
        radius 10).
    """
    return torch.tensor(_offsets(radius), dtype=torch.long).view(-1, 2)


def line_points(dy: int, dx: int) -> List[Tuple[int, int]]:
    """The pixels on the line from (0, 0) to (dy, dx), both ends included.

    A pixel of the box spanned by the two ends belongs to the line when its
    distance to the segment's line is below 1. Points are sorted from the
    start to the far end.

    Args:
        dy (int): Row offset of the far end.
        dx (int): Column offset of the far end.

    Returns:
        list[tuple[int, int]]: The (y, x) offsets of the line's pixels.
    """
    norm2 = dy * dy + dx * dx
    points = []
    for y in range(min(0, dy), max(0, dy) + 1):
        for x in range(min(0, dx), max(0, dx) + 1):
            cross = y * dx - x * dy
            if cross * cross < norm2 or norm2 == 0:
                points.append((y, x))
    points.sort(key=lambda p: (p[0] * dy + p[1] * dx, p))
    return points


@lru_cache(maxsize=None)
def _line_table(radius: int, device: str) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    directions = _offsets(radius)
    points, ptr = [], [0]
    for dy, dx in directions:
        points += line_points(dy, dx)
        ptr.append(len(points))
    return (torch.tensor(directions, dtype=torch.int32, device=device).view(-1, 2),
            torch.tensor(points, dtype=torch.int32, device=device).view(-1, 2),
            torch.tensor(ptr, dtype=torch.int32, device=device))


def line_table(radius: int, device='cpu'):
    """Directions and their lines packed as int32 tensors for the kernels.

    Cached per radius and device; the tensors must not be modified.

    Args:
        radius (int): Search radius.
        device (str | torch.device): Where to put the tensors.
            Defaults to 'cpu'.

    Returns:
        tuple[Tensor, Tensor, Tensor]: ``directions`` (D, 2), ``points``
        (P, 2), the (y, x) offsets of every line one after the other, and
        ``ptr`` (D + 1,), where line d is ``points[ptr[d]:ptr[d + 1]]``.
    """
    device = torch.device(device)
    if device.type == 'cuda' and device.index is None:
        device = torch.device('cuda', torch.cuda.current_device())
    return _line_table(radius, str(device))


def pair_windows(radius: int, h: int,
                 w: int) -> Iterator[Tuple[int, int, int, int, int]]:
    """The pixel pairs of each search direction that lie inside an image.

    For direction ``d`` = (dy, dx) of :func:`search_directions`, the pairs
    ``(y, x) -> (y + dy, x + dx)`` with both ends in an ``h`` x ``w`` image
    start at ``0 <= y < h - dy`` and ``x0 <= x < x1``. Directions without
    such a pair are skipped.

    Args:
        radius (int): Search radius.
        h (int): Image height.
        w (int): Image width.

    Yields:
        tuple[int, int, int, int, int]: ``d, dy, dx, x0, x1``.
    """
    for d, (dy, dx) in enumerate(_offsets(radius)):
        x0, x1 = max(0, -dx), w - max(0, dx)
        if dy < h and x1 > x0:
            yield d, dy, dx, x0, x1
