"""What the panel tools (``tools/visualize_*.py``) share: samples, model, PNG output."""
import sys
from typing import List, Optional, Tuple

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
