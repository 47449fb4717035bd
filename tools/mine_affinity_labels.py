"""Mine PSA's affinity labels from saved CAMs (PSA, CVPR18, section 3.2).

For each image id, reads ``<cam-dir>/<id>.npz`` (full-resolution CAMs) and
``<img-dir>/<id><img-suffix>``, and writes ``<out-dir>/<id>.png`` (uint8: 0
confident background, c + 1 confident foreground class c, 255 neutral), the
format of IRN's relation labels, so datasets read it as ``relation_path``.
The background powers are PSA's 4 / 32 (``--alpha-low`` / ``--alpha-high``),
or those of thresholds of the max CAM (``--fg-thr`` / ``--bg-thr``, the power
whose background score equals the CAM there: PSA's are 0.28 / 0.08 for VOC
CAMs that peak near 0.15).
Finished images are skipped, so a killed run resumes. Shard over processes
with ``--launcher pytorch`` and/or ``--workers N`` processes per rank.

Example::

    python tools/mine_affinity_labels.py data/toy_voc/JPEGImages \\
        work_dirs/cams work_dirs/affinity_labels --workers 2
"""
import argparse
from functools import partial

from mmirn.pseudo import PSA_CRF_CFG, mine_affinity_labels
from mmirn.pseudo.affinity_labels import alpha_from_threshold
from mmirn.pseudo.mining import mine_all


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Mine PSA affinity labels from CAMs')
    parser.add_argument('img_dir', help='directory of the images')
    parser.add_argument('cam_dir', help='directory of the CAM .npz files')
    parser.add_argument('out_dir', help='output directory of the label PNGs')
    parser.add_argument(
        '--ids',
        help='text file with one image id a line (default: every CAM file)')
    parser.add_argument('--img-suffix', default='.jpg')
    parser.add_argument(
        '--alpha-low', type=float, default=4.,
        help='background power of the confident foreground map')
    parser.add_argument(
        '--alpha-high', type=float, default=32.,
        help='background power of the confident background map')
    parser.add_argument(
        '--fg-thr', type=float,
        help='confident foreground above this max CAM: sets --alpha-low')
    parser.add_argument(
        '--bg-thr', type=float,
        help='confident background below this max CAM: sets --alpha-high')
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
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if args.fg_thr is not None:
        args.alpha_low = alpha_from_threshold(args.fg_thr)
    if args.bg_thr is not None:
        args.alpha_high = alpha_from_threshold(args.bg_thr)
    crf_cfg = dict(enabled=False) if args.no_crf else dict(
        PSA_CRF_CFG, num_iters=args.crf_iters)
    mine_all(args, partial(
        mine_affinity_labels,
        alpha_low=args.alpha_low,
        alpha_high=args.alpha_high,
        crf_cfg=crf_cfg))


if __name__ == '__main__':
    main()
