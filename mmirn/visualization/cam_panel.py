"""Drawing CAMs and label maps into image panels (README figures, debugging)."""
from typing import Optional, Sequence

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


def overlay_cam(img: np.ndarray, cam: np.ndarray,
                alpha: float = 0.5) -> np.ndarray:
    """Blend a CAM (jet colour map) over an image.

    Args:
        img (np.ndarray): (H, W, 3) uint8 RGB image.
        cam (np.ndarray): (H, W) CAM in [0, 1].
        alpha (float): Weight of the heat map. Defaults to 0.5.

    Returns:
        np.ndarray: (H, W, 3) uint8 RGB.
    """
    cam = np.clip(np.asarray(cam, dtype=np.float32), 0, 1)
    heat = cv2.applyColorMap((cam * 255).astype(np.uint8), cv2.COLORMAP_JET)
    heat = cv2.cvtColor(heat, cv2.COLOR_BGR2RGB)
    return (img * (1 - alpha) + heat * alpha).astype(np.uint8)


def _captioned(tile: np.ndarray, text: str) -> np.ndarray:
    caption = np.full((_CAPTION_H, tile.shape[1], 3), 255, dtype=np.uint8)
    cv2.putText(caption, text, (3, _CAPTION_H - 7), cv2.FONT_HERSHEY_SIMPLEX,
                0.45, (0, 0, 0), 1, cv2.LINE_AA)
    return np.concatenate([caption, tile])


def draw_cam_panel(img: np.ndarray,
                   keys: Sequence[int],
                   cams: np.ndarray,
                   relation: Optional[np.ndarray] = None,
                   gt: Optional[np.ndarray] = None,
                   class_names: Optional[Sequence[str]] = None,
                   palette: Optional[np.ndarray] = None) -> np.ndarray:
    """A row of captioned tiles: image, a CAM overlay per class, label maps.

    Args:
        img (np.ndarray): (H, W, 3) uint8 RGB image.
        keys (Sequence[int]): Foreground class index of each CAM channel.
        cams (np.ndarray): (K, H, W) CAMs in [0, 1].
        relation (np.ndarray, optional): (H, W) relation labels. Defaults to None.
        gt (np.ndarray, optional): (H, W) ground-truth labels. Defaults to None.
        class_names (Sequence[str], optional): Foreground class names.
            Defaults to None (indices).
        palette (np.ndarray, optional): Label colours. Defaults to None.

    Returns:
        np.ndarray: (H + caption, W * tiles, 3) uint8 RGB panel.
    """
    h, w = img.shape[:2]
    tiles = [_captioned(img, 'image')]
    for key, cam in zip(keys, cams):
        if cam.shape != (h, w):
            cam = cv2.resize(cam.astype(np.float32), (w, h))
        name = class_names[key] if class_names is not None else str(key)
        tiles.append(_captioned(overlay_cam(img, cam), f'CAM {name}'))
    if relation is not None:
        tiles.append(_captioned(colorize_label(relation, palette), 'relations'))
    if gt is not None:
        tiles.append(_captioned(colorize_label(gt, palette), 'ground truth'))
    return np.concatenate(tiles, axis=1)
