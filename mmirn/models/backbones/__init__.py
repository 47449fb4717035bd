
from .resnet38 import WideResNet38  # noqa: F401
