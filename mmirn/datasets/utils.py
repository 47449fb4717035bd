"""Small helpers shared by the image-level label datasets."""
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np


def multi_hot(label_ids: Sequence[int], num_classes: int) -> np.ndarray:
    """Turn foreground class indices into a float32 multi-hot vector.

    Args:
        label_ids (Sequence[int]): Foreground class indices (0-based).
        num_classes (int): Number of foreground classes.

    Returns:
        np.ndarray: Float32 array of shape (num_classes, ).
    """
    label = np.zeros(num_classes, dtype=np.float32)
    label[list(label_ids)] = 1
    return label


def check_dir(path: str, what: str) -> None:
    """Raise ``FileNotFoundError`` naming ``path`` when it is not a folder."""
    if not osp.isdir(path):
        raise FileNotFoundError(f'{what} not found: {path}')


def check_file(path: str, what: str) -> None:
    """Raise ``FileNotFoundError`` naming ``path`` when it is not a file."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'{what} not found: {path}')


def fg_class_index(classes: Sequence[str]) -> Dict[str, int]:
    """Map foreground class names to their index (``classes[0]`` is background)."""
    return {name: i for i, name in enumerate(classes[1:])}


def with_background(classes: Sequence[str]) -> Tuple[str, ...]:
    """Return ``classes`` with 'background' put first when it is missing."""
    classes = tuple(classes)
    if not classes or classes[0] != 'background':
        classes = ('background', ) + classes
    return classes


def read_class_names(path: str) -> Tuple[str, ...]:
    """Read class names from a text file, one name per line, background first.

    Blank lines are skipped; 'background' is prepended when the file does not start
    with it.
    """
    check_file(path, 'Classes file')
    with open(path) as f:
        names = [line.strip() for line in f if line.strip()]
    if not names:
        raise ValueError(f'Classes file has no class names: {path}')
    return with_background(names)


def parse_label_lines(path: str,
                      classes: Sequence[str]) -> List[Tuple[int, str, List[int]]]:
    """Parse a label file whose lines read ``name class_a class_b ...``.

    Blank lines and lines starting with ``#`` are skipped.

    Args:
        path (str): The label file.
        classes (Sequence[str]): Class names, background first.

    Returns:
        list[tuple[int, str, list[int]]]: ``(line number, name, sorted foreground
        indices)`` per line.

    Raises:
        ValueError: On a line without any class or with an unknown class name; the
            message names the file and the line number.
    """
    check_file(path, 'Label file')
    index = fg_class_index(classes)
    items = []
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            parts = line.split()
            if not parts or parts[0].startswith('#'):
                continue
            name, names = parts[0], parts[1:]
            if not names:
                raise ValueError(f'{path}, line {lineno}: image "{name}" has no '
                                 'label')
            unknown = [n for n in names if n not in index]
            if unknown:
                raise ValueError(f'{path}, line {lineno}: unknown class name(s) '
                                 f'{unknown} for image "{name}"; known classes: '
                                 f'{list(index)}')
            items.append((lineno, name, sorted({index[n] for n in names})))
    return items


def select_samples(dataset,
                   ids: Optional[Sequence[str]] = None,
                   num: Optional[int] = None) -> Tuple[List[int], List[str]]:
    """Indices into ``dataset`` and ids of the images a tool works on.

    Args:
        dataset: A built dataset whose data infos hold ``img_id``.
        ids (Sequence[str], optional): The wanted image ids, in this order; each
            must be in the dataset. Defaults to None (the first ``num``).
        num (int, optional): Without ``ids``, how many images from the start
            of the dataset. Defaults to None (all).

    Returns:
        tuple[list[int], list[str]]: The indices and their image ids.

    Raises:
        ValueError: For an id not in the dataset, or no image to take.
    """
    all_ids = [dataset.get_data_info(i)['img_id'] for i in range(len(dataset))]
    if ids is None:
        if (num is not None and num < 1) or not all_ids:
            raise ValueError(f'no image to take (num {num}, {len(all_ids)} '
                             'images in the dataset)')
        n = len(all_ids) if num is None else min(num, len(all_ids))
        return list(range(n)), all_ids[:n]
    index = {img_id: i for i, img_id in enumerate(all_ids)}
    unknown = [i for i in ids if i not in index]
    if unknown:
        raise ValueError(f'{len(unknown)} id(s) are not in the dataset, e.g. '
                         f'{unknown[:3]}')
    return [index[i] for i in ids], list(ids)


def build_cam_dataset(dataset_cfg: dict, pipeline: Sequence[dict], **folders):
    """Build a dataset whose pipeline reads the CAMs of ``data_prefix.cam_path``.

    The route of the tools that draw or use stored CAMs: the CAM folder is a
    data prefix of the dataset (set from the command line, e.g. ``--cams``) and
    ``LoadCAMs`` in ``pipeline`` reads the files.

    Args:
        dataset_cfg (dict): The dataset config (e.g. ``cfg.test_dataloader.dataset``),
            changed in place.
        pipeline (Sequence[dict]): The transforms to use instead of the config's.
        **folders: ``data_prefix`` entries to set, e.g. ``cam_path=DIR``; None
            values leave the config's. They are made absolute, as the dataset
            joins relative prefixes with its ``data_root``.

    Raises:
        ValueError: When the dataset has no ``data_prefix.cam_path``.
    """
    from mmirn.registry import DATASETS
    prefix = dataset_cfg.setdefault('data_prefix', dict())
    for key, folder in folders.items():
        if folder is not None:
            prefix[key] = osp.abspath(folder)
    if not prefix.get('cam_path'):
        raise ValueError('the dataset has no data_prefix.cam_path: give the CAM '
                         'folder (--cams DIR)')
    dataset_cfg['pipeline'] = list(pipeline)
    return DATASETS.build(dataset_cfg)
