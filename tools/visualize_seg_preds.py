"""Draw val images with the label maps of segmentation models beside the GT.

Rows: image | GT | one column per ``--preds NAME=DIR`` (PNG label maps named
``<img_id>.png``, e.g. those mmseg's ``IoUMetric`` writes with ``output_dir``).
Writes ``<out>/<img_id>.png`` per image and ``<out>/<grid-name>.png`` with the first
``--grid-rows`` images.

Example (after ``make demo-baselines``)::

    python tools/visualize_seg_preds.py data/toy_voc \\
        --preds GT-trained=work_dirs/demo/seg_gt_test/preds \\
        IRN-trained=work_dirs/demo/seg_irn_test/preds --out work_dirs/demo/report
"""
import argparse
import os.path as osp
import sys

import cv2
import numpy as np

from mmirn.pseudo.semantic import load_png
from mmirn.visualization import build_wsss_visualizer
from mmirn.visualization.tool_utils import write_panels


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Draw segmentation predictions beside GT')
    parser.add_argument('data_root', help='VOC-style root (JPEGImages, SegmentationClass)')
    parser.add_argument('--preds', nargs='+', required=True, metavar='NAME=DIR',
                        help='a column per model: its name and its folder of label PNGs')
    parser.add_argument('--split', help='image ids file; defaults to '
                        'DATA_ROOT/ImageSets/Segmentation/val.txt')
    parser.add_argument('--gt-dir', default='SegmentationClass',
                        help='GT label folder, relative to DATA_ROOT unless absolute')
    parser.add_argument('--out', required=True, help='output directory')
    parser.add_argument('--num', type=int, default=6, help='the first N images of the split')
    parser.add_argument('--grid-rows', type=int, default=4)
    parser.add_argument('--grid-name', default='seg_preds')
    parser.add_argument('--tile-size', type=int, default=128)
    return parser.parse_args(argv)


def parse_preds(items):
    preds = []
    for item in items:
        name, sep, folder = item.partition('=')
        if not sep or not name or not folder:
            sys.exit(f'visualize_seg_preds: --preds wants NAME=DIR, got {item!r}')
        if not osp.isdir(folder):
            sys.exit(f'visualize_seg_preds: {folder} (--preds {name}) is not a folder')
        preds.append((name, folder))
    return preds


def read_label(path, shape):
    if not osp.isfile(path):
        sys.exit(f'visualize_seg_preds: {path} is missing')
    label = load_png(path)
    if label.shape != shape:
        sys.exit(f'visualize_seg_preds: {path} is {label.shape[1]}x{label.shape[0]}, '
                 f'its image {shape[1]}x{shape[0]}')
    return label


def main(argv=None):
    args = parse_args(argv)
    preds = parse_preds(args.preds)
    split = args.split or osp.join(args.data_root, 'ImageSets', 'Segmentation', 'val.txt')
    with open(split) as f:
        ids = [line.split()[0] for line in f if line.strip()][:args.num]
    if not ids:
        sys.exit(f'visualize_seg_preds: {split} lists no image')
    gt_dir = osp.join(args.data_root, args.gt_dir)
    vis = build_wsss_visualizer()

    def tiles():
        for img_id in ids:
            path = osp.join(args.data_root, 'JPEGImages', f'{img_id}.jpg')
            image = cv2.imread(path)
            if image is None:
                sys.exit(f'visualize_seg_preds: cannot read the image {path}')
            image = image[..., ::-1].copy()
            white = np.full_like(image, 255)
            labels = [read_label(osp.join(gt_dir, f'{img_id}.png'), image.shape[:2])]
            labels += [read_label(osp.join(folder, f'{img_id}.png'), image.shape[:2])
                       for _, folder in preds]
            yield [image] + [vis._drawn(white, 'draw_sem_seg', lab) for lab in labels]

    columns = ['image', 'GT'] + [name for name, _ in preds]

    def add_panel(name, rows, tile_size=None):
        return vis.add_grid_panel(name, rows, columns, tile_size)

    write_panels(add_panel, tiles(), ids, args.out, args.grid_name, args.grid_rows,
                 args.tile_size)


if __name__ == '__main__':
    main()
