"""Time IRN semantic pseudo-label synthesis for one VOC-sized image.

Measures, on random stride-4 CAMs and a smooth random boundary map of an image of
``--size H W`` (default 375 x 500, a typical VOC image):

- ``fast``: boundary map + CAMs -> ``semantic_label`` (compiled ``propagate``,
  radius 5, beta 10, t 256, upsampling, arg-max) -> PNG written (the mmirn step);
- ``reference``: the same with the pure-PyTorch stencil walk
  (``mmirn.ops.reference``) instead of the compiled op;
- ``dense`` (with ``--dense``): the original approach, a dense (hw x hw) transition
  matrix raised to the power t by 8 squarings (minutes, GBs);
- ``model`` (with ``--model``): the full step with IRNet-R50's forward on the image and
  its flip (random weights) before the synthesis.

Prints a table and one JSON line (``--out`` saves it). Example::

    python tools/analysis_tools/benchmark_irn_labels.py --repeat 3 --model
"""
import argparse
import json
import os.path as osp
import sys
import tempfile
import time

import numpy as np
import torch
import torch.nn.functional as F

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
if REPO not in sys.path:
    sys.path.insert(0, REPO)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--size', type=int, nargs=2, default=(375, 500))
    parser.add_argument('--classes', type=int, default=2,
                        help='classes present in the image')
    parser.add_argument('--repeat', type=int, default=3)
    parser.add_argument('--threads', type=int, default=None,
                        help='torch threads (default: torch default)')
    parser.add_argument('--no-reference', action='store_true')
    parser.add_argument('--dense', action='store_true',
                        help='also time the dense original (slow)')
    parser.add_argument('--model', action='store_true',
                        help='also time the full step with IRNet-R50 (flip)')
    parser.add_argument('--out', help='save the results as JSON')
    return parser.parse_args(argv)


def make_inputs(size, num_classes, seed=0):
    """Random stride-4 CAMs (K, h, w) in [0, 1] and a smooth boundary map (h, w)."""
    g = torch.Generator().manual_seed(seed)
    h, w = -(-size[0] // 4), -(-size[1] // 4)
    cams = F.avg_pool2d(
        torch.rand(1, num_classes, h, w, generator=g), 9, 1, 4)[0]
    cams = cams / cams.flatten(1).amax(1)[:, None, None]
    boundary = F.avg_pool2d(torch.rand(1, 1, h, w, generator=g), 5, 1, 2)[0, 0]
    return cams, boundary.clamp(0, 1)


def _time(fn, repeat):
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def time_fast(cams, boundary, size, repeat, out_dir):
    from mmirn.pseudo.semantic import save_png, semantic_label
    keys = list(range(len(cams)))

    def run():
        label = semantic_label(cams, keys, boundary, size)
        save_png(label, osp.join(out_dir, 'fast.png'))

    return _time(run, repeat)


def time_reference(cams, boundary, size, repeat, out_dir):
    """The same step with the pure-PyTorch walk of ``mmirn.ops.reference``."""
    from mmirn.ops import reference
    from mmirn.pseudo import semantic

    def walk(cam, bnd, radius=5, beta=10., num_iters=256):
        aff = reference.boundary_affinity_ref(bnd, radius)
        return reference.random_walk_ref(
            cam * (1 - bnd), aff, radius, beta, num_iters)

    keys = list(range(len(cams)))
    original = semantic.propagate
    semantic.propagate = walk
    try:
        def run():
            label = semantic.semantic_label(cams, keys, boundary, size)
            semantic.save_png(label, osp.join(out_dir, 'ref.png'))

        return _time(run, 1)
    finally:
        semantic.propagate = original


def time_dense(cams, boundary, radius=5, beta=10., exp_times=8):
    """The original: a dense (hw x hw) transition matrix squared 8 times (t = 256).

    Returns:
        tuple: seconds and the GiB of one hw x hw float32 matrix.
    """
    from mmirn.ops import boundary_affinity
    from mmirn.ops.reference import dense_transition
    h, w = boundary.shape
    start = time.perf_counter()
    aff = boundary_affinity(boundary[None, None], radius)
    trans = dense_transition(aff, radius, beta)[0]
    for _ in range(exp_times):
        trans = trans @ trans
    x = (cams * (1 - boundary)).reshape(len(cams), h * w)
    (x @ trans).view(-1, h, w)
    return time.perf_counter() - start, (h * w)**2 * 4 / 2**30


def time_model(size, repeat):
    """IRNet-R50 forward on the image and its flip (random weights)."""
    from mmengine.config import Config

    from mmirn.registry import MODELS
    from mmirn.utils import register_all_modules
    register_all_modules()
    cfg = Config.fromfile(osp.join(REPO, 'configs/_base_/models/irn_r50.py'))
    cfg.model.labeler = None  # the forward only
    model = MODELS.build(cfg.model).eval()
    img = torch.randn(1, 3, *size)
    with torch.no_grad():
        return _time(lambda: model.predict(img), repeat)


def main(argv=None):
    args = parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    size = tuple(args.size)
    cams, boundary = make_inputs(size, args.classes)
    res = dict(
        size=list(size),
        stride4=list(boundary.shape),
        classes=args.classes,
        threads=torch.get_num_threads())
    with tempfile.TemporaryDirectory() as tmp:
        res['fast_s'] = time_fast(cams, boundary, size, args.repeat, tmp)
        if not args.no_reference:
            res['reference_s'] = time_reference(cams, boundary, size,
                                                args.repeat, tmp)
    if args.dense:
        res['dense_s'], res['dense_gib'] = time_dense(cams, boundary)
    if args.model:
        res['model_flip_s'] = time_model(size, args.repeat)
        res['full_step_s'] = res['model_flip_s'] + res['fast_s']
    print(f'Semantic label synthesis, {size[0]} x {size[1]} image '
          f'({res["stride4"][0]} x {res["stride4"][1]} at stride 4), '
          f'{args.classes} classes, {res["threads"]} threads')
    rows = [('boundary + CAMs -> PNG (compiled walk)', 'fast_s'),
            ('same with the PyTorch reference walk', 'reference_s'),
            ('dense original (hw x hw matrix power)', 'dense_s'),
            ('IRNet-R50 forward with flip', 'model_flip_s'),
            ('full step (forward + synthesis)', 'full_step_s')]
    for name, key in rows:
        if key in res:
            print(f'  {name:<42}{res[key]:>9.3f} s')
    if 'dense_gib' in res:
        print(f'  {"dense: one hw x hw float32 matrix":<42}'
              f'{res["dense_gib"]:>9.2f} GiB')
    print(json.dumps(res))
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(res, f, indent=2)
    return res


if __name__ == '__main__':
    main()
