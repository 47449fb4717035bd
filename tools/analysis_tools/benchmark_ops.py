"""Time and peak memory of mmirn's compiled ops against references written the way the
original IRN code works.

* boundary affinity forward + backward (N = 8, 128 x 128, radius 10) vs gathering every
  line's pixel indices into an (N, D, L, HW) tensor and max-reducing it;
* random walk (94 x 125, 21 channels, radius 5, beta 10, t = 256) vs the dense (HW, HW)
  transition matrix squared 8 times, and vs a pure-PyTorch shift-and-add stencil.

Every measurement runs in a fresh process, so that its peak memory (the resident set's
high-water mark on CPU, ``torch.cuda.max_memory_allocated`` on CUDA) above what the inputs
already hold is its own. Examples::

    python tools/analysis_tools/benchmark_ops.py --quick   # dense walk on a 47 x 63 map
    python tools/analysis_tools/benchmark_ops.py           # full size (the dense walk
                                                           # alone takes minutes on CPU)
    python tools/analysis_tools/benchmark_ops.py --device cuda
"""
import argparse
import gc
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

BA_SHAPE = (8, 128, 128, 10)  # N, H, W, radius
RW_SHAPE = (21, 94, 125, 5)  # C, H, W, radius
RW_QUICK_HW = (47, 63)
BETA, ITERS = 10., 256


# ---------------------------------------------------------------- references
def gather_affinity(boundary, radius):
    """Boundary affinity the way IRN computes it: the lines are grouped by length, the
    pixels of every line of a group are gathered with ``index_select`` into an
    (N, D_g, L_g, HW) tensor and max-pooled over L_g."""
    from mmirn.ops.directions import line_points, search_directions
    n, h, w = boundary.shape
    dirs = search_directions(radius).tolist()
    wp = w + 2 * radius
    base = ((torch.arange(h).view(h, 1) + radius) * wp + torch.arange(w) + radius).view(-1)
    groups = {}
    for d, (dy, dx) in enumerate(dirs):
        groups.setdefault(len(line_points(dy, dx)), []).append(d)
    padded = F.pad(boundary, (radius, ) * 4).flatten(1)
    out = [None] * len(dirs)
    for length, members in groups.items():
        index = torch.stack([
            torch.stack([base + py * wp + px for py, px in line_points(*dirs[d])])
            for d in members
        ]).to(boundary.device)  # (D_g, L, HW)
        paths = padded.index_select(1, index.view(-1)).view(n, len(members), length, h * w)
        aff = 1 - F.max_pool2d(paths, (length, 1)).squeeze(2)
        for i, d in enumerate(members):
            out[d] = aff[:, i]
    valid = torch.stack([
        F.pad(torch.ones(max(h - dy, 0), max(w - abs(dx), 0)),
              (max(0, -dx), max(0, dx), 0, dy))[:h, :w] for dy, dx in dirs
    ]).to(boundary.device, boundary.dtype)
    return torch.stack(out, 1).view(n, len(dirs), h, w) * valid


def dense_walk(x, affinity, radius, beta, num_iters):
    """IRN's walk: the dense column-stochastic matrix squared log2(t) times."""
    from mmirn.ops.reference import dense_transition
    trans = dense_transition(affinity, radius, beta)[0]
    for _ in range(int(round(num_iters)).bit_length() - 1):
        trans = trans @ trans
    n, c, h, w = x.shape
    return (x.reshape(c, h * w) @ trans).view(n, c, h, w)


# ---------------------------------------------------------------- measurement
def _rss_kb(field):
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1])
    return 0


class PeakMemory:
    """Peak memory above the level at entry, in bytes."""

    def __init__(self, device):
        self.device = device

    def __enter__(self):
        gc.collect()
        if self.device == 'cuda':
            torch.cuda.synchronize()
            torch.cuda.reset_peak_memory_stats()
            self.base = torch.cuda.memory_allocated()
        else:
            self.base = _rss_kb('VmRSS:') * 1024
            with open('/proc/self/clear_refs', 'w') as f:
                f.write('5')  # reset the high-water mark VmHWM
        return self

    def __exit__(self, *exc):
        if self.device == 'cuda':
            torch.cuda.synchronize()
            self.peak = torch.cuda.max_memory_allocated() - self.base
        else:
            self.peak = _rss_kb('VmHWM:') * 1024 - self.base


def _sync(device):
    if device == 'cuda':
        torch.cuda.synchronize()


def make_case(case, device, quick):
    """Inputs and the function to time for one case."""
    from mmirn.ops import boundary_affinity, random_walk
    from mmirn.ops.reference import random_walk_ref
    g = torch.Generator().manual_seed(0)
    if case.startswith('ba_'):
        n, h, w, radius = BA_SHAPE
        boundary = torch.rand(n, h, w, generator=g).to(device).requires_grad_()
        op = boundary_affinity if case == 'ba_mmirn' else gather_affinity

        def run():
            out = op(boundary, radius)
            out.backward(torch.ones_like(out))
            boundary.grad = None
            return out.detach()

        return run
    c, h, w, radius = RW_SHAPE
    if case.endswith('_small'):
        h, w = RW_QUICK_HW
    boundary = torch.rand(1, h, w, generator=g)**4
    affinity = boundary_affinity(boundary, radius).to(device)
    x = torch.rand(1, c, h, w, generator=g).to(device)
    op = {
        'rw_mmirn': random_walk,
        'rw_dense': dense_walk,
        'rw_stencil': random_walk_ref
    }[case.rsplit('_small', 1)[0]]
    return lambda: op(x, affinity, radius, BETA, ITERS)


