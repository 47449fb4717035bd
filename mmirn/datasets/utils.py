"""Small helpers shared by the image-level label datasets."""
import os.path as osp
from typing import Dict, List, Sequence, Tuple

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
