
from .cam_panel import (colorize_label, draw_cam_panel, label_palette,  # noqa: F401
                        overlay_cam)
# Registers mmseg's SegLocalVisualizer (default_runtime.py), which the mmirn scope finds
# through its parent registry only once mmseg.visualization is imported.
import mmseg.visualization  # noqa: F401,E402
