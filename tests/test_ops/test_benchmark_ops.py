"""The benchmark's references compute the same thing as the ops they are compared with."""
import importlib.util
from pathlib import Path

import torch

from mmirn.ops import boundary_affinity, random_walk, search_directions

SCRIPT = Path(__file__).resolve().parents[2] / 'tools' / 'analysis_tools' / 'benchmark_ops.py'


def _load():
    spec = importlib.util.spec_from_file_location('benchmark_ops', SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gather_reference():
    bench = _load()
    boundary = (torch.randperm(2 * 9 * 11, dtype=torch.float64) / 198).view(2, 9, 11)
    boundary.requires_grad_()
    grad_out = torch.randn(2, len(search_directions(4)), 9, 11, dtype=torch.float64)
    ref = bench.gather_affinity(boundary, 4)
    out = boundary_affinity(boundary, 4)
    torch.testing.assert_close(ref, out)
    grad_ref, = torch.autograd.grad(ref, boundary, grad_out)
    grad, = torch.autograd.grad(out, boundary, grad_out)
    torch.testing.assert_close(grad_ref, grad)


def test_dense_reference():
    bench = _load()
    x = torch.rand(1, 3, 6, 7, dtype=torch.float64)
    affinity = torch.rand(1, len(search_directions(3)), 6, 7, dtype=torch.float64)
    torch.testing.assert_close(
        bench.dense_walk(x, affinity, 3, 5., 16), random_walk(x, affinity, 3, 5., 16))
