from .formatting import PackWSSSInputs  # noqa: F401
from .loading import (LoadCAMs, LoadCOCOInstances,  # noqa: F401
                      LoadImageFromFileChecked, LoadWSSSAnnotations)
from .geometric import WSSSRandomCrop, WSSSRandomFlip, WSSSResize  # noqa: F401
