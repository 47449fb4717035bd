"""Mine PSA's affinity labels from saved CAMs (PSA, CVPR18, section 3.2).

For each image id, reads ``<cam-dir>/<id>.npz`` (full-resolution CAMs) and
``<img-dir>/<id><img-suffix>``, and writes ``<out-dir>/<id>.png`` (uint8: 0
confident background, c + 1 confident foreground class c, 255 neutral), the
format of IRN's relation labels, so datasets read it as ``relation_path``.
Finished images are skipped, so a killed run resumes. Shard over processes
with ``--launcher pytorch`` and/or ``--workers N`` processes per rank.

Example::

    python tools/mine_affinity_labels.py data/toy_voc/JPEGImages \\
        work_dirs/cams work_dirs/affinity_labels --workers 2
"""
import argparse
import glob
import os
import os.path as osp
from functools import partial
from multiprocessing import Pool

import mmcv
from mmengine.dist import barrier, get_dist_info, init_dist
from mmengine.utils import ProgressBar

from mmirn.pseudo import (PSA_CRF_CFG, cam_path, load_cams,
                          mine_affinity_labels, save_label_png)


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


def list_ids(cam_dir, ids_file=None):
    """Image ids from a list file, or from the CAM files of a directory."""
    if ids_file is not None:
        with open(ids_file) as f:
            return [line.split()[0] for line in f if line.strip()]
    return sorted(
        osp.splitext(osp.basename(p))[0]
        for p in glob.glob(osp.join(cam_dir, '*.npz')))


def mine_one(img_id, img_dir, cam_dir, out_dir, img_suffix, alpha_low,
             alpha_high, crf_cfg):
    """Mine and save one image's affinity labels (skipped when done)."""
    out_path = osp.join(out_dir, f'{img_id}.png')
    if osp.exists(out_path):
        return False
    img = mmcv.imread(
        osp.join(img_dir, f'{img_id}{img_suffix}'), channel_order='rgb')
    cams = load_cams(cam_path(cam_dir, img_id))
    label = mine_affinity_labels(img, cams['keys'], cams['high_res'],
                                 alpha_low, alpha_high, crf_cfg)
    save_label_png(out_path, label)
    return True


def main(argv=None):
    args = parse_args(argv)
    if args.launcher != 'none':
        if 'LOCAL_RANK' not in os.environ:
            os.environ['LOCAL_RANK'] = str(args.local_rank)
        init_dist(args.launcher, backend='gloo')
    rank, world_size = get_dist_info()
    ids = list_ids(args.cam_dir, args.ids)[rank::world_size]
    os.makedirs(args.out_dir, exist_ok=True)
    crf_cfg = dict(enabled=False) if args.no_crf else dict(
        PSA_CRF_CFG, num_iters=args.crf_iters)
    work = partial(
        mine_one,
        img_dir=args.img_dir,
        cam_dir=args.cam_dir,
        out_dir=args.out_dir,
        img_suffix=args.img_suffix,
        alpha_low=args.alpha_low,
        alpha_high=args.alpha_high,
        crf_cfg=crf_cfg)
    progress = ProgressBar(len(ids))
    done = 0
    if args.workers > 1:
        with Pool(args.workers) as pool:
            for written in pool.imap_unordered(work, ids, chunksize=4):
                done += written
                progress.update()
    else:
        for img_id in ids:
            done += work(img_id)
            progress.update()
    print(f'\nrank {rank}: {done} written, {len(ids) - done} already done, '
          f'in {args.out_dir}')
    if world_size > 1:
        barrier()


if __name__ == '__main__':
    main()
