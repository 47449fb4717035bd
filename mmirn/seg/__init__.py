"""Stage 3 pieces for stock mmseg training on pseudo labels (needs mmsegmentation).

They are registered in mmirn's registries (scope ``mmirn``, children of mmseg's): a
config with ``default_scope='mmseg'`` names them ``mmirn.X`` (e.g.
``mmirn.DeepLabV2Head``) and imports this package with
``custom_imports=dict(imports=['mmirn.seg'])``; the rest of mmirn does not depend on
it.
"""
from .deeplabv2_head import DeepLabV2Head  # noqa: F401
from .crf_tta import CRFSegTTAModel  # noqa: F401
