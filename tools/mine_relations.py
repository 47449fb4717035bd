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
import glob
import os
import os.path as osp
from functools import partial
from multiprocessing import Pool

import mmcv
import numpy as np
from mmengine.dist import barrier, get_dist_info, init_dist
from mmengine.utils import ProgressBar

from mmirn.pseudo import (cam_path, load_cams, mine_relation_labels,
                          save_label_png)


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


def list_ids(cam_dir, ids_file=None):
    """Image ids from a list file, or from the CAM files of a directory."""
    if ids_file is not None:
        with open(ids_file) as f:
            return [line.split()[0] for line in f if line.strip()]
    return sorted(
        osp.splitext(osp.basename(p))[0]
        for p in glob.glob(osp.join(cam_dir, '*.npz')))


def mine_one(img_id, img_dir, cam_dir, out_dir, img_suffix, fg_thr, bg_thr,
             crf_cfg):
    """Mine and save one image's relation labels (skipped when done)."""
    out_path = osp.join(out_dir, f'{img_id}.png')
    if osp.exists(out_path):
        return False
    img = mmcv.imread(
        osp.join(img_dir, f'{img_id}{img_suffix}'), channel_order='rgb')
    cams = load_cams(cam_path(cam_dir, img_id))
    relation = mine_relation_labels(img, cams['keys'], cams['high_res'],
                                    fg_thr, bg_thr, crf_cfg)
    save_label_png(out_path, relation)
    return True


def main():
    args = parse_args()
    if args.launcher != 'none':
        if 'LOCAL_RANK' not in os.environ:
            os.environ['LOCAL_RANK'] = str(args.local_rank)
        init_dist(args.launcher, backend='gloo')
    rank, world_size = get_dist_info()
    ids = list_ids(args.cam_dir, args.ids)[rank::world_size]
    os.makedirs(args.out_dir, exist_ok=True)
    crf_cfg = dict(enabled=False) if args.no_crf else dict(
        num_iters=args.crf_iters)
    work = partial(
        mine_one,
        img_dir=args.img_dir,
        cam_dir=args.cam_dir,
        out_dir=args.out_dir,
        img_suffix=args.img_suffix,
        fg_thr=args.fg_thr,
        bg_thr=args.bg_thr,
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
