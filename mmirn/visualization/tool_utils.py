"""What the panel tools (``tools/visualize_*.py``) share: samples, model, PNG output."""
import os.path as osp
import sys
from typing import Callable, Iterable, List, Optional, Sequence, Tuple

import cv2
import mmengine
import numpy as np
from mmengine.runner import load_checkpoint

from mmirn.datasets.utils import select_samples
from mmirn.pseudo import atomic_write
from mmirn.registry import MODELS


def choose_samples(dataset, ids_file: Optional[str], num: int,
                   tool: str) -> Tuple[List[int], List[str]]:
    """Indices into ``dataset`` and ids of the images to draw.

    The first ``num`` images, or those listed in ``ids_file`` (one id a line);
    an empty choice or an id outside the dataset ends ``tool`` with a message.
    """
    wanted = None
    if ids_file is not None:
        wanted = [line.strip() for line in mmengine.list_from_file(ids_file)
                  if line.strip()]
    try:
        return select_samples(dataset, wanted, num)
    except ValueError as e:
        source = f'the ids of {ids_file}' if ids_file else f'--num {num}'
        sys.exit(f'{tool}: {e} ({source}, test split of the config)')


def build_model(cfg, checkpoint: str, device: str, tool: str):
    """``cfg.model`` with ``checkpoint`` loaded (strict), in eval mode."""
    model = MODELS.build(cfg.model)
    try:
        load_checkpoint(model, checkpoint, map_location='cpu', strict=True)
    except Exception as e:  # e.g. a checkpoint a training run is still writing
        sys.exit(f'{tool}: cannot load {checkpoint} ({type(e).__name__}: {e}); '
                 'if a training run is writing it, run this again when it has '
                 'finished')
    return model.to(device).eval()


def write_png(path: str, rgb: np.ndarray) -> None:
    """Write an RGB picture as a PNG, atomically."""
    ok, data = cv2.imencode('.png', np.ascontiguousarray(rgb[..., ::-1]),
                            [cv2.IMWRITE_PNG_COMPRESSION, 9])
    assert ok, f'PNG encoding failed for {path}'
    atomic_write(path, lambda f: f.write(data.tobytes()), suffix='.png')


def write_panels(add_panel: Callable, tiles: Iterable, ids: Sequence[str],
                 out_dir: str, grid_name: str, grid_rows: int,
                 tile_size: int) -> None:
    """Write a panel per image and a grid of the first ones.

    Args:
        add_panel (Callable): ``add_panel(name, rows, tile_size=None)`` of a
            :class:`WSSSVisualizer` (e.g. ``add_irn_panel``).
        tiles (Iterable): The tiles of each image, in the order of ``ids``.
        ids (Sequence[str]): Image ids: ``<out_dir>/<id>.png``.
        out_dir (str): Output folder.
        grid_name (str): The grid is ``<out_dir>/<grid_name>.png``.
        grid_rows (int): Images in the grid.
        tile_size (int): Side of a grid tile.
    """
    rows = []
    for img_id, row in zip(ids, tiles):
        out = osp.join(out_dir, f'{img_id}.png')
        write_png(out, add_panel(img_id, [row]))
        print(out, flush=True)
        rows.append(row)
    grid = osp.join(out_dir, f'{grid_name}.png')
    write_png(grid, add_panel(grid_name, rows[:grid_rows], tile_size))
    print(f'{grid} ({min(len(rows), grid_rows)} rows)')


def add_panel_args(parser, grid_name: str) -> None:
    """The options of the panel tools besides their inputs.

    ``--out``, ``--num`` / ``--ids`` (the images), ``--grid-rows`` /
    ``--tile-size`` (the grid ``<grid_name>.png``), ``--vis-dir``, ``--device``
    and ``--cfg-options``.
    """
    import torch
    from mmengine.config import DictAction
    parser.add_argument('--out', required=True, help='output directory')
    parser.add_argument('--num', type=int, default=6,
                        help='without --ids, the first N images of the test split')
    parser.add_argument('--ids', help='text file of image ids to draw, one per line')
    parser.add_argument('--grid-rows', type=int, default=4,
                        help=f'images in {grid_name}.png')
    parser.add_argument('--tile-size', type=int, default=128,
                        help=f'side of a {grid_name}.png tile')
    parser.add_argument(
        '--vis-dir',
        help='also send the panels to the vis backends of the config (in DIR/vis_data)')
    parser.add_argument('--device',
                        default='cuda' if torch.cuda.is_available() else 'cpu')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override settings of the config, key=value pairs')
