# Registers mmseg's SegLocalVisualizer (default_runtime.py), which the mmirn scope finds
# through its parent registry only once mmseg.visualization is imported.
import mmseg.visualization  # noqa: F401

from .cam_panel import colorize_label, label_palette
from .irn_panel import IRN_COLUMNS, RCA_COLUMNS, colour_wheel, draw_irn_grid
from .wsss_visualizer import WSSSVisualizer, build_wsss_visualizer

__all__ = [
    'colorize_label', 'label_palette', 'IRN_COLUMNS', 'RCA_COLUMNS', 'colour_wheel',
    'draw_irn_grid', 'WSSSVisualizer', 'build_wsss_visualizer'
]
