"""Mine inter-pixel relation labels from saved CAMs (IRN, section 4.2).

For each image id, reads ``<cam-dir>/<id>.npz`` (full-resolution CAMs) and
``<img-dir>/<id><img-suffix>``, and writes ``<out-dir>/<id>.png`` (uint8: 0 confident
background, c + 1 confident foreground class c, 255 ignored). Finished images are
skipped, so a killed run resumes. Shard over processes with ``--launcher pytorch``
(e.g. ``torchrun --nproc_per_node 2 tools/mine_relations.py ... --launcher pytorch``)
and/or ``--workers N`` processes per rank.

Example::

    python tools/mine_relations.py data/toy_voc/VOC2012/JPEGImages \\
        work_dirs/cams work_dirs/relations --workers 2
"""
import argparse
from functools import partial

from mmirn.pseudo import mine_relation_labels
from mmirn.pseudo.mining import mine_all



def parse_args():
    parser = argparse.ArgumentParser(
        description='Mine relation labels from CAMs')
    parser.add_argument('img_dir', help='directory of the images')
    parser.add_argument('cam_dir', help='directory of the CAM .npz files')
    parser.add_argument('out_dir', help='output directory of the label PNGs')
    parser.add_argument(
        '--ids',
        help='text file with one image id a line (default: every CAM file)')
    parser.add_argument('--img-suffix', default='.jpg')
    parser.add_argument(
        '--img-name',
        help='image file name template with {id}, instead of <id><img-suffix> '
        '(COCO 2014: COCO_train2014_{id:0>12}.jpg)')
    parser.add_argument('--fg-thr', type=float, default=0.30)
    parser.add_argument('--bg-thr', type=float, default=0.05)
    parser.add_argument('--crf-iters', type=int, default=10)
    parser.add_argument(
        '--no-crf', action='store_true', help='skip the dense CRF')
    parser.add_argument(
        '--workers', type=int, default=1, help='processes per rank')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    return parser.parse_args()


def main():
    args = parse_args()
    crf_cfg = dict(enabled=False) if args.no_crf else dict(
        num_iters=args.crf_iters)
    mine_all(args, partial(
        mine_relation_labels,
        fg_thr=args.fg_thr,
        bg_thr=args.bg_thr,
        crf_cfg=crf_cfg))


if __name__ == '__main__':
    main()