def worker(case, device, repeat, quick, result_path):
    """Run one case in this (fresh) process and write its figures as JSON."""
    run = make_case(case, device, quick)
    with torch.no_grad() if case.startswith('rw_') else torch.enable_grad():
        with PeakMemory(device) as mem:
            start = time.perf_counter()
            out = run()
            _sync(device)
            times = [time.perf_counter() - start]
        for _ in range(repeat - 1):
            start = time.perf_counter()
            run()
            _sync(device)
            times.append(time.perf_counter() - start)
    torch.save(out.cpu(), result_path + '.pt')
    with open(result_path, 'w') as f:
        json.dump(dict(time=min(times), peak=mem.peak), f)


def measure(case, device, repeat, quick, tmp):
    result = os.path.join(tmp, case + '.json')
    subprocess.run([
        sys.executable, __file__, '--worker', case, '--device', device, '--repeat',
        str(repeat), '--result', result
    ] + (['--quick'] if quick else []), check=True)
    with open(result) as f:
        figures = json.load(f)
    figures['out'] = torch.load(result + '.pt')
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--quick', action='store_true',
                        help=f'run the dense walk on a {RW_QUICK_HW[0]} x {RW_QUICK_HW[1]} map')
    parser.add_argument('--device', default='cpu', choices=['cpu', 'cuda'])
    parser.add_argument('--repeat', type=int, default=5,
                        help='timed runs of the fast ops (best is kept). Defaults to 5')
    parser.add_argument('--no-stencil', action='store_true',
                        help='skip the pure-PyTorch stencil walk')
    parser.add_argument('--worker', help=argparse.SUPPRESS)
    parser.add_argument('--result', help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args.worker, args.device, args.repeat, args.quick, args.result)

    import tempfile
    tmp = tempfile.mkdtemp()
    device = args.device
    cpu = platform.processor() or platform.machine()
    try:
        with open('/proc/cpuinfo') as f:
            cpu = next(line.split(':', 1)[1].strip() for line in f
                       if line.startswith('model name'))
    except (OSError, StopIteration):
        pass
    print(f'device: {device}, torch {torch.__version__}, {torch.get_num_threads()} threads, '
          f'CPU: {cpu}, load average at start: {os.getloadavg()[0]:.2f}'
          + (f', GPU: {torch.cuda.get_device_name()}' if device == 'cuda' else ''))
    rows = []

    def row(name, ref, ours, extra=''):
        rows.append((name, ref, ours, extra))

    ba_ours = measure('ba_mmirn', device, args.repeat, args.quick, tmp)
    ba_ref = measure('ba_gather', device, args.repeat, args.quick, tmp)
    err = (ba_ours['out'] - ba_ref['out']).abs().max().item()
    row('boundary affinity fwd+bwd, N=8, 128x128, r=10 (vs gather + max)', ba_ref, ba_ours,
        f'max abs diff {err:.1e}')

    rw_ours = measure('rw_mmirn', device, args.repeat, args.quick, tmp)
    small = '_small' if args.quick else ''
    h, w = RW_QUICK_HW if args.quick else RW_SHAPE[1:3]
    if args.quick:
        rw_ours_small = measure('rw_mmirn_small', device, args.repeat, True, tmp)
    else:
        rw_ours_small = rw_ours
    rw_dense = measure('rw_dense' + small, device, 1, args.quick, tmp)
    scale = rw_dense['out'].abs().max().item()
    err = (rw_ours_small['out'] - rw_dense['out']).abs().max().item() / scale
    row(f'random walk {h}x{w}, C=21, r=5, beta=10, t=256 (vs dense matrix squared 8x)',
        rw_dense, rw_ours_small, f'max abs diff / max {err:.1e}')
    if not args.no_stencil:
        rw_stencil = measure('rw_stencil', device, 1, args.quick, tmp)
        err = (rw_ours['out'] - rw_stencil['out']).abs().max().item() / scale
        row('random walk 94x125, C=21, r=5, beta=10, t=256 (vs PyTorch shift-and-add)',
            rw_stencil, rw_ours, f'max abs diff / max {err:.1e}')

    print()
    print('| case | reference time | mmirn time | speed-up | reference extra peak | '
          'mmirn extra peak | memory ratio | check |')
    print('|---|---|---|---|---|---|---|---|')
    for name, ref, ours, extra in rows:
        print(f'| {name} | {ref["time"]:.3f} s | {ours["time"]:.4f} s | '
              f'{ref["time"] / ours["time"]:.0f}x | {ref["peak"] / 2**20:.1f} MiB | '
              f'{ours["peak"] / 2**20:.1f} MiB | {ref["peak"] / max(ours["peak"], 1):.0f}x | '
              f'{extra} |')
    if args.quick:
        print(f'\nmmirn random walk at 94x125: {rw_ours["time"]:.4f} s, '
              f'{rw_ours["peak"] / 2**20:.1f} MiB extra peak')


if __name__ == '__main__':
    main()
