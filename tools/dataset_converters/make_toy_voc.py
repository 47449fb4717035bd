# Copyright (c) mmirn contributors. All rights reserved.
"""Generate a toy benchmark in the exact PASCAL VOC 2012 layout.

What is drawn and written: :mod:`mmirn.datasets.toy.voc_writer`. Running the
command again with the same arguments on a complete output returns at once.

Example (mmdet's ``VOCDataset`` wants ``VOC2012`` in the path)::

    python tools/dataset_converters/make_toy_voc.py data/toy_voc/VOC2012 \
        --num-train 400 --num-val 100 --grid docs/images/toy_samples.png
"""
import argparse
import time

from mmirn.datasets.toy import make_grid, voc_writer


def parse_args():
    parser = argparse.ArgumentParser(
        description='Generate a toy PASCAL VOC 2012-like benchmark.')
    parser.add_argument('out_dir', help='dataset root to write')
    parser.add_argument('--num-train', type=int, default=400)
    parser.add_argument('--num-val', type=int, default=100)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--min-size', type=int, default=160)
    parser.add_argument('--max-size', type=int, default=256)
    parser.add_argument(
        '--void-border', type=int, default=0,
        help='width (px) of a VOC-like void band on outlines; 0 = none')
    parser.add_argument('--workers', type=int, default=2)
    parser.add_argument('--grid', help='also save a sample grid PNG here')
    parser.add_argument('--grid-samples', type=int, default=8)
    return parser.parse_args()


def main():
    args = parse_args()
    start = time.time()
    voc_writer.generate(args.out_dir, args.num_train, args.num_val, args.seed,
                        args.min_size, args.max_size, args.void_border,
                        args.workers)
    if args.grid:
        names = [voc_writer.sample_name('train', i)
                 for i in range(min(args.grid_samples, args.num_train))]
        make_grid(args.out_dir, names, args.grid)
        print(f'[make_toy_voc] grid saved to {args.grid}')
    print(f'[make_toy_voc] done in {time.time() - start:.1f}s: '
          f'{args.out_dir}')


if __name__ == '__main__':
    main()
