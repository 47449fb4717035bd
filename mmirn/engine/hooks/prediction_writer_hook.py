"""Write what the model predicted in a test loop: CAMs, semantic and instance labels."""
import json
import os
import os.path as osp
from typing import Dict, Optional, Sequence

import numpy as np
from mmengine.dist import barrier, get_rank
from mmengine.hooks import Hook
from mmengine.logging import print_log
from torch.utils.data import DataLoader

from mmirn.pseudo.cam_io import atomic_write, cam_path, save_cams
from mmirn.pseudo.semantic import save_png
from mmirn.registry import HOOKS
from mmirn.structures.coco_instances import coco_annotation, encode_masks
from mmirn.utils.file_faults import remove_temp_files
from .degenerate_log import (KINDS, DegenerateLog, cams_all_zero, no_foreground,
                             no_instance, write_summary)

OUTPUTS = ('cams', 'sem', 'ins')


def img_id_of(info: dict) -> str:
    """The image id of a data info or sample metainfo: ``img_id`` or the file stem."""
    if info.get('img_id') is not None:
        return str(info['img_id'])
    return osp.splitext(osp.basename(info['img_path']))[0]


def instance_png(masks: np.ndarray) -> np.ndarray:
    """(H, W) uint8 map with detection i + 1 at its pixels (the first wins)."""
    out = np.zeros(masks.shape[1:], dtype=np.uint8)
    for i in range(min(len(masks), 254) - 1, -1, -1):
        out[masks[i]] = i + 1
    return out


def detections_to_coco(results: Sequence[dict], classes: Sequence[str],
                       score_thr: float = 0.) -> dict:
    """A COCO-format dataset of pseudo instances (mmdet's ``CocoDataset`` reads it).

    Args:
        results (Sequence[dict]): Per image ``file_name``, ``height``, ``width``,
            ``rles``, ``labels`` (foreground indices) and ``scores``.
        classes (Sequence[str]): Foreground class names; category id c + 1.
        score_thr (float): Keep detections scoring above this (fragments score
            0). Defaults to 0.

    Returns:
        dict: ``images``, ``annotations`` (RLE ``segmentation``, ``bbox``,
        ``area``, ``score``, ``iscrowd`` 0) and ``categories``.
    """
    images, anns = [], []
    for i, r in enumerate(results):
        images.append(
            dict(id=i + 1, file_name=r['file_name'], height=int(r['height']),
                 width=int(r['width'])))
        for rle, label, score in zip(r['rles'], r['labels'], r['scores']):
            if score <= score_thr:
                continue
            anns.append(coco_annotation(len(anns) + 1, i + 1, label, rle, score))
    categories = [dict(id=c + 1, name=name) for c, name in enumerate(classes)]
    return dict(images=images, annotations=anns, categories=categories)


