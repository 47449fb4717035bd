"""PASCAL VOC 2012 with image-level labels read from the detection XMLs."""
import json
import os.path as osp
import xml.etree.ElementTree as ET
from typing import Dict, List, Optional

import mmengine
import numpy as np
from mmengine.logging import print_log
from mmseg.datasets import BaseSegDataset

from mmirn.registry import DATASETS
from .utils import (check_dir, check_file, fg_class_index, multi_hot,
                    parse_label_lines)

VOC_CLASSES = ('background', 'aeroplane', 'bicycle', 'bird', 'boat', 'bottle',
               'bus', 'car', 'cat', 'chair', 'cow', 'diningtable', 'dog',
               'horse', 'motorbike', 'person', 'pottedplant', 'sheep', 'sofa',
               'train', 'tvmonitor')
VOC_PALETTE = [[0, 0, 0], [128, 0, 0], [0, 128, 0], [128, 128, 0], [0, 0, 128],
               [128, 0, 128], [0, 128, 128], [128, 128, 128], [64, 0, 0],
               [192, 0, 0], [64, 128, 0], [192, 128, 0], [64, 0, 128],
               [192, 0, 128], [64, 128, 128], [192, 128, 128], [0, 64, 0],
               [128, 64, 0], [0, 192, 0], [128, 192, 0], [0, 64, 128]]


def read_voc_xml(path: str, use_difficult: bool = True) -> List[str]:
    """Read the object class names of a VOC annotation XML.

    Args:
        path (str): The XML file.
        use_difficult (bool): Whether objects marked difficult count.
            Defaults to True.

    Returns:
        list[str]: One name per object, in file order.
    """
    check_file(path, 'Annotation XML')
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        raise ValueError(f'Cannot parse annotation XML {path}: {e}') from e
    names = []
    for obj in root.iter('object'):
        name = obj.findtext('name', default='').strip()
        if not name:
            raise ValueError(f'An object without a name in {path}')
        difficult = obj.findtext('difficult', default='0').strip()
        if not use_difficult and difficult == '1':
            continue
        names.append(name)
    return names


