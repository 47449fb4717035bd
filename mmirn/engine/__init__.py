from .hooks import *  # noqa: F401,F403
# Registers mmseg's hooks (SegVisualizationHook of default_runtime.py), which the mmirn
# scope finds through its parent registry only once mmseg.engine is imported.
import mmseg.engine  # noqa: F401,E402