@HOOKS.register_module()
class PredictionWriterHook(Hook):
    """Write the predictions of every test image, per rank and atomically.

    Named outputs (``out_dirs``), each written when its folder is given:

    - ``cams``: ``<dir>/<img_id>.npz`` from ``pred_cams`` / ``pred_cams_strided``
      (the files ``LoadCAMs`` reads, :func:`mmirn.pseudo.save_cams`).
    - ``sem``: ``<dir>/<img_id>.png``, ``pred_sem_seg`` as a VOC-palette PNG
      (0 background, c + 1 foreground class c).
    - ``ins``: ``<dir>/<img_id>.png`` (detection i + 1 at its pixels, by
      decreasing score) and ``<dir>/<img_id>.json`` (RLE masks, labels, scores)
      from ``pred_instances``; after the loop, rank 0 gathers the JSONs of the
      dataset into one COCO-format file ``ann_file`` (default ``<dir>.json``).

    Resume: with ``resume``, before the loop the hook drops from each rank's
    share of the test set the images whose outputs all exist, so the model
    does not compute them again (a rank with every image done keeps one, so
    that the metrics have something to score). The metrics of a resumed run
    therefore cover only the images it computed (in a distributed run, as many
    per rank as the smallest share: mmengine's result collection zips the
    ranks' lists); every file is complete. ``--redo`` of ``tools/test.py`` (or
    an emptied folder) scores the whole set.

    Degenerate images: each output folder counts the images whose CAMs are all
    zero (``cams``), whose labels have no foreground (``sem``) or which have no
    instance in ``ann_file`` (``ins``), resumed runs included, in its
    ``.degenerate.json`` (see :mod:`~mmirn.engine.hooks.degenerate_log`); the
    pipeline's summary reports them.

    Args:
        out_dirs (dict): Folders by output name (``cams``, ``sem``, ``ins``);
            None values are skipped.
        ann_file (str, optional): The COCO JSON of the instances. Defaults to
            None (``<out_dirs.ins>.json``).
        ann_score_thr (float): Instances in ``ann_file`` score above this
            (fragments score 0). Defaults to 0.
        cam_dtype (str): Storage dtype of the CAMs. Defaults to 'float16'.
        resume (bool): Skip images whose outputs are complete. Defaults to True.
    """

    def __init__(self,
                 out_dirs: Dict[str, Optional[str]],
                 ann_file: Optional[str] = None,
                 ann_score_thr: float = 0.,
                 cam_dtype: str = 'float16',
                 resume: bool = True) -> None:
        unknown = set(out_dirs) - set(OUTPUTS)
        if unknown:
            raise ValueError(f'unknown outputs {sorted(unknown)}; the outputs are '
                             f'{OUTPUTS}')
        self.out_dirs = {k: v for k, v in out_dirs.items() if v}
        if ann_file is None and 'ins' in self.out_dirs:
            ann_file = osp.normpath(self.out_dirs['ins']) + '.json'
        self.ann_file = ann_file
        self.ann_score_thr = ann_score_thr
        self.cam_dtype = cam_dtype
        self.resume = resume
        self._logs = {}

    def paths(self, img_id: str) -> list:
        """The files one image's outputs consist of."""
        files = []
        if 'cams' in self.out_dirs:
            files.append(cam_path(self.out_dirs['cams'], img_id))
        if 'sem' in self.out_dirs:
            files.append(osp.join(self.out_dirs['sem'], f'{img_id}.png'))
        if 'ins' in self.out_dirs:
            files += [osp.join(self.out_dirs['ins'], f'{img_id}.{ext}')
                      for ext in ('png', 'json')]
        return files

    def is_done(self, img_id: str) -> bool:
        return all(osp.exists(p) for p in self.paths(img_id))

    def remove_temp_files(self) -> None:
        """Remove the temp files of writes killed in an earlier run (rank 0, then
        a barrier: no rank writes before)."""
        if get_rank() == 0:
            removed = []
            for d in self.out_dirs.values():
                removed += remove_temp_files(d)
            if self.ann_file is not None:
                removed += remove_temp_files(
                    osp.dirname(osp.abspath(self.ann_file)),
                    name=osp.basename(self.ann_file))
            if removed:
                print_log(f'PredictionWriterHook: removed {len(removed)} temp files '
                          'of writes killed in an earlier run', 'current')
        barrier()

    def before_test(self, runner) -> None:
        """Remove the temp files of killed writes; leave the images whose outputs
        are complete out of this rank's share."""
        self.remove_temp_files()
        if not self.resume or not self.out_dirs:
            return
        loop = runner.test_loop
        loader = loop.dataloader
        dataset = loader.dataset
        indices = list(iter(loader.sampler))
        todo = [i for i in indices
                if not self.is_done(img_id_of(dataset.get_data_info(i)))]
        if len(todo) == len(indices):
            return
        print_log(f'PredictionWriterHook: {len(indices) - len(todo)} of '
                  f'{len(indices)} images have all their outputs; skipped',
                  'current')
        todo = todo or indices[:1]
        loop.dataloader = DataLoader(
            dataset,
            batch_size=loader.batch_size,
            sampler=todo,
            num_workers=loader.num_workers,
            collate_fn=loader.collate_fn,
            pin_memory=loader.pin_memory,
            worker_init_fn=loader.worker_init_fn,
            persistent_workers=loader.persistent_workers)

    def _record(self, output: str, img_id: str, degenerate: bool) -> None:
        if output not in self._logs:
            self._logs[output] = DegenerateLog(self.out_dirs[output], KINDS[output],
                                               get_rank())
        self._logs[output].record(img_id, degenerate)

    def after_test_iter(self, runner, batch_idx: int, data_batch=None,
                        outputs=None) -> None:
        for sample in outputs or []:
            self.write(sample)

    def write(self, sample) -> None:
        """Write the outputs of one predicted data sample."""
        img_id = img_id_of(sample.metainfo)
        if self.resume and self.is_done(img_id):
            return
        dirs = self.out_dirs
        if 'cams' in dirs:
            cams = sample.pred_cams
            os.makedirs(dirs['cams'], exist_ok=True)
            self._record('cams', img_id, cams_all_zero(cams.data))
            save_cams(cam_path(dirs['cams'], img_id), cams.cam_keys,
                      sample.pred_cams_strided.data, cams.data,
                      dtype=self.cam_dtype)
        if 'sem' in dirs:
            label = sample.pred_sem_seg.data[0].cpu().numpy().astype(np.uint8)
            os.makedirs(dirs['sem'], exist_ok=True)
            self._record('sem', img_id, no_foreground(label))
            save_png(label, osp.join(dirs['sem'], f'{img_id}.png'))
        if 'ins' in dirs:
            ins = sample.pred_instances
            masks = ins.masks.cpu().numpy().astype(bool)
            h, w = sample.metainfo['ori_shape'][:2]
            record = dict(
                file_name=osp.basename(sample.metainfo.get('img_path', '')),
                height=int(h),
                width=int(w),
                rles=encode_masks(masks),
                labels=ins.labels.cpu().tolist(),
                scores=[float(s) for s in ins.scores.cpu()])
            save_png(instance_png(masks), osp.join(dirs['ins'], f'{img_id}.png'))
            self._record('ins', img_id,
                         no_instance(record['scores'], self.ann_score_thr))
            # the JSON last: it marks the image complete
            atomic_write(
                osp.join(dirs['ins'], f'{img_id}.json'),
                lambda f: f.write(json.dumps(record).encode()))

    def after_test(self, runner) -> None:
        """Count the degenerate images of each output; gather the instance JSONs
        of the whole test set into ``ann_file``."""
        for log in self._logs.values():
            log.close()
        self._logs = {}
        barrier()
        if get_rank() != 0:
            return
        for output, folder in self.out_dirs.items():
            if osp.isdir(folder):
                write_summary(folder, KINDS[output])
        if self.ann_file is None:
            return
        dataset = runner.test_loop.dataloader.dataset
        records = []
        for i in range(len(dataset)):
            side = osp.join(self.out_dirs['ins'],
                            f'{img_id_of(dataset.get_data_info(i))}.json')
            if osp.exists(side):
                with open(side) as f:
                    records.append(json.load(f))
        coco = detections_to_coco(records, dataset.metainfo['classes'][1:],
                                  self.ann_score_thr)
        atomic_write(self.ann_file, lambda f: f.write(json.dumps(coco).encode()))
