from .cam_panel import (colorize_label, draw_cam_panel, label_palette,
                        overlay_cam)
from .irn_panel import (IRN_COLUMNS, colour_wheel, draw_irn_grid,
                        draw_irn_panel, irn_tiles)
# Registers mmseg's SegLocalVisualizer (default_runtime.py), which the mmirn scope finds
# through its parent registry only once mmseg.visualization is imported.
import mmseg.visualization  # noqa: F401,E402

__all__ = [
    'colorize_label', 'draw_cam_panel', 'label_palette', 'overlay_cam',
    'IRN_COLUMNS', 'colour_wheel', 'draw_irn_grid', 'draw_irn_panel', 'irn_tiles'
]
