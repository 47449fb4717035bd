"""A visualizer for weakly supervised segmentation: CAMs, IRN fields, labels.

Its ``draw_*`` methods draw onto the current image (as mmengine's do) and its
``add_*_panel`` methods assemble a panel and hand it to every vis backend of
the visualizer (``LocalVisBackend``, ``TensorboardVisBackend``, ...).
"""
import time
from typing import List, Optional, Sequence

import cv2
import numpy as np
from mmseg.visualization import SegLocalVisualizer

from mmirn.pseudo.instance import displacement_to_rgb
from mmirn.pseudo.semantic import voc_palette
from mmirn.registry import VISUALIZERS
from .cam_panel import _captioned, colorize_label, label_palette
from .irn_panel import IRN_COLUMNS, RCA_COLUMNS, draw_irn_grid


def _upsample(x: np.ndarray, shape: Sequence[int], stride: int,
              interpolation: int) -> np.ndarray:
    """Scale a stride-``stride`` map (h, w[, 3]) to ``shape`` (scale, crop)."""
    h, w = shape[:2]
    assert x.shape[:2] == (-(-h // stride), -(-w // stride)), \
        f'a stride-{stride} map of a {h}x{w} image is not {x.shape[:2]}'
    if stride > 1:
        x = cv2.resize(x, (x.shape[1] * stride, x.shape[0] * stride),
                       interpolation=interpolation)
    return x[:h, :w]


@VISUALIZERS.register_module()
class WSSSVisualizer(SegLocalVisualizer):
    """Draws CAMs, displacement fields, boundary maps and label maps.

    A :class:`SegLocalVisualizer` (so ``SegVisualizationHook`` keeps working
    when a config names this type) with the pictures of CAM, PSA and IRN.
    Every ``draw_*`` blends colours over the current image
    (``out = (1 - alpha) * image + alpha * colours``, truncated to uint8), so
    ``alpha=1`` replaces it, and returns the visualizer; read the result with
    :meth:`get_image`.

    Args:
        name (str): Instance name. Defaults to 'visualizer'.
        **kwargs: The arguments of :class:`SegLocalVisualizer`
            (``vis_backends``, ``save_dir``, ...).
    """

    def __init__(self, name: str = 'visualizer', **kwargs):
        super().__init__(name=name, **kwargs)

    def _blend(self,
               colours: np.ndarray,
               alpha: float,
               mask: Optional[np.ndarray] = None) -> 'WSSSVisualizer':
        image = self.get_image()
        out = image.copy()
        if mask is None:
            mask = np.ones(image.shape[:2], bool)
        out[mask] = (image[mask] * (1 - alpha) +
                     colours[mask] * alpha).astype(np.uint8)
        self.set_image(out)
        return self

    def draw_cams(self, cams: np.ndarray,
                  alpha: float = 0.5) -> 'WSSSVisualizer':
        """Overlay a CAM heat map (jet: red high, blue low).

        Args:
            cams (np.ndarray): (H, W) CAM or (K, H, W) CAMs in [0, 1], drawn
                as their maximum over K; resized to the image if needed.
            alpha (float): Weight of the heat map. Defaults to 0.5.
        """
        h, w = self.get_image().shape[:2]
        cams = np.asarray(cams, dtype=np.float32)
        if cams.ndim == 3:
            cams = cams.max(0) if len(cams) else np.zeros((h, w), np.float32)
        if cams.shape != (h, w):
            cams = cv2.resize(cams, (w, h))
        cams = np.clip(cams, 0, 1)
        heat = cv2.applyColorMap((cams * 255).astype(np.uint8),
                                 cv2.COLORMAP_JET)
        return self._blend(cv2.cvtColor(heat, cv2.COLOR_BGR2RGB), alpha)

    def draw_displacement(self,
                          displacement: np.ndarray,
                          max_norm: Optional[float] = None,
                          stride: int = 4,
                          alpha: float = 1.) -> 'WSSSVisualizer':
        """Draw a displacement field in colour-wheel colours (IRN Figure 9).

        Hue is the direction (see :func:`colour_wheel`), saturation the length;
        no displacement is white.

        Args:
            displacement (np.ndarray): (2, h, w) field, (dy, dx), of stride
                ``stride``.
            max_norm (float, optional): Length of full colour, in field pixels.
                Defaults to None: a quarter of the field's shorter side, one
                scale for images of one size.
            stride (int): Stride of the field. Defaults to 4 (IRN's).
            alpha (float): Weight of the colours. Defaults to 1.
        """
        displacement = np.asarray(displacement, dtype=np.float32)
        if max_norm is None:
            max_norm = min(displacement.shape[-2:]) / 4
        rgb = displacement_to_rgb(displacement, max_norm=max_norm)
        rgb = _upsample(rgb, self.get_image().shape, stride, cv2.INTER_NEAREST)
        return self._blend(rgb, alpha)

    def draw_boundary(self,
                      boundary: np.ndarray,
                      stride: int = 4,
                      alpha: float = 1.) -> 'WSSSVisualizer':
        """Draw a boundary probability map dark on white, as in IRN's paper.

        Args:
            boundary (np.ndarray): (h, w) or (1, h, w) probabilities, of
                stride ``stride``.
            stride (int): Stride of the map. Defaults to 4 (IRN's).
            alpha (float): Weight of the map. Defaults to 1.
        """
        bound = np.asarray(boundary, dtype=np.float32)
        bound = bound.reshape(bound.shape[-2:])
        bound = _upsample(bound, self.get_image().shape, stride,
                          cv2.INTER_LINEAR)
        grey = (255 * (1 - np.clip(bound, 0, 1))).round().astype(np.uint8)
        return self._blend(np.repeat(grey[..., None], 3, 2), alpha)

    def draw_sem_seg(self,
                     sem_seg: np.ndarray,
                     palette: Optional[np.ndarray] = None,
                     alpha: float = 1.) -> 'WSSSVisualizer':
        """Draw a class label map (255, ignored, in the palette's colour 255).

        Args:
            sem_seg (np.ndarray): (H, W) integer labels.
            palette (np.ndarray, optional): (N, 3) RGB colours. Defaults to
                None (PASCAL VOC's).
            alpha (float): Weight of the colours. Defaults to 1.
        """
        palette = voc_palette() if palette is None else palette
        return self._blend(colorize_label(sem_seg, palette), alpha)

    def draw_instances(self,
                       instances: np.ndarray,
                       palette: Optional[np.ndarray] = None,
                       alpha: float = 0.6) -> 'WSSSVisualizer':
        """Tint the pixels of each instance; background (0) and 255 stay.

        Args:
            instances (np.ndarray): (H, W) instance map, 0 background.
            palette (np.ndarray, optional): (N, 3) RGB colours. Defaults to
                None (:func:`label_palette`).
            alpha (float): Weight of the colours. Defaults to 0.6.
        """
        instances = np.asarray(instances)
        palette = label_palette() if palette is None else palette
        fg = (instances > 0) & (instances < 255)
        return self._blend(colorize_label(instances, palette), alpha, fg)

    def draw_centroid_attention(self,
                                attention: np.ndarray,
                                k: int,
                                palette: Optional[np.ndarray] = None,
                                alpha: float = 0.7) -> 'WSSSVisualizer':
        """Colour each pixel by the memory centroid it attends to most (RCA).

        The centroid ``j`` of class ``c`` (row ``c * k + j`` of the attention)
        takes the colour of label ``c + 1`` in the palette, darker for a lower
        ``j``; pixels whose attention is zero (no centroids yet) stay.

        Args:
            attention (np.ndarray): (C * k, h, w) attention ``S`` of RCA's
                semantic aggregation (any sign: its magnitude is compared),
                resized to the image (nearest) if needed.
            k (int): Centroids per class.
            palette (np.ndarray, optional): (N, 3) RGB class colours, label
                ``c + 1`` for foreground class ``c``. Defaults to None
                (PASCAL VOC's).
            alpha (float): Weight of the colours. Defaults to 0.7.
        """
        palette = voc_palette() if palette is None else palette
        mag = np.abs(np.asarray(attention, dtype=np.float32))
        idx = mag.argmax(0)
        cls, j = idx // k, idx % k
        shade = 0.5 + 0.5 * (j + 1) / k
        colours = (palette[cls + 1].astype(np.float32) * shade[..., None])
        colours = colours.astype(np.uint8)
        mask = mag.max(0) > 0
        h, w = self.get_image().shape[:2]
        if colours.shape[:2] != (h, w):
            colours = cv2.resize(colours, (w, h), interpolation=cv2.INTER_NEAREST)
            mask = cv2.resize(mask.astype(np.uint8), (w, h),
                              interpolation=cv2.INTER_NEAREST).astype(bool)
        return self._blend(colours, alpha, mask)

    def _drawn(self, image: np.ndarray, draw: str, *args, **kwargs):
        self.set_image(image)
        return getattr(self, draw)(*args, **kwargs).get_image()

    def cam_tiles(self,
                  image: np.ndarray,
                  keys: Sequence[int],
                  cams: np.ndarray,
                  relation: Optional[np.ndarray] = None,
                  gt: Optional[np.ndarray] = None,
                  class_names: Optional[Sequence[str]] = None,
                  palette: Optional[np.ndarray] = None) -> List[np.ndarray]:
        """Captioned tiles: image, a CAM overlay per class, label maps.

        Args:
            image (np.ndarray): (H, W, 3) uint8 RGB image.
            keys (Sequence[int]): Foreground class index of each CAM channel.
            cams (np.ndarray): (K, H, W) CAMs in [0, 1].
            relation (np.ndarray, optional): (H, W) relation labels.
                Defaults to None.
            gt (np.ndarray, optional): (H, W) ground truth. Defaults to None.
            class_names (Sequence[str], optional): Foreground class names.
                Defaults to None (indices).
            palette (np.ndarray, optional): Label colours. Defaults to None
                (:func:`label_palette`).

        Returns:
            list[np.ndarray]: (caption + H, W, 3) uint8 RGB tiles.
        """
        palette = label_palette() if palette is None else palette
        tiles = [_captioned(image, 'image')]
        for key, cam in zip(keys, cams):
            name = class_names[key] if class_names is not None else str(key)
            tiles.append(_captioned(self._drawn(image, 'draw_cams', cam),
                                    f'CAM {name}'))
        for label, title in ((relation, 'relations'), (gt, 'ground truth')):
            if label is not None:
                tile = self._drawn(image, 'draw_sem_seg', label, palette)
                tiles.append(_captioned(tile, title))
        return tiles

    def add_cam_panel(self, name: str, image: np.ndarray, *args,
                      step: int = 0, **kwargs) -> np.ndarray:
        """The :meth:`cam_tiles` in a row, sent to every vis backend.

        Args:
            name (str): Image name in the backends.
            image (np.ndarray): (H, W, 3) uint8 RGB image.
            *args, **kwargs: The other arguments of :meth:`cam_tiles`.
            step (int): Global step. Defaults to 0.

        Returns:
            np.ndarray: The (caption + H, W * tiles, 3) uint8 RGB panel.
        """
        panel = np.concatenate(self.cam_tiles(image, *args, **kwargs), axis=1)
        self.set_image(panel)
        self.add_image(name, panel, step)
        return panel

    def irn_tiles(self,
                  image: np.ndarray,
                  cams: np.ndarray,
                  displacement: np.ndarray,
                  boundary: np.ndarray,
                  instances: np.ndarray,
                  sem_seg: np.ndarray,
                  max_norm: Optional[float] = None) -> List[np.ndarray]:
        """The six pictures of IRN Figure 9, in the order of ``IRN_COLUMNS``.

        Args:
            image (np.ndarray): (H, W, 3) uint8 RGB image.
            cams (np.ndarray): (K, H, W) or (H, W) CAMs in [0, 1].
            displacement (np.ndarray): (2, h, w) stride-4 field, (dy, dx).
            boundary (np.ndarray): (h, w) or (1, h, w) stride-4 boundary map.
            instances (np.ndarray): (H, W) instance map, 0 background.
            sem_seg (np.ndarray): (H, W) class map, 0 background, 255 ignored.
            max_norm (float, optional): Displacement length of full colour.
                Defaults to None (see :meth:`draw_displacement`).

        Returns:
            list[np.ndarray]: Six (H, W, 3) uint8 RGB pictures.
        """
        white = np.full_like(image, 255)
        return [
            image,
            self._drawn(image, 'draw_cams', cams),
            self._drawn(white, 'draw_displacement', displacement, max_norm),
            self._drawn(white, 'draw_boundary', boundary),
            self._drawn(image, 'draw_instances', instances),
            self._drawn(white, 'draw_sem_seg', sem_seg),
        ]

    def add_grid_panel(self,
                       name: str,
                       rows: Sequence[Sequence[np.ndarray]],
                       columns: Sequence[str],
                       tile_size: Optional[int] = None,
                       step: int = 0) -> np.ndarray:
        """Rows of tiles under column titles, sent to every vis backend.

        Args:
            name (str): Image name in the backends.
            rows (Sequence[Sequence[np.ndarray]]): Per image, a tile a column.
            columns (Sequence[str]): The column titles.
            tile_size (int, optional): Fit every tile into a square of this
                side. Defaults to None (see :func:`draw_irn_grid`).
            step (int): Global step. Defaults to 0.

        Returns:
            np.ndarray: The uint8 RGB panel.
        """
        panel = draw_irn_grid(rows, tile_size, columns=columns)
        self.set_image(panel)
        self.add_image(name, panel, step)
        return panel

    def add_irn_panel(self, name: str, rows: Sequence[Sequence[np.ndarray]],
                      tile_size: Optional[int] = None,
                      step: int = 0) -> np.ndarray:
        """Rows of :meth:`irn_tiles` (IRN's Figure 9), see :meth:`add_grid_panel`."""
        return self.add_grid_panel(name, rows, IRN_COLUMNS, tile_size, step)

    def add_rca_panel(self, name: str, rows: Sequence[Sequence[np.ndarray]],
                      tile_size: Optional[int] = None,
                      step: int = 0) -> np.ndarray:
        """Rows of :meth:`rca_tiles`, see :meth:`add_grid_panel`."""
        return self.add_grid_panel(name, rows, RCA_COLUMNS, tile_size, step)

    def rca_tiles(self,
                  image: np.ndarray,
                  cams: np.ndarray,
                  rca_cams: np.ndarray,
                  attention: np.ndarray,
                  k: int,
                  sem_seg: np.ndarray) -> List[np.ndarray]:
        """The RCA panel of one image, in the order of ``RCA_COLUMNS``.

        Args:
            image (np.ndarray): (H, W, 3) uint8 RGB image.
            cams (np.ndarray): (K, H, W) or (H, W) plain CAMs in [0, 1].
            rca_cams (np.ndarray): (K, H, W) or (H, W) RCA CAMs in [0, 1].
            attention (np.ndarray): (C * k, h, w) centroid attention (see
                :meth:`draw_centroid_attention`).
            k (int): Centroids per class.
            sem_seg (np.ndarray): (H, W) class map, 0 background, 255 ignored.

        Returns:
            list[np.ndarray]: Five (H, W, 3) uint8 RGB pictures.
        """
        white = np.full_like(image, 255)
        return [
            image,
            self._drawn(image, 'draw_cams', cams),
            self._drawn(image, 'draw_cams', rca_cams),
            self._drawn(image, 'draw_centroid_attention', attention, k),
            self._drawn(white, 'draw_sem_seg', sem_seg),
        ]


def build_wsss_visualizer(cfg: Optional[dict] = None,
                          save_dir: Optional[str] = None,
                          name: Optional[str] = None) -> WSSSVisualizer:
    """A :class:`WSSSVisualizer` with the backends of a config's visualizer.

    Tools use it on ``cfg.visualizer``: its ``vis_backends`` are kept and its
    type becomes ``WSSSVisualizer`` unless it already is one (or a subclass).

    Args:
        cfg (dict, optional): A visualizer config. Defaults to None (a
            ``LocalVisBackend``).
        save_dir (str, optional): Where the backends write
            (``<save_dir>/vis_data``). Defaults to None: no backends.
        name (str, optional): Instance name. Defaults to None (unique).
    """
    cfg = dict(cfg or dict(vis_backends=[dict(type='LocalVisBackend')]))
    cfg.setdefault('type', 'WSSSVisualizer')
    cls = VISUALIZERS.get(cfg.get('type', 'WSSSVisualizer'))
    if not (isinstance(cls, type) and issubclass(cls, WSSSVisualizer)):
        cfg['type'] = 'WSSSVisualizer'
    if save_dir is None:  # backends need a directory
        cfg['vis_backends'] = []
    else:
        cfg['vis_backends'] = [dict(b) for b in cfg.get('vis_backends') or []]
    cfg.update(save_dir=save_dir, name=name or f'wsss_vis_{time.time_ns()}')
    return VISUALIZERS.build(cfg)
