"""Stage 3 pieces for stock mmseg training on pseudo labels (needs mmsegmentation).

Import ``mmirn.seg`` (``custom_imports=dict(imports=['mmirn.seg'])``) to
register them in mmseg's registries; the rest of mmirn does not depend on it.
"""
from .deeplabv2_head import DeepLabV2Head  # noqa: F401
