"""A plain custom format: an image folder plus a label file."""
import os.path as osp
from typing import List, Optional, Sequence

from mmseg.datasets import BaseSegDataset

from mmirn.registry import DATASETS
from .utils import (check_dir, multi_hot, parse_label_lines, read_class_names,
                    with_background)


@DATASETS.register_module()
class ImageLabelDataset(BaseSegDataset):
    """Images in a folder with image-level labels from a text file.

    Each line of ``label_file`` reads ``image_name class_a class_b ...``: class names
    separated by spaces, the image name with or without its extension (without it,
    ``img_suffixes`` are tried in turn). Blank lines and lines starting with ``#`` are
    skipped. The classes come from ``metainfo=dict(classes=...)`` or ``classes_file``
    (one name per line); 'background' is put first when missing.

    Example label file::

        cat_01.jpg cat
        street_07 person car

    Args:
        label_file (str): The label file, relative to ``data_root``.
        img_dir (str): Image folder, relative to ``data_root``. Defaults to ''.
        classes_file (str, optional): Class names, one per line, relative to
            ``data_root``. Defaults to None.
        seg_map_dir (str, optional): Folder of ground-truth masks
            (``<stem>.png``, 0 background, c + 1 for class c), for evaluation.
            Defaults to None.
        img_suffixes (Sequence[str]): Suffixes tried for names without one.
            Defaults to ('.jpg', '.jpeg', '.png', '.bmp').
        **kwargs: Other arguments of mmseg's ``BaseSegDataset``.
    """
    METAINFO = dict()

    def __init__(self,
                 label_file: str,
                 img_dir: str = '',
                 classes_file: Optional[str] = None,
                 seg_map_dir: Optional[str] = None,
                 img_suffixes: Sequence[str] = ('.jpg', '.jpeg', '.png',
                                                '.bmp'),
                 metainfo: Optional[dict] = None,
                 data_root: Optional[str] = None,
                 **kwargs) -> None:
        if data_root:
            check_dir(data_root, 'Dataset root')
        metainfo = dict(metainfo or {})
        if classes_file is not None:
            if data_root and not osp.isabs(classes_file):
                classes_file = osp.join(data_root, classes_file)
            metainfo['classes'] = read_class_names(classes_file)
        elif metainfo.get('classes') is None:
            raise ValueError('ImageLabelDataset needs classes: give classes_file '
                             'or metainfo=dict(classes=...)')
        else:
            metainfo['classes'] = with_background(metainfo['classes'])
        self.img_suffixes = tuple(img_suffixes)
        data_prefix = dict(img_path=img_dir)
        if seg_map_dir is not None:
            data_prefix['seg_map_path'] = seg_map_dir
        super().__init__(
            ann_file=label_file,
            data_prefix=data_prefix,
            metainfo=metainfo,
            data_root=data_root,
            **kwargs)

    def _find_image(self, name: str, lineno: int) -> str:
        img_dir = self.data_prefix['img_path']
        candidates = [name]
        if not osp.splitext(name)[1]:
            candidates = [name + s for s in self.img_suffixes]
        for candidate in candidates:
            path = osp.join(img_dir, candidate)
            if osp.isfile(path):
                return path
        raise FileNotFoundError(f'{self.ann_file}, line {lineno}: image "{name}" '
                                f'not found in {img_dir}')

    def load_data_list(self) -> List[dict]:
        """Parse the label file and find every image."""
        check_dir(self.data_prefix['img_path'], 'Image folder')
        classes = self._metainfo['classes']
        data_list = []
        for lineno, name, label_ids in parse_label_lines(self.ann_file, classes):
            img_path = self._find_image(name, lineno)
            stem = osp.splitext(osp.basename(img_path))[0]
            info = dict(
                img_path=img_path,
                img_id=osp.splitext(name)[0],
                gt_label=multi_hot(label_ids, len(classes) - 1),
                label_ids=label_ids,
                label_map=self.label_map,
                reduce_zero_label=self.reduce_zero_label,
                seg_fields=[])
            if 'seg_map_path' in self.data_prefix:
                info['seg_map_path'] = osp.join(self.data_prefix['seg_map_path'],
                                                stem + self.seg_map_suffix)
            data_list.append(info)
        if not data_list:
            raise ValueError(f'No image listed in {self.ann_file}')
        return data_list
