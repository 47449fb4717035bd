"""Write IRN instance pseudo labels in a test loop and score their mask AP."""
import json
import os.path as osp
from typing import Dict, List, Optional, Sequence

import numpy as np
import pycocotools.mask as mask_util
import torch
from mmengine.evaluator import BaseMetric

from mmirn.pseudo.cam_io import atomic_write, cam_path, load_cams
from mmirn.pseudo.instance import INSTANCE_MODES, instance_labels
from mmirn.pseudo.semantic import save_png
from mmirn.registry import METRICS
from .instance_ap import coco_mask_ap, encode_masks, mask_iou, voc_instance_ap
from .sem_label_metric import gt_semantic, sample_img_id, stride4_map


def detections_to_coco(results: Sequence[dict], classes: Sequence[str],
                       score_thr: float = 0.) -> dict:
    """A COCO-format dataset of pseudo instances (mmdet's ``CocoDataset`` reads it).

    Args:
        results (Sequence[dict]): Per image ``file_name``, ``height``,
            ``width``, ``rles``, ``labels`` (foreground indices) and ``scores``.
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
            dict(
                id=i + 1,
                file_name=r['file_name'],
                height=int(r['height']),
                width=int(r['width'])))
        for rle, label, score in zip(r['rles'], r['labels'], r['scores']):
            if score <= score_thr:
                continue
            anns.append(
                dict(
                    id=len(anns) + 1,
                    image_id=i + 1,
                    category_id=int(label) + 1,
                    segmentation=rle,
                    area=float(mask_util.area(rle)),
                    bbox=[float(v) for v in mask_util.toBbox(rle)],
                    iscrowd=0,
                    score=float(score)))
    categories = [dict(id=c + 1, name=name) for c, name in enumerate(classes)]
    return dict(images=images, annotations=anns, categories=categories)


@METRICS.register_module()
class InstanceLabelMetric(BaseMetric):
    """IRN instance pseudo labels (step 7) as a metric of a test loop.

    For every image the model's ``pred_boundary`` and ``pred_displacement``
    (IRNet) and the saved CAMs give the detections of
    :func:`mmirn.pseudo.instance_labels` in ``mode``. Written per image,
    atomically: ``<out_dir>/<img_id>.png`` (VOC palette, detection i + 1 at its
    pixels, by decreasing score) and ``<out_dir>/<img_id>.json`` (RLE masks,
    labels, scores; existing ones are read back, which resumes a killed run).
    The whole split goes to ``ann_file`` as a COCO-format dataset. With ground
    truth (``gt_instances``; ``gt_sem_seg`` == 255 is VOC's void border, left out
    of the IoUs) it reports VOC-style mask AP at IoU 0.5 and 0.7 and COCO mask
    AP (pycocotools), in percent, for ``mode`` and for every ``eval_modes``
    entry (keys prefixed by the mode).

    Args:
        cam_dir (str): Directory of the CAM files.
        out_dir (str, optional): Where to write the per-image files.
            Defaults to None (nothing written).
        ann_file (str, optional): The COCO JSON of the split. Defaults to
            ``<out_dir>.json``.
        mode (str): ``'full'`` (displacement + boundary), ``'cam_boundary'`` or
            ``'cam'`` (IRN Table 1). Defaults to 'full'.
        eval_modes (Sequence[str]): Other modes to evaluate (not written), e.g.
            ``('cam', 'cam_boundary')`` for the ablation. Defaults to ().
        iou_thrs (Sequence[float]): VOC AP thresholds. Defaults to (0.5, 0.7).
        ann_score_thr (float): Detections written to ``ann_file`` score above
            this. Defaults to 0.
        skip_done (bool): Reuse existing per-image files. Defaults to True.
        label_cfg (dict, optional): Keyword arguments of ``instance_labels``
            (``bg_thr``, ``cam_bg_thr``, ``refine_iters``, ``radius``, ...).
        collect_device (str): Defaults to 'cpu'.
        prefix (str, optional): Defaults to None ('ins').
    """
    default_prefix = 'ins'

    def __init__(self,
                 cam_dir: str,
                 out_dir: Optional[str] = None,
                 ann_file: Optional[str] = None,
                 mode: str = 'full',
                 eval_modes: Sequence[str] = (),
                 iou_thrs: Sequence[float] = (0.5, 0.7),
                 ann_score_thr: float = 0.,
                 skip_done: bool = True,
                 label_cfg: Optional[dict] = None,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        for m in (mode, *eval_modes):
            assert m in INSTANCE_MODES, f'unknown mode {m}'
        self.cam_dir = cam_dir
        self.out_dir = out_dir
        if ann_file is None and out_dir is not None:
            ann_file = osp.normpath(out_dir) + '.json'
        self.ann_file = ann_file
        self.mode = mode
        self.eval_modes = [m for m in eval_modes if m != mode]
        self.iou_thrs = tuple(iou_thrs)
        self.ann_score_thr = ann_score_thr
        self.skip_done = skip_done
        self.label_cfg = dict(label_cfg or {})

    def make_detections(self, sample: dict, mode: str) -> dict:
        """Detections of one sample in ``mode`` (masks, labels, scores, map)."""
        cams = load_cams(cam_path(self.cam_dir, sample_img_id(sample)),
            num_classes=len(self.dataset_meta['classes']) - 1
            if self.dataset_meta else None)
        cam = torch.from_numpy(cams['cam'].astype(np.float32))
        size = cam.shape[-2:]
        boundary = displacement = None
        if mode != 'cam':
            boundary = stride4_map(sample, 'pred_boundary', size)[0]
        if mode == 'full':
            displacement = stride4_map(sample, 'pred_displacement', size)
        high_res = torch.from_numpy(cams['high_res'].astype(np.float32))
        return instance_labels(
            cam,
            cams['keys'],
            sample['ori_shape'][:2],
            boundary=boundary,
            displacement=displacement,
            high_res=high_res,
            mode=mode,
            **self.label_cfg)

    def _written(self, sample: dict) -> dict:
        """Detections of ``mode``: read back from disk or computed and written."""
        img_id = sample_img_id(sample)
        if self.out_dir is None:
            dets = self.make_detections(sample, self.mode)
            return dict(
                rles=encode_masks(dets['masks']),
                labels=dets['labels'].tolist(),
                scores=dets['scores'].tolist())
        png = osp.join(self.out_dir, f'{img_id}.png')
        side = osp.join(self.out_dir, f'{img_id}.json')
        if self.skip_done and osp.exists(png) and osp.exists(side):
            with open(side) as f:
                return json.load(f)
        dets = self.make_detections(sample, self.mode)
        out = dict(
            rles=encode_masks(dets['masks']),
            labels=dets['labels'].tolist(),
            scores=dets['scores'].tolist())
        save_png(dets['instance_map'], png)
        atomic_write(side, lambda f: f.write(json.dumps(out).encode()))
        return out

    def _with_gt(self, dets: dict, gt_masks: Optional[np.ndarray],
                 ignore: Optional[np.ndarray]) -> dict:
        if gt_masks is None:
            return dets
        pred = np.zeros((0, ) + gt_masks.shape[1:], dtype=bool)
        if dets['rles']:
            pred = mask_util.decode(dets['rles']).transpose(2, 0, 1) > 0
        return dict(dets, ious=mask_iou(pred, gt_masks, ignore))

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        """Write (or read back) the detections of every sample; match them."""
        for sample in data_samples:
            h, w = sample['ori_shape'][:2]
            gt_masks = gt_labels = ignore = None
            if 'gt_instances' in sample and 'masks' in sample['gt_instances']:
                gt = sample['gt_instances']
                gt_masks = np.asarray(gt['masks'].cpu().numpy(), dtype=bool)
                gt_labels = gt['labels'].cpu().numpy().astype(np.int64)
                sem = gt_semantic(sample)
                ignore = None if sem is None else sem == 255
            result = dict(
                file_name=osp.basename(sample.get('img_path', '')),
                height=int(h),
                width=int(w),
                modes={})
            result['modes'][self.mode] = self._with_gt(
                self._written(sample), gt_masks, ignore)
            if gt_masks is not None:
                for mode in self.eval_modes:
                    dets = self.make_detections(sample, mode)
                    result['modes'][mode] = self._with_gt(
                        dict(
                            rles=encode_masks(dets['masks']),
                            labels=dets['labels'].tolist(),
                            scores=dets['scores'].tolist()), gt_masks, ignore)
                result['gt_rles'] = encode_masks(gt_masks)
                result['gt_labels'] = gt_labels.tolist()
            self.results.append(result)

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        """Save the split's COCO JSON; AP50 / AP70 / COCO AP per mode."""
        classes = self.dataset_meta['classes'][1:]
        if self.ann_file is not None:
            flat = [dict(r, **r['modes'][self.mode]) for r in results]
            coco = detections_to_coco(flat, classes, self.ann_score_thr)
            atomic_write(self.ann_file,
                         lambda f: f.write(json.dumps(coco).encode()))
        metrics = dict(num_images=float(len(results)))
        evaluated = [r for r in results if 'gt_labels' in r]
        if not evaluated:
            return metrics
        for mode in [self.mode] + self.eval_modes:
            per_image = [
                dict(r['modes'][mode], gt_labels=r['gt_labels'],
                     gt_rles=r['gt_rles'], height=r['height'],
                     width=r['width']) for r in evaluated
            ]
            key = '' if mode == self.mode else f'{mode}_'
            for thr in self.iou_thrs:
                ap = voc_instance_ap(per_image, len(classes), thr)['mAP']
                metrics[f'{key}ap{int(round(thr * 100))}'] = round(100 * ap, 2)
            coco = coco_mask_ap(per_image, len(classes))
            metrics[f'{key}coco_ap'] = round(100 * coco['AP'], 2)
            metrics[f'{key}coco_ap50'] = round(100 * coco['AP50'], 2)
            metrics[f'{key}coco_ap75'] = round(100 * coco['AP75'], 2)
        return metrics
