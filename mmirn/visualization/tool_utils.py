"""What the panel tools (``tools/visualize_*.py``) share: samples, model, PNG output."""
import sys
from typing import List, Optional, Tuple

import cv2
import mmengine
import numpy as np
from mmengine.runner import load_checkpoint

from mmirn.pseudo import atomic_write
from mmirn.registry import MODELS


def choose_samples(dataset, ids_file: Optional[str], num: int,
                   tool: str) -> Tuple[List[int], List[str]]:
    """Indices into ``dataset`` and ids of the images to draw.

    The first ``num`` images, or those listed in ``ids_file`` (one id a line);
    an empty choice or an id outside the dataset ends ``tool`` with a message.
    """
    ids = [dataset.get_data_info(i)['img_id'] for i in range(len(dataset))]
    if ids_file is None:
        if num < 1 or not ids:
            sys.exit(f'{tool}: nothing to draw (--num {num}, {len(ids)} images)')
        return list(range(min(num, len(ids)))), ids[:num]
    wanted = [line.strip() for line in mmengine.list_from_file(ids_file)
              if line.strip()]
    index = {img_id: i for i, img_id in enumerate(ids)}
    unknown = [i for i in wanted if i not in index]
    if unknown:
        sys.exit(f'{tool}: {len(unknown)} id(s) of {ids_file} are not in the test '
                 f'split of the config, e.g. {unknown[:3]}')
    return [index[i] for i in wanted], wanted


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


def with_cam_loading(pipeline: list) -> list:
    """``pipeline`` with ``LoadCAMs`` before its packing step, unless it has one."""
    if any(t.get('type') == 'LoadCAMs' for t in pipeline):
        return list(pipeline)
    at = next((i for i, t in enumerate(pipeline)
               if 'Pack' in str(t.get('type'))), len(pipeline))
    return [*pipeline[:at], dict(type='LoadCAMs'), *pipeline[at:]]
