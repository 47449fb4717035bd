import pytest
import torch

from mmirn.ops import BoundaryAffinity, boundary_affinity, search_directions
from mmirn.ops.reference import boundary_affinity_ref

DEVICES = [
    'cpu',
    pytest.param('cuda', marks=pytest.mark.skipif(
        not torch.cuda.is_available(), reason='needs a CUDA device')),
]
SHAPES = [(1, 9, 11, 5), (2, 7, 4, 5), (3, 3, 3, 5), (2, 13, 17, 10), (1, 1, 6, 3)]


@pytest.mark.parametrize('device', DEVICES)
@pytest.mark.parametrize('dtype', [torch.float32, torch.float64])
@pytest.mark.parametrize('shape', SHAPES)
def test_forward_matches_reference(device, dtype, shape):
    n, h, w, radius = shape
    boundary = torch.rand(n, h, w, dtype=dtype, device=device)
    out = boundary_affinity(boundary, radius)
    assert out.shape == (n, len(search_directions(radius)), h, w)
    assert out.dtype == dtype
    torch.testing.assert_close(out, boundary_affinity_ref(boundary, radius), rtol=0, atol=0)


@pytest.mark.parametrize('device', DEVICES)
@pytest.mark.parametrize('value', [0., 1.])
def test_constant_boundaries(device, value):
    boundary = torch.full((2, 8, 9), value, device=device)
    out = boundary_affinity(boundary, 5)
    dirs = search_directions(5).tolist()
    for d, (dy, dx) in enumerate(dirs):
        valid = torch.zeros(8, 9, dtype=torch.bool, device=device)
        valid[:8 - dy, max(0, -dx):9 - max(0, dx)] = True
        assert (out[:, d][:, valid] == 1 - value).all()
        assert (out[:, d][:, ~valid] == 0).all()


def test_known_values():
    boundary = torch.zeros(1, 3, 4)
    boundary[0, 1, 2] = 0.75
    out = boundary_affinity(boundary[:, None], 3)  # (N, 1, H, W) input
    d = search_directions(3).tolist().index([2, 0])
    # The vertical line (y, 2)-(y + 2, 2) passes through the boundary pixel.
    assert out[0, d, 0].tolist() == [1, 1, 0.25, 1]
    assert out[0, d, 1:].abs().sum() == 0  # far end below the image


@pytest.mark.parametrize('device', DEVICES)
@pytest.mark.parametrize('shape', SHAPES)
def test_backward_matches_reference(device, shape):
    n, h, w, radius = shape
    boundary = torch.rand(n, h, w, dtype=torch.float64, device=device, requires_grad=True)
    grad_out = torch.randn(n, len(search_directions(radius)), h, w, dtype=torch.float64,
                           device=device)
    grad, = torch.autograd.grad(boundary_affinity(boundary, radius), boundary, grad_out)
    grad_ref, = torch.autograd.grad(boundary_affinity_ref(boundary, radius), boundary,
                                    grad_out)
    torch.testing.assert_close(grad, grad_ref)


@pytest.mark.parametrize('device', DEVICES)
def test_gradcheck(device):
    # Distinct values, so no ties and the max is differentiable.
    boundary = torch.randperm(2 * 6 * 7, dtype=torch.float64, device=device) / 84
    boundary = boundary.view(2, 6, 7).requires_grad_()
    assert torch.autograd.gradcheck(lambda b: boundary_affinity(b, 4), (boundary, ))
    big = (torch.randperm(12 * 13, dtype=torch.float64, device=device) / 156).view(1, 12, 13)
    assert torch.autograd.gradcheck(lambda b: boundary_affinity(b, 10),
                                    (big.requires_grad_(), ), fast_mode=True)


def test_ties_go_to_the_first_maximum():
    boundary = torch.zeros(1, 1, 5, requires_grad=True)
    with torch.no_grad():
        boundary[0, 0, 1] = 0.5
        boundary[0, 0, 3] = 0.5
    out = boundary_affinity(boundary, 5)
    d = search_directions(5).tolist().index([0, 4])
    out[0, d, 0, 0].backward()
    # The line (0, 0)-(0, 4) has two maxima; the one nearer the start gets the gradient.
    assert boundary.grad[0, 0].tolist() == [0, -1, 0, 0, 0]


def test_no_gradient_outside_the_image():
    boundary = torch.rand(1, 4, 4, requires_grad=True)
    out = boundary_affinity(boundary, 5)
    d = search_directions(5).tolist().index([4, 0])  # never inside a 4 x 4 image
    out[:, d].sum().backward()
    assert (boundary.grad == 0).all()


def test_module_and_half_input():
    boundary = torch.rand(2, 5, 6)
    module = BoundaryAffinity(radius=3)
    assert 'radius=3' in repr(module)
    torch.testing.assert_close(module(boundary), boundary_affinity_ref(boundary, 3))
    out = boundary_affinity(boundary.half(), 3)
    assert out.dtype == torch.half
    with pytest.raises(ValueError):
        boundary_affinity(torch.rand(2, 3, 5, 6), 3)


@pytest.mark.skipif(not torch.cuda.is_available(), reason='needs a CUDA device')
@pytest.mark.parametrize('dtype', [torch.float32, torch.float64])
def test_cpu_cuda_parity(dtype):
    boundary = torch.rand(2, 33, 29, dtype=dtype, requires_grad=True)
    grad_out = torch.randn(2, len(search_directions(10)), 33, 29, dtype=dtype)
    out = boundary_affinity(boundary, 10)
    grad, = torch.autograd.grad(out, boundary, grad_out)
    boundary_cuda = boundary.detach().cuda().requires_grad_()
    out_cuda = boundary_affinity(boundary_cuda, 10)
    grad_cuda, = torch.autograd.grad(out_cuda, boundary_cuda, grad_out.cuda())
    torch.testing.assert_close(out_cuda.cpu(), out)
    torch.testing.assert_close(grad_cuda.cpu(), grad)
    half = boundary_affinity(boundary_cuda.detach().half(), 10)
    torch.testing.assert_close(half.float().cpu(), out.detach().float(), atol=1e-3, rtol=0)
