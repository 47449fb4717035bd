"""COCO-style instances JSON as an image-level label dataset (COCO 2014 WSSS)."""
import json
import os.path as osp
from collections import defaultdict
from typing import List, Optional

from mmengine.logging import print_log
from mmseg.datasets import BaseSegDataset

from mmirn.registry import DATASETS
from .utils import check_dir, check_file, multi_hot, with_background


def _load_json(path: str) -> dict:
    check_file(path, 'Annotation JSON')
    try:
        with open(path) as f:
            coco = json.load(f)
    except json.JSONDecodeError as e:
        raise ValueError(f'Cannot parse annotation JSON {path}: {e}') from e
    for key in ('images', 'annotations', 'categories'):
        if key not in coco:
            raise ValueError(f'Annotation JSON {path} has no "{key}"')
    return coco


@DATASETS.register_module()
class COCOClsDataset(BaseSegDataset):
    """Images of a COCO instances JSON with their image-level labels.

    The classes are the JSON's categories in id order (contiguous foreground
    indices), with 'background' first; a ``metainfo=dict(classes=...)`` picks a
    subset by name. ``gt_label`` marks every category with at least one non-crowd
    annotation in the image: a crowd annotation (``iscrowd=1``) is never an
    image-level label, so a class present only through crowds is not in
    ``gt_label`` / ``label_ids``, and an image whose only annotations are crowds has
    no label and is treated as empty (dropped and counted, see ``filter_empty``).
    With ``with_masks=True`` each data info also carries all its annotations, crowds
    included (``instances``: ``segmentation``, ``label``, ``iscrowd``, ``bbox``),
    and the image size from the JSON, for ``LoadCOCOInstances`` (which makes the
    crowds ignored regions).

    Args:
        ann_file (str): The instances JSON.
        data_prefix (dict): ``img_path``: image folder relative to ``data_root``;
            optional ``relation_path``: folder of IRN's relation label PNGs
            (``<relation_path>/<img_id>.png``, as ``tools/mine_labels.py``
            names them; they may not exist yet); optional
            ``cam_path``: folder of the CAM files (``<cam_path>/<img_id>.npz``,
            read by ``LoadCAMs``).
            Defaults to ``dict(img_path='')``.
        filter_empty (bool): Drop images without a non-crowd annotation of the
            chosen classes (their count is logged, with how many of them had
            crowds only). If False, such an image raises an error naming the JSON
            and the image. Defaults to True.
        with_masks (bool): Keep the annotations for mask loading.
            Defaults to False.
        check_files (bool): Check at init that every image exists.
            Defaults to True.
        **kwargs: Other arguments of mmseg's ``BaseSegDataset``.
    """
    METAINFO = dict()

    def __init__(self,
                 ann_file: str,
                 data_prefix: Optional[dict] = None,
                 metainfo: Optional[dict] = None,
                 data_root: Optional[str] = None,
                 filter_empty: bool = True,
                 with_masks: bool = False,
                 check_files: bool = True,
                 **kwargs) -> None:
        self.filter_empty = filter_empty
        self.with_masks = with_masks
        self.check_files = check_files
        if data_root:
            check_dir(data_root, 'Dataset root')
        json_path = ann_file
        if data_root and not osp.isabs(json_path):
            json_path = osp.join(data_root, json_path)
        # The class names live in the JSON: read it once, here, and keep it for
        # load_data_list.
        self._coco = _load_json(json_path)
        categories = sorted(self._coco['categories'], key=lambda c: c['id'])
        json_names = [c['name'] for c in categories]
        metainfo = dict(metainfo or {})
        if metainfo.get('classes') is None:
            metainfo['classes'] = with_background(json_names)
        else:
            metainfo['classes'] = with_background(metainfo['classes'])
            unknown = [n for n in metainfo['classes'][1:] if n not in json_names]
            if unknown:
                raise ValueError(f'Unknown class name(s) {unknown}: not a '
                                 f'category of {json_path}')
        super().__init__(
            ann_file=ann_file,
            data_prefix=data_prefix or dict(img_path=''),
            metainfo=metainfo,
            data_root=data_root,
            **kwargs)

    def load_data_list(self) -> List[dict]:
        """Collect the images and their labels from the JSON."""
        coco = self._coco if self._coco is not None else _load_json(
            self.ann_file)
        self._coco = None
        classes = self._metainfo['classes']
        index = {name: i for i, name in enumerate(classes[1:])}
        cat2label = {
            c['id']: index[c['name']]
            for c in coco['categories'] if c['name'] in index
        }
        cat_ids = {c['id'] for c in coco['categories']}
        anns = defaultdict(list)
        for ann in coco['annotations']:
            if ann['category_id'] not in cat_ids:
                raise ValueError(f'Annotation {ann.get("id")} of image '
                                 f'{ann["image_id"]} has an unknown category id '
                                 f'{ann["category_id"]} in {self.ann_file}')
            anns[ann['image_id']].append(ann)
        img_dir = self.data_prefix.get('img_path', '')
        data_list, num_empty, num_crowd_only = [], 0, 0
        for img in coco['images']:
            img_anns = [a for a in anns[img['id']] if a['category_id'] in cat2label]
            # crowds are ignored regions, never image-level labels
            label_anns = [a for a in img_anns if not a.get('iscrowd', 0)]
            if not label_anns:
                what = ('only crowd annotations' if img_anns else 'no annotation')
                if self.filter_empty:
                    num_empty += 1
                    num_crowd_only += bool(img_anns)
                    continue
                raise ValueError(f'Image {img["id"]} ({img["file_name"]}) has no '
                                 f'label: {what} in {self.ann_file}')
            img_path = osp.join(img_dir, img['file_name'])
            if self.check_files and not osp.isfile(img_path):
                raise FileNotFoundError(f'Image {img["id"]} of {self.ann_file} '
                                        f'not found: {img_path}')
            label_ids = sorted({cat2label[a['category_id']] for a in label_anns})
            info = dict(
                img_path=img_path,
                img_id=img['id'],
                gt_label=multi_hot(label_ids, len(classes) - 1),
                label_ids=label_ids,
                label_map=None,
                reduce_zero_label=False,
                seg_fields=[])
            if 'relation_path' in self.data_prefix:
                info['relation_path'] = osp.join(
                    self.data_prefix['relation_path'], f'{img["id"]}.png')
            if 'cam_path' in self.data_prefix:
                info['cam_path'] = osp.join(self.data_prefix['cam_path'],
                                            f'{img["id"]}.npz')
            if self.with_masks:
                info.update(
                    ann_file=self.ann_file,
                    height=img['height'],
                    width=img['width'],
                    instances=[
                        dict(
                            segmentation=a['segmentation'],
                            label=cat2label[a['category_id']],
                            iscrowd=int(a.get('iscrowd', 0)),
                            bbox=a.get('bbox')) for a in img_anns
                    ])
            data_list.append(info)
        self.num_empty = num_empty
        self.num_crowd_only = num_crowd_only
        if num_empty:
            print_log(
                f'{num_empty} images without a non-crowd annotation in '
                f'{self.ann_file} were left out ({num_crowd_only} of them with '
                'crowd annotations only)',
                logger='current')
        if not data_list:
            raise ValueError(f'No image with a label of the chosen classes in '
                             f'{self.ann_file}')
        return data_list
