# Copyright (c) mmirn contributors. All rights reserved.
"""Write the toy benchmark in the COCO 2014 layout, with 15 classes.

What is drawn and written: :mod:`mmirn.datasets.toy.coco_writer`.

Example::

    python tools/dataset_converters/make_toy_coco.py data/toy_coco \
        --num-train 400 --num-val 100
"""
import argparse

from mmirn.datasets.toy import coco_writer


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('out_dir')
    parser.add_argument('--num-train', type=int, default=400)
    parser.add_argument('--num-val', type=int, default=100)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--min-size', type=int, default=160)
    parser.add_argument('--max-size', type=int, default=256)
    return parser.parse_args()


def main():
    args = parse_args()
    coco_writer.generate(args.out_dir, args.num_train, args.num_val,
                         args.seed, args.min_size, args.max_size)


if __name__ == '__main__':
    main()
