
from .cam_panel import (colorize_label, draw_cam_panel, label_palette,  # noqa: F401
                        overlay_cam)
