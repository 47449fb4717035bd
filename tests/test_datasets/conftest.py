"""Fixtures of the dataset tests: the real VOC / COCO files and a tiny VOC layout."""
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

DATA_DIR = Path(__file__).resolve().parents[1] / 'data'
VOC_DIR = DATA_DIR / 'VOCdevkit' / 'VOC2012'
COCO_DIR = DATA_DIR / 'coco'

TOY_CLASSES = ('stripes', 'checks', 'dots', 'rings', 'zigzag')


def voc_palette() -> list:
    """The 256-colour VOC palette, flat, for PIL's ``putpalette``."""
    palette = []
    for i in range(256):
        r = g = b = 0
        c = i
        for j in range(8):
            r |= ((c >> 0) & 1) << (7 - j)
            g |= ((c >> 1) & 1) << (7 - j)
            b |= ((c >> 2) & 1) << (7 - j)
            c >>= 3
        palette += [r, g, b]
    return palette


def save_palette_png(path: Path, index_map: np.ndarray) -> None:
    img = Image.fromarray(index_map.astype(np.uint8), mode='P')
    img.putpalette(voc_palette())
    img.save(path)


def write_xml(path: Path, names, size=(32, 48)) -> None:
    objects = ''.join(
        f'<object><name>{n}</name><difficult>{int(d)}</difficult></object>'
        for n, d in names)
    path.write_text(f'<annotation><filename>{path.stem}.jpg</filename>'
                    f'<size><width>{size[1]}</width><height>{size[0]}</height>'
                    f'<depth>3</depth></size>{objects}</annotation>')


def make_tiny_voc(root: Path) -> Path:
    """Write a 3-image VOC-layout set with toy class names under ``root``.

    Image ``a``: two 'stripes' instances and one 'dots' instance; ``b``: one
    'rings' (difficult) and one 'checks'; ``c``: one 'zigzag'. Masks have a 255
    border like VOC's.

    Returns:
        Path: ``root``.
    """
    for d in ('JPEGImages', 'Annotations', 'SegmentationClass',
              'SegmentationObject', 'ImageSets/Segmentation'):
        (root / d).mkdir(parents=True, exist_ok=True)
    h, w = 32, 48
    rng = np.random.default_rng(0)
    # (name, fg index, difficult, box) per instance
    layout = {
        'a': [('stripes', 0, False, (2, 2, 14, 14)),
              ('stripes', 0, False, (2, 20, 14, 30)),
              ('dots', 2, False, (18, 5, 30, 40))],
        'b': [('rings', 3, True, (4, 4, 20, 20)),
              ('checks', 1, False, (10, 25, 28, 45))],
        'c': [('zigzag', 4, False, (5, 5, 25, 40))],
    }
    for name, objs in layout.items():
        img = rng.integers(0, 255, (h, w, 3), dtype=np.uint8)
        Image.fromarray(img).save(root / 'JPEGImages' / f'{name}.jpg')
        cls = np.zeros((h, w), np.uint8)
        obj = np.zeros((h, w), np.uint8)
        for k, (_, label, _, (y0, x0, y1, x1)) in enumerate(objs, 1):
            cls[y0:y1, x0:x1] = label + 1
            obj[y0:y1, x0:x1] = k
            # VOC-style void border around each object
            cls[y0, x0:x1] = obj[y0, x0:x1] = 255
        save_palette_png(root / 'SegmentationClass' / f'{name}.png', cls)
        save_palette_png(root / 'SegmentationObject' / f'{name}.png', obj)
        write_xml(root / 'Annotations' / f'{name}.xml',
                  [(n, d) for n, _, d, _ in objs], (h, w))
    (root / 'ImageSets/Segmentation/train.txt').write_text('a\nb\n')
    (root / 'ImageSets/Segmentation/val.txt').write_text('c\n')
    return root


@pytest.fixture
def tiny_voc(tmp_path) -> Path:
    return make_tiny_voc(tmp_path / 'tiny_voc')


@pytest.fixture
def voc_copy(tmp_path) -> Path:
    """A writable copy of the real VOC files, with a list of both images."""
    root = tmp_path / 'VOC2012'
    shutil.copytree(VOC_DIR, root)
    for p in root.rglob('*'):
        p.chmod(0o755 if p.is_dir() else 0o644)
    (root / 'ImageSets/Segmentation').mkdir(parents=True)
    (root / 'ImageSets/Segmentation/all.txt').write_text(
        '2007_000063\n2011_003353\n')
    return root


@pytest.fixture
def voc_dir() -> Path:
    """The real VOC files (read-only use)."""
    return VOC_DIR


@pytest.fixture
def coco_dir() -> Path:
    """The real COCO files (read-only use)."""
    return COCO_DIR


@pytest.fixture
def save_png():
    """``save_png(path, index_map)`` writes a VOC palette PNG."""
    return save_palette_png
