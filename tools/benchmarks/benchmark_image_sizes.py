# Copyright (c) mmirn contributors. All rights reserved.
"""Peak memory and time per image of IRN label synthesis at COCO image sizes.

Each size runs in a fresh process (so that the resident-set high-water mark is
that size's): random stride-4 CAMs of ``--classes`` classes and a smooth
boundary map go through ``semantic_label`` (compiled walk, radius 5, beta 10,
t 256, upsampling, arg-max). Prints one row per size and the projection of
COCO train2014 (82,783 images) on one process and on N Slurm tasks.

Example::

    python tools/benchmarks/benchmark_image_sizes.py --threads 1
"""
import argparse
import json
import os.path as osp
import resource
import subprocess
import sys
import time

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SIZES = ((20, 17), (640, 480), (427, 640), (1500, 2000))
COCO_TRAIN = 82783


def measure(h, w, classes, repeat, threads):
    """Run in the child: returns seconds per image and peak RSS growth (MiB)."""
    sys.path.insert(0, REPO)
    import torch
    torch.set_num_threads(threads)
    sys.path.insert(0, osp.join(REPO, 'tools', 'analysis_tools'))
    from benchmark_irn_labels import make_inputs

    from mmirn.pseudo.semantic import semantic_label
    cams, boundary = make_inputs((h, w), classes)
    keys = list(range(classes))
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    semantic_label(cams, keys, boundary, (h, w))  # warm-up
    start = time.perf_counter()
    for _ in range(repeat):
        semantic_label(cams, keys, boundary, (h, w))
    sec = (time.perf_counter() - start) / repeat
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return dict(size=[h, w], pixels=h * w, sec=sec, peak_mib=peak - base)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--sizes', nargs='+', default=None,
                        help='HxW sizes, e.g. 640x480')
    parser.add_argument('--classes', type=int, default=3)
    parser.add_argument('--repeat', type=int, default=2)
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--tasks', type=int, default=32,
                        help='Slurm tasks of the projection')
    parser.add_argument('--child', nargs=2, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(measure(*args.child, args.classes, args.repeat,
                                 args.threads)))
        return None
    sizes = SIZES if args.sizes is None else [
        tuple(int(v) for v in s.split('x')) for s in args.sizes]
    rows = []
    for h, w in sizes:
        out = subprocess.run(
            [sys.executable, __file__, '--child', str(h), str(w),
             '--classes', str(args.classes), '--repeat', str(args.repeat),
             '--threads', str(args.threads)],
            check=True, capture_output=True, text=True).stdout
        rows.append(json.loads(out.strip().splitlines()[-1]))
    print(f'{"size":>11} {"Mpx":>6} {"s/image":>8} {"peak MiB":>9} '
          f'{"MiB/Mpx":>8}')
    for r in rows:
        mpx = r['pixels'] / 1e6
        print(f'{r["size"][0]:>5}x{r["size"][1]:<5} {mpx:6.3f} '
              f'{r["sec"]:8.3f} {r["peak_mib"]:9.1f} '
              f'{r["peak_mib"] / mpx:8.1f}')
    coco = [r for r in rows if r['size'] in ([640, 480], [427, 640])]
    if coco:
        sec = sum(r['sec'] for r in coco) / len(coco)
        hours = COCO_TRAIN * sec / 3600
        print(f'COCO train2014 ({COCO_TRAIN} images at {sec:.3f} s/image, '
              f'{args.threads} thread(s)): {hours:.1f} h on one process, '
              f'{hours / args.tasks * 60:.1f} min on {args.tasks} Slurm tasks')
    return rows


if __name__ == '__main__':
    main()