@DATASETS.register_module()
class VOCClsDataset(BaseSegDataset):
    """PASCAL VOC 2012 with image-level labels (the weak label of WSSS).

    Image-level labels come from ``Annotations/<id>.xml`` (all objects, difficult ones
    too by default) or from a precomputed ``label_file``. Segmentation masks are only
    listed (for evaluation) when their prefix is set. The list file may be any VOC
    list, e.g. ``ImageSets/Segmentation/train.txt`` or the VOC + SBD ``train_aug.txt``
    (whose images all have XMLs in VOC 2012).

    Each data info holds ``img_path``, ``img_id``, ``gt_label`` (float32 multi-hot over
    the foreground classes ``classes[1:]``), ``label_ids`` (sorted foreground indices)
    and, when the prefixes are set, ``seg_map_path``, ``ins_map_path`` and
    ``relation_path`` (``<relation_path>/<id>.png``; it may not exist yet, a later
    pipeline step writes it), ``cam_path`` (``<cam_path>/<id>.npz``, read by
    ``LoadCAMs``) and ``saliency_path`` (``<saliency_path>/<id>.png``, an
    optional saliency map read by ``LoadSaliency``).

    Args:
        ann_file (str): List file of image ids, one per line.
        data_prefix (dict): Folders relative to ``data_root``: ``img_path``,
            ``xml_path``, and optionally ``seg_map_path`` (``SegmentationClass`` or
            ``SegmentationClassAug``), ``ins_map_path`` (``SegmentationObject``) and
            ``relation_path``, ``cam_path`` and ``saliency_path``; a None value
            leaves the entry out.
            Defaults to ``dict(img_path='JPEGImages', xml_path='Annotations')``.
        use_difficult (bool): Whether objects marked difficult give labels.
            Defaults to True.
        label_file (str, optional): Precomputed labels used instead of the XMLs: a
            JSON dict ``{img_id: [class names]}``, a text file with lines
            ``img_id class_a class_b ...``, or IRN's ``cls_labels.npy`` (a dict
            from the id, or its integer form, to a multi-hot vector). Relative to
            ``data_root``.
            Defaults to None.
        check_files (bool): Check at init that every listed image exists.
            Defaults to True.
        img_suffix (str): Image suffix. Defaults to '.jpg'.
        seg_map_suffix (str): Mask suffix. Defaults to '.png'.
        **kwargs: Other arguments of mmseg's ``BaseSegDataset``.
    """
    METAINFO = dict(classes=VOC_CLASSES, palette=VOC_PALETTE)

    def __init__(self,
                 ann_file: str,
                 data_prefix: Optional[dict] = None,
                 use_difficult: bool = True,
                 label_file: Optional[str] = None,
                 check_files: bool = True,
                 img_suffix: str = '.jpg',
                 seg_map_suffix: str = '.png',
                 **kwargs) -> None:
        if data_prefix is None:
            data_prefix = dict(img_path='JPEGImages', xml_path='Annotations')
        # mmengine joins every prefix with data_root and rejects None.
        data_prefix = {k: v for k, v in data_prefix.items() if v is not None}
        self.use_difficult = use_difficult
        self.label_file = label_file
        self.check_files = check_files
        super().__init__(
            ann_file=ann_file,
            data_prefix=data_prefix,
            img_suffix=img_suffix,
            seg_map_suffix=seg_map_suffix,
            **kwargs)

    def _read_label_file(self) -> Dict[str, List[str]]:
        """Read ``label_file`` into ``{img_id: [class names]}``."""
        path = self.label_file
        if self.data_root and not osp.isabs(path):
            path = osp.join(self.data_root, path)
        check_file(path, 'Label file')
        if path.endswith('.json'):
            with open(path) as f:
                labels = json.load(f)
            if not isinstance(labels, dict):
                raise ValueError(f'Label file {path} must hold a dict '
                                 '{img_id: [class names]}')
            return {str(k): list(v) for k, v in labels.items()}
        known = self.METAINFO['classes']
        if path.endswith('.npy'):
            return self._read_npy_labels(path, known)
        # Text lines: parse against all known names, map back to names.
        return {
            name: [known[i + 1] for i in ids]
            for _, name, ids in parse_label_lines(path, known)
        }

    @staticmethod
    def _read_npy_labels(path: str, known) -> Dict[str, List[str]]:
        """Read IRN's ``cls_labels.npy``: a pickled dict from the image id (or
        IRN's integer form of it, 2007_000032 -> 2007000032) to a multi-hot
        vector over the foreground classes."""
        try:
            labels = np.load(path, allow_pickle=True).item()
        except (ValueError, OSError) as e:
            raise ValueError(f'Cannot read label file {path}: {e}') from e
        out = {}
        for key, vec in labels.items():
            vec = np.asarray(vec).reshape(-1)
            if len(vec) != len(known) - 1:
                raise ValueError(f'Label file {path}: {len(vec)} classes for '
                                 f'"{key}", expected {len(known) - 1}')
            if not isinstance(key, str):
                key = f'{int(key) // 10**6}_{int(key) % 10**6:06d}'
            out[key] = [known[i + 1] for i in np.flatnonzero(vec > 0)]
        return out

    def _image_names(self, img_id: str, labels: Optional[dict]) -> List[str]:
        """Class names of one image, from the label file or its XML."""
        if labels is not None:
            if img_id not in labels:
                raise KeyError(f'Image "{img_id}" has no entry in the label '
                               f'file {self.label_file}')
            return labels[img_id]
        xml = osp.join(self.data_prefix['xml_path'], img_id + '.xml')
        names = read_voc_xml(xml, self.use_difficult)
        if not names:
            raise ValueError(f'Image "{img_id}" has no label: no object in {xml}')
        return names

    def load_data_list(self) -> List[dict]:
        """Read the list file and the image-level label of every image."""
        if self.data_root:
            check_dir(self.data_root, 'Dataset root')
        check_file(self.ann_file, 'Image list file')
        if self.label_file is None and 'xml_path' not in self.data_prefix:
            raise ValueError('data_prefix needs xml_path (or give label_file)')
        labels = self._read_label_file() if self.label_file else None
        known = set(self.METAINFO['classes'][1:])
        classes = self._metainfo['classes']
        index = fg_class_index(classes)
        prefix = self.data_prefix
        data_list, num_empty = [], 0
        for img_id in mmengine.list_from_file(
                self.ann_file, backend_args=self.backend_args):
            img_id = img_id.strip()
            if not img_id:
                continue
            img_path = osp.join(prefix['img_path'], img_id + self.img_suffix)
            if self.check_files and not osp.isfile(img_path):
                raise FileNotFoundError(f'Image "{img_id}" listed in '
                                        f'{self.ann_file} not found: {img_path}')
            names = self._image_names(img_id, labels)
            unknown = sorted({n for n in names if n not in known | set(index)})
            if unknown:
                source = self.label_file or osp.join(prefix['xml_path'],
                                                     img_id + '.xml')
                raise ValueError(f'Unknown class name(s) {unknown} in {source}; '
                                 f'known classes: {sorted(known)}')
            # Classes left out of a user-given subset are dropped.
            label_ids = sorted({index[n] for n in names if n in index})
            if not label_ids:
                num_empty += 1
                continue
            info = dict(
                img_path=img_path,
                img_id=img_id,
                gt_label=multi_hot(label_ids, len(classes) - 1),
                label_ids=label_ids,
                label_map=self.label_map,
                reduce_zero_label=self.reduce_zero_label,
                seg_fields=[])
            if 'seg_map_path' in prefix:
                info['seg_map_path'] = osp.join(
                    prefix['seg_map_path'], img_id + self.seg_map_suffix)
            if 'ins_map_path' in prefix:
                info['ins_map_path'] = osp.join(
                    prefix['ins_map_path'], img_id + self.seg_map_suffix)
            if 'relation_path' in prefix:
                info['relation_path'] = osp.join(prefix['relation_path'],
                                                 img_id + '.png')
            if 'cam_path' in prefix:
                info['cam_path'] = osp.join(prefix['cam_path'], img_id + '.npz')
            if 'saliency_path' in prefix:
                info['saliency_path'] = osp.join(prefix['saliency_path'],
                                                 img_id + '.png')
            data_list.append(info)
        if num_empty:
            print_log(
                f'{num_empty} images of {self.ann_file} have none of the '
                'chosen classes and were left out',
                logger='current')
        if not data_list:
            raise ValueError(f'No image with a label of the chosen classes in '
                             f'{self.ann_file}')
        return data_list


@DATASETS.register_module()
class ToyVOCClsDataset(VOCClsDataset):
    """The generated toy set (``tools/dataset_converters/make_toy_voc.py``).

    Same layout and arguments as :class:`VOCClsDataset`; five texture classes.
    """
    METAINFO = dict(
        classes=('background', 'stripes', 'checks', 'dots', 'rings', 'zigzag'),
        palette=VOC_PALETTE[:6])
