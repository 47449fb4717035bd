import pytest
import torch

from mmirn.ops import (RandomWalk, boundary_affinity, propagate, random_walk,
                       search_directions)
from mmirn.ops.reference import random_walk_dense, random_walk_ref

DEVICES = [
    'cpu',
    pytest.param('cuda', marks=pytest.mark.skipif(
        not torch.cuda.is_available(), reason='needs a CUDA device')),
]


def _inputs(n, c, h, w, radius, dtype=torch.float64, device='cpu'):
    x = torch.rand(n, c, h, w, dtype=dtype, device=device)
    affinity = torch.rand(n, len(search_directions(radius)), h, w, dtype=dtype,
                          device=device)
    return x, affinity


@pytest.mark.parametrize('device', DEVICES)
@pytest.mark.parametrize('shape', [(1, 1, 7, 9, 5), (2, 3, 6, 5, 5), (1, 40, 5, 8, 5),
                                   (2, 21, 3, 4, 5), (1, 8, 9, 7, 10), (1, 2, 1, 6, 3)])
def test_matches_dense(device, shape):
    n, c, h, w, radius = shape
    x, affinity = _inputs(n, c, h, w, radius, device=device)
    out = random_walk(x, affinity, radius, 4., 16)
    assert out.shape == x.shape
    torch.testing.assert_close(out, random_walk_dense(x, affinity, radius, 4., 16))


@pytest.mark.parametrize('device', DEVICES)
@pytest.mark.parametrize('c', [1, 2, 3, 5, 13, 21, 24, 33, 40])
@pytest.mark.parametrize('dtype', [torch.float32, torch.float64])
def test_matches_stencil_reference(device, c, dtype):
    # Every channel-block width of the CPU kernel, with odd sizes.
    x, affinity = _inputs(2, c, 11, 13, 5, dtype=dtype, device=device)
    torch.testing.assert_close(
        random_walk(x, affinity, 5, 10., 8), random_walk_ref(x, affinity, 5, 10., 8))


def test_float32_long_walk_matches_dense():
    torch.manual_seed(0)
    boundary = torch.rand(1, 10, 12)**4
    affinity = boundary_affinity(boundary, 5)
    x = torch.rand(1, 3, 10, 12)
    out = random_walk(x, affinity, 5, 10., 256)
    dense = random_walk_dense(x.double(), affinity.double(), 5, 10., 256)
    # The issue asks for 5e-4 of the maximum; the difference form of a step gives ~1e-5.
    assert (out.double() - dense).abs().max() <= 5e-5 * dense.abs().max()


@pytest.mark.parametrize('device', DEVICES)
def test_properties(device):
    x, affinity = _inputs(2, 4, 6, 7, 5, device=device)
    # No step is the identity; without links nothing moves.
    torch.testing.assert_close(random_walk(x, affinity, 5, 10., 0), x)
    torch.testing.assert_close(random_walk(x, torch.zeros_like(affinity), 5, 10., 5), x)
    # Each step is an average: constants stay, values stay within [min, max].
    const = torch.full_like(x, 0.3)
    torch.testing.assert_close(random_walk(const, affinity, 5, 2., 7), const)
    out = random_walk(x, affinity, 5, 2., 7)
    assert out.min() >= x.min() and out.max() <= x.max()
    # Full affinities mix everything towards the mean of the connected image.
    mixed = random_walk(x, torch.ones_like(affinity), 5, 1., 300)
    assert (mixed.amax((2, 3)) - mixed.amin((2, 3))).max() < 1e-3


def test_symmetric_pair_weights():
    # Two pixels linked by one affinity: each step averages them with weight a^beta.
    x = torch.tensor([[[[1., 0.]]]])
    affinity = torch.zeros(1, len(search_directions(2)), 1, 2)
    affinity[0, 0, 0, 0] = 0.5  # (0, 0) -> (0, 1)
    out = random_walk(x, affinity, 2, 1., 1)
    torch.testing.assert_close(out, torch.tensor([[[[1 / 1.5, 0.5 / 1.5]]]]))


def test_propagate():
    cam = torch.rand(2, 3, 9, 10)
    boundary = torch.rand(2, 9, 10)
    expected = random_walk(cam * (1 - boundary[:, None]), boundary_affinity(boundary, 5), 5,
                           10, 256)
    torch.testing.assert_close(propagate(cam, boundary), expected)
    torch.testing.assert_close(propagate(cam, boundary[:, None]), expected)


def test_module_checks_and_half():
    x, affinity = _inputs(1, 3, 5, 6, 4, dtype=torch.float32)
    module = RandomWalk(radius=4, beta=3, num_iters=5)
    assert 'num_iters=5' in repr(module)
    torch.testing.assert_close(module(x, affinity), random_walk_ref(x, affinity, 4, 3, 5))
    assert random_walk(x.half(), affinity, 4, 3, 5).dtype == torch.half
    with pytest.raises(ValueError):
        random_walk(x, affinity, 5, 3, 5)  # affinity computed for another radius
    with pytest.raises(ValueError):
        random_walk(x[0], affinity, 4, 3, 5)


@pytest.mark.skipif(not torch.cuda.is_available(), reason='needs a CUDA device')
@pytest.mark.parametrize('dtype', [torch.float32, torch.float64])
@pytest.mark.parametrize('num_iters', [7, 64])
def test_cpu_cuda_parity(dtype, num_iters):
    x, affinity = _inputs(2, 21, 31, 37, 5, dtype=dtype)
    out = random_walk(x, affinity, 5, 10., num_iters)
    out_cuda = random_walk(x.cuda(), affinity.cuda(), 5, 10., num_iters)
    torch.testing.assert_close(out_cuda.cpu(), out)
    half = random_walk(x.cuda().half(), affinity.cuda().half(), 5, 10., num_iters)
    torch.testing.assert_close(half.float().cpu(), out.float(), atol=1e-2, rtol=0)
