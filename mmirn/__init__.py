"""mmirn: weakly supervised semantic and instance segmentation for OpenMMLab 2.x."""
import mmcv
import mmengine
from mmengine.utils import digit_version

from .utils import register_safe_globals
from .version import __version__

assert digit_version('2.0.0') <= digit_version(mmcv.__version__) < digit_version('2.2.0'), \
    f'mmirn needs mmcv>=2.0.0,<2.2.0 (mmseg/mmdet pin it), found {mmcv.__version__}'
assert digit_version('0.10.0') <= digit_version(mmengine.__version__), \
    f'mmirn needs mmengine>=0.10.0, found {mmengine.__version__}'

register_safe_globals()

# Importing the package registers every component, so `custom_imports=['mmirn']` suffices.
from . import datasets, engine, evaluation, models, visualization  # noqa: E402,F401

__all__ = ['__version__']
