# Copyright (c) mmirn contributors. All rights reserved.
"""A picture of toy VOC samples: image, class mask and instance overlay."""
import os.path as osp

import numpy as np
from PIL import Image, ImageDraw

from mmirn.pseudo.cam_io import atomic_write
from mmirn.pseudo.semantic import load_png, voc_palette
from .shapes import outline_band
from .voc_writer import CLASSES

# Instance overlay colours (0: background), cycled over the instance ids.
INSTANCE_COLOURS = np.array(
    [[0, 0, 0], [230, 25, 75], [60, 180, 75], [255, 225, 25], [0, 130, 200],
     [245, 130, 48], [145, 30, 180], [70, 240, 240]], np.uint8)


def make_grid(out_dir, names, out_file, cell=160, cols=2):
    """Save a grid of samples: image | class mask | instance overlay.

    Args:
        out_dir (str): Dataset root.
        names (list[str]): Image stems to show.
        out_file (str): PNG to write.
        cell (int): Panel size in pixels. Defaults to 160.
        cols (int): Samples per row. Defaults to 2.
    """
    palette = voc_palette()
    pad, legend_h = 4, 22
    rows = (len(names) + cols - 1) // cols
    width = cols * (3 * (cell + pad) + 3 * pad)
    canvas = Image.new('RGB', (width, legend_h + rows * (cell + pad) + pad),
                       (255, 255, 255))
    draw = ImageDraw.Draw(canvas)
    x = pad
    for c, cls in enumerate(CLASSES):
        draw.rectangle([x, 5, x + 12, 17], fill=tuple(palette[c + 1]))
        draw.text((x + 16, 6), cls, fill=(0, 0, 0))
        x += 22 + 7 * len(cls)
    for i, name in enumerate(names):
        img = np.asarray(
            Image.open(osp.join(out_dir, 'JPEGImages', f'{name}.jpg')))
        sem = load_png(osp.join(out_dir, 'SegmentationClass', f'{name}.png'))
        inst = load_png(osp.join(out_dir, 'SegmentationObject', f'{name}.png'))
        fg = (inst > 0) & (inst < 255)
        overlay = img.astype(np.float32)
        colours = INSTANCE_COLOURS[np.where(fg, 1 + (inst - 1) % 7, 0)]
        overlay[fg] = 0.4 * overlay[fg] + 0.6 * colours[fg]
        overlay[outline_band(inst, 1)] = 255
        panels = [img, palette[sem], overlay.astype(np.uint8)]
        r, c = divmod(i, cols)
        y = legend_h + r * (cell + pad)
        x0 = pad + c * (3 * (cell + pad) + 3 * pad)
        for j, panel in enumerate(panels):
            p = Image.fromarray(panel)
            p.thumbnail((cell, cell), Image.NEAREST if j else Image.BILINEAR)
            canvas.paste(p, (x0 + j * (cell + pad), y))
    # A 256-colour palette keeps the PNG small (docs) at little visible cost.
    canvas = canvas.quantize(256, method=Image.Quantize.MEDIANCUT)
    atomic_write(out_file,
                 lambda f: canvas.save(f, format='PNG', optimize=True),
                 suffix='.png')
