"""Label colours and captions of the panels of :class:`WSSSVisualizer`."""
from typing import Optional

import cv2
import numpy as np

_CAPTION_H = 22


def label_palette(num_labels: int = 256, seed: int = 0) -> np.ndarray:
    """A fixed palette: 0 black, 255 white, the others distinct random colours.

    Args:
        num_labels (int): Palette size. Defaults to 256.
        seed (int): Random seed of the colours. Defaults to 0.

    Returns:
        np.ndarray: (num_labels, 3) uint8 RGB colours.
    """
    rng = np.random.RandomState(seed)
    palette = rng.randint(40, 256, size=(num_labels, 3)).astype(np.uint8)
    palette[0] = 0
    if num_labels > 255:
        palette[255] = 255
    return palette


def colorize_label(label: np.ndarray,
                   palette: Optional[np.ndarray] = None) -> np.ndarray:
    """Colour a (H, W) integer label map (255 = ignored is white)."""
    palette = label_palette() if palette is None else np.asarray(palette)
    return palette[np.asarray(label).astype(np.int64) % len(palette)]


def _captioned(tile: np.ndarray, text: str) -> np.ndarray:
    caption = np.full((_CAPTION_H, tile.shape[1], 3), 255, dtype=np.uint8)
    cv2.putText(caption, text, (3, _CAPTION_H - 7), cv2.FONT_HERSHEY_SIMPLEX,
                0.45, (0, 0, 0), 1, cv2.LINE_AA)
    return np.concatenate([caption, tile])
