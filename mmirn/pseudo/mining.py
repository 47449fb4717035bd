"""Per-image label mining from saved CAMs, sharded over ranks and worker processes.

Shared by ``tools/mine_relations.py`` (IRN) and ``tools/mine_affinity_labels.py`` (PSA).
"""
import glob
import os
import os.path as osp
from functools import partial
from multiprocessing import Pool
from typing import Callable, List, Optional

import mmcv
from mmengine.dist import barrier, get_dist_info
from mmengine.utils import ProgressBar

from ..utils.dist import init_dist
from .cam_io import cam_path, load_cams
from .relations import save_label_png


def list_ids(cam_dir: str, ids_file: Optional[str] = None) -> List[str]:
    """Image ids from a list file, or from the CAM files of a directory."""
    if ids_file is not None:
        with open(ids_file) as f:
            return [line.split()[0] for line in f if line.strip()]
    return sorted(
        osp.splitext(osp.basename(p))[0]
        for p in glob.glob(osp.join(cam_dir, '*.npz')))


def mine_one(img_id: str, mine_fn: Callable, img_dir: str, cam_dir: str,
             out_dir: str, img_suffix: str,
             img_name: Optional[str] = None) -> bool:
    """Mine and save one image's label PNG; False when it was already there.

    ``mine_fn(img, keys, high_res_cams)`` returns the uint8 label map. The image
    is ``<img_dir>/<img_id><img_suffix>``, or ``<img_dir>/<img_name>`` with
    ``{id}`` filled in (e.g. COCO's ``COCO_train2014_{id:0>12}.jpg``).
    """
    out_path = osp.join(out_dir, f'{img_id}.png')
    if osp.exists(out_path):
        return False
    name = (img_name.format(id=img_id) if img_name else f'{img_id}{img_suffix}')
    img = mmcv.imread(osp.join(img_dir, name), channel_order='rgb')
    cams = load_cams(cam_path(cam_dir, img_id))
    save_label_png(out_path, mine_fn(img, cams['keys'], cams['high_res']))
    return True


def mine_all(args, mine_fn: Callable) -> None:
    """Run ``mine_fn`` on this rank's share of the images, with progress.

    ``args`` holds the mining tools' common arguments: ``img_dir``, ``cam_dir``,
    ``out_dir``, ``ids``, ``img_suffix``, ``workers``, ``launcher``, ``local_rank``.
    """
    if args.launcher != 'none':
        if 'LOCAL_RANK' not in os.environ:
            os.environ['LOCAL_RANK'] = str(args.local_rank)
        init_dist(args.launcher, backend='gloo')  # CPU work: gloo on any machine
    rank, world_size = get_dist_info()
    ids = list_ids(args.cam_dir, args.ids)[rank::world_size]
    os.makedirs(args.out_dir, exist_ok=True)
    work = partial(
        mine_one,
        mine_fn=mine_fn,
        img_dir=args.img_dir,
        cam_dir=args.cam_dir,
        out_dir=args.out_dir,
        img_suffix=args.img_suffix,
        img_name=getattr(args, 'img_name', None))
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
