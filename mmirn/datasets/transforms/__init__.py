from .formatting import PackWSSSInputs  # noqa: F401
from .loading import (LoadCOCOInstances, LoadImageFromFileChecked,  # noqa: F401
                      LoadWSSSAnnotations)
from .geometric import WSSSRandomCrop, WSSSRandomFlip, WSSSResize  # noqa: F401
